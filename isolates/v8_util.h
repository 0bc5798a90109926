// Small helpers for talking to V8 that every file in this layer needs. Conversions from values
// user code produced go through Maybe/ToLocal and report failure; none calls ToLocalChecked.
#pragma once

#include <v8.h>

#include <string>
#include <string_view>

namespace quiver::isolates {

// Strings we make ourselves: allocation of a short string only fails when V8 is out of memory,
// which is fatal anyway.
inline v8::Local<v8::String> v8str(v8::Isolate* isolate, std::string_view s) {
  return v8::String::NewFromUtf8(isolate, s.data(), v8::NewStringType::kNormal,
                                 static_cast<int>(s.size()))
      .ToLocalChecked();
}

// UTF-8 of any value (ToString may run user code and throw: then returns `fallback`).
std::string toUtf8(v8::Isolate* isolate, v8::Local<v8::Value> value,
                   std::string_view fallback = "<unprintable>");

// UTF-8 of a value already known to be a string, without running user code.
std::string stringToUtf8(v8::Isolate* isolate, v8::Local<v8::String> s);

// Calls `fn` for what it does, not what it returns. An exception (or a termination) stays with
// the caller's TryCatch.
inline void callForEffect(v8::Local<v8::Context> context, v8::Local<v8::Function> fn, int argc,
                          v8::Local<v8::Value>* argv) {
  v8::Local<v8::Value> ignored;
  if (fn->Call(context, v8::Undefined(context->GetIsolate()), argc, argv).ToLocal(&ignored)) {
    return;
  }
}

// HTTP header names and values, status texts: ByteStrings
// (https://webidl.spec.whatwg.org/#idl-ByteString), one byte per code unit both ways, no UTF-8.
// byteString of a non-string is "".
std::string byteString(v8::Isolate* isolate, v8::Local<v8::Value> value);
v8::MaybeLocal<v8::String> oneByteString(v8::Isolate* isolate, std::string_view bytes);

// "Error: message\n    at …" for an exception or rejection value: the stack when the value is
// an Error that has one, else its string form. Never throws into JS.
std::string describeException(v8::Isolate* isolate, v8::Local<v8::Context> context,
                              v8::Local<v8::Value> exception);

}  // namespace quiver::isolates
