// quiver-mksnapshot OUT: writes the runtime's startup snapshot (isolates/runtime/snapshot.h) to
// OUT. Run by the build; exits non-zero with the runtime's error if a runtime file throws, so a
// runtime that cannot be snapshotted fails the build instead of every cold start.
#include <cstdio>
#include <fstream>
#include <string>

#include "isolates/platform.h"
#include "isolates/runtime/snapshot.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: quiver-mksnapshot OUT\n");
    return 2;
  }
  quiver::isolates::initializeV8(argv[0]);
  auto blob = quiver::isolates::makeRuntimeSnapshot();
  if (!blob) {
    std::fprintf(stderr, "quiver-mksnapshot: %s\n", blob.error().message.c_str());
    return 1;
  }
  std::string tmp = std::string(argv[1]) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(blob->data(), static_cast<std::streamsize>(blob->size()));
    if (!out) {
      std::fprintf(stderr, "quiver-mksnapshot: cannot write %s\n", tmp.c_str());
      return 1;
    }
  }
  if (std::rename(tmp.c_str(), argv[1]) != 0) {
    std::perror("quiver-mksnapshot: rename");
    return 1;
  }
  std::printf("quiver-mksnapshot: %zu bytes\n", blob->size());
  return 0;
}
