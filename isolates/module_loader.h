// Compiling and instantiating a function's ES module. A version is one module for now; imports
// are refused with a clear error until bundles of modules arrive.
//
// Code cache: compileModule consumes a V8 code cache when given one (the version's, see
// host::CodeCacheSlot) framed with our CRC-32 (a cache whose bytes changed is rejected before V8
// sees it); V8 checks it against its own version, its flags and the source's length
// and rejects what does not fit, and then the module is compiled from source as without one.
// createCodeCache serialises what is compiled of a module so far: right after compiling, only
// the eagerly compiled top level; after a first run, every function that ran as well.
#pragma once

#include <v8.h>

#include <string>
#include <string_view>

#include "host/result.h"

namespace quiver::isolates {

// What became of the code cache given to compileModule (the quiver_code_cache_total label).
enum class CodeCacheUse { kMiss, kHit, kRejected };  // kMiss: none was given
std::string_view codeCacheUseName(CodeCacheUse use);

// Errors: "syntax_error" (message with line and column), "unsupported_import".
// `code_cache`: null or empty for none; `use`, if not null, says what became of it.
Result<v8::Local<v8::Module>> compileModule(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                            const std::string& name, const std::string& code,
                                            const std::string* code_cache = nullptr,
                                            CodeCacheUse* use = nullptr);

// The code cache of a compiled module; empty if V8 cannot make one.
std::string createCodeCache(v8::Local<v8::UnboundModuleScript> script);

// Instantiates and evaluates `module`, then returns its default export, which must be an object
// with a fetch method. Errors: "module_error" with the thrown error's stack.
Result<v8::Local<v8::Object>> evaluateModule(v8::Isolate* isolate, v8::Local<v8::Context> context,
                                             v8::Local<v8::Module> module);

}  // namespace quiver::isolates
