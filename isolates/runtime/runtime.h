// Runtime: installs the Web API surface into a fresh context by running the embedded runtime
// JavaScript (isolates/runtime/js) against the native ops, and keeps handles to the internal
// functions the C++ side calls. One Runtime per context; it lives as long as the context.
//
// Loading contract (the JS files rely on it): each file is wrapped as
//   (function (ops, internals, primordials) { "use strict"; <file> })
// and called in lexical order with the same three objects.
#pragma once

#include <v8.h>

#include <string>

#include "host/result.h"

namespace quiver::isolates {

class Runtime {
 public:
  // Runs every runtime file in `context` (which must be entered). Fails with the JS error if a
  // file throws: that is a bug in the runtime, reported rather than crashed on.
  static Result<std::unique_ptr<Runtime>> install(v8::Isolate* isolate,
                                                  v8::Local<v8::Context> context);

  // internals.makeRequest(method, url, headersFlat, body) etc. (see the JS side).
  v8::Local<v8::Function> makeRequest(v8::Isolate* i) const { return make_request_.Get(i); }
  v8::Local<v8::Function> makeContext(v8::Isolate* i) const { return make_context_.Get(i); }
  v8::Local<v8::Function> responseRecord(v8::Isolate* i) const { return response_record_.Get(i); }
  v8::Local<v8::Function> setBaseUrl(v8::Isolate* i) const { return set_base_url_.Get(i); }
  v8::Local<v8::Object> internals(v8::Isolate* i) const { return internals_.Get(i); }

 private:
  v8::Global<v8::Object> internals_;
  v8::Global<v8::Function> make_request_;
  v8::Global<v8::Function> make_context_;
  v8::Global<v8::Function> response_record_;
  v8::Global<v8::Function> set_base_url_;
};

}  // namespace quiver::isolates
