// Compiling and instantiating a function's ES module. A version is one module for now; imports
// are refused with a clear error until bundles of modules arrive.
#pragma once

#include <v8.h>

#include <string>

#include "host/result.h"

namespace quiver::isolates {

// Errors: "syntax_error" (message with line and column), "unsupported_import".
Result<v8::Local<v8::Module>> compileModule(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                            const std::string& name, const std::string& code);

// Instantiates and evaluates `module`, then returns its default export, which must be an object
// with a fetch method. Errors: "module_error" with the thrown error's stack.
Result<v8::Local<v8::Object>> evaluateModule(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                             v8::Local<v8::Module> module);

}  // namespace quiver::isolates
