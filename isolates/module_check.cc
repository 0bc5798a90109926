#include "isolates/module_check.h"

#include "isolates/isolate_holder.h"
#include "isolates/module_loader.h"
#include "isolates/v8_util.h"

namespace quiver::isolates {

Result<std::string> checkModule(const std::string& name, const std::string& code) {
  IsolateHolder holder;
  v8::Isolate* isolate = holder.get();
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  auto context = v8::Context::New(isolate);
  v8::Context::Scope context_scope(context);
  auto module = compileModule(isolate, context, name, code);
  if (!module) return module.error();
  return createCodeCache((*module)->GetUnboundModuleScript());
}

}  // namespace quiver::isolates
