#include "isolates/v8_util.h"

namespace quiver::isolates {

std::string byteString(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (!value->IsString()) return {};
  auto s = value.As<v8::String>();
  std::string out(s->Length(), '\0');
  s->WriteOneByte(isolate, reinterpret_cast<uint8_t*>(out.data()), 0, s->Length(),
                  v8::String::NO_NULL_TERMINATION);
  return out;
}

v8::MaybeLocal<v8::String> oneByteString(v8::Isolate* isolate, std::string_view bytes) {
  return v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(bytes.data()),
                                    v8::NewStringType::kNormal, static_cast<int>(bytes.size()));
}

std::string stringToUtf8(v8::Isolate* isolate, v8::Local<v8::String> s) {
  std::string out;
  out.resize(s->Utf8Length(isolate));
  s->WriteUtf8(isolate, out.data(), static_cast<int>(out.size()), nullptr,
               v8::String::NO_NULL_TERMINATION | v8::String::REPLACE_INVALID_UTF8);
  return out;
}

std::string toUtf8(v8::Isolate* isolate, v8::Local<v8::Value> value, std::string_view fallback) {
  if (value->IsString()) return stringToUtf8(isolate, value.As<v8::String>());
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::String> s;
  if (!value->ToString(isolate->GetCurrentContext()).ToLocal(&s)) return std::string(fallback);
  return stringToUtf8(isolate, s);
}

std::string describeException(v8::Isolate* isolate, v8::Local<v8::Context> context,
                              v8::Local<v8::Value> exception) {
  v8::TryCatch try_catch(isolate);
  if (exception->IsNativeError()) {
    v8::Local<v8::Value> stack;
    // Read the own data property only: a getter defined by user code is not run.
    auto obj = exception.As<v8::Object>();
    if (obj->GetRealNamedProperty(context, v8str(isolate, "stack")).ToLocal(&stack) &&
        stack->IsString()) {
      return stringToUtf8(isolate, stack.As<v8::String>());
    }
  }
  return toUtf8(isolate, exception);
}

}  // namespace quiver::isolates
