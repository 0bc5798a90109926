#include "isolates/platform.h"

#include <libplatform/libplatform.h>
#include <v8.h>

#include <memory>
#include <mutex>

namespace quiver::isolates {
namespace {
std::once_flag g_once;
std::unique_ptr<v8::Platform> g_platform;
}  // namespace

void initializeV8(const char* argv0) {
  std::call_once(g_once, [argv0] {
    v8::V8::InitializeICUDefaultLocation(argv0);
    // Functions must not generate code from strings at request time; harmony flags stay off.
    g_platform = v8::platform::NewDefaultPlatform();
    v8::V8::InitializePlatform(g_platform.get());
    v8::V8::Initialize();
  });
}

void shutdownV8() {
  if (!g_platform) return;
  v8::V8::Dispose();
  v8::V8::DisposePlatform();
  g_platform.reset();
}

}  // namespace quiver::isolates
