// The runtime's JavaScript (isolates/runtime/js/NN_*.js), embedded at build time, in load order.
#pragma once

#include <cstddef>

namespace quiver::isolates {

struct RuntimeFile {
  const char* name;
  const char* source;
  size_t length;
};

extern const RuntimeFile kRuntimeFiles[];
extern const size_t kRuntimeFileCount;

}  // namespace quiver::isolates
