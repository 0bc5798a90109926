// structuredClone (https://html.spec.whatwg.org/#dom-structuredclone) on V8's ValueSerializer
// and ValueDeserializer, and the HostObject constructor that makes runtime objects "platform
// objects" V8 hands to our serializer delegate (isolates/runtime/js/41_structured_clone.js).
//
// Host objects: instances made through ops.HostObject (a FunctionTemplate whose instances have one
// internal field) are JS_API_OBJECTs, which V8's serializer does not walk itself but passes to
// Delegate::WriteHostObject. The delegate asks the JS side (hooks.describe) what the object is:
// a DOMException is written as its name and message and read back through hooks.revive (see
// DeserializerDelegate); any other host object is a DataCloneError. Ordinary JS objects never reach
// the delegate.
//
// Errors: a DataCloneError is reported to JS as a message written into a record the caller passes
// in (JS makes the realm's DOMException from it); exceptions thrown by user code during
// serialization (getters) and RangeErrors propagate unchanged. The serialized form is capped at
// the isolate's heap limit (it has to fit there once deserialized anyway): past it the clone is a
// DataCloneError ("out of memory") instead of an unbounded malloc.
//
// Built with -fno-rtti (see isolates/CMakeLists.txt): the delegates subclass V8 classes.
#include <v8.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "isolates/runtime/ops.h"
#include "isolates/v8_util.h"

namespace quiver::isolates {
namespace {

constexpr uint32_t kDomExceptionTag = 1;

void throwTypeError(v8::Isolate* isolate, std::string_view message) {
  isolate->ThrowException(v8::Exception::TypeError(v8str(isolate, message)));
}

// Strings written raw as UTF-16 so that lone surrogates survive.
void writeString(v8::ValueSerializer& serializer, v8::Isolate* isolate, v8::Local<v8::String> s) {
  std::u16string units(static_cast<size_t>(s->Length()), u'\0');
  s->Write(isolate, reinterpret_cast<uint16_t*>(units.data()), 0, -1,
           v8::String::NO_NULL_TERMINATION);
  serializer.WriteUint32(static_cast<uint32_t>(units.size()));
  serializer.WriteRawBytes(units.data(), units.size() * sizeof(char16_t));
}

bool readString(v8::ValueDeserializer& deserializer, v8::Isolate* isolate,
                v8::Local<v8::String>& out) {
  uint32_t length = 0;
  const void* data = nullptr;
  if (!deserializer.ReadUint32(&length) ||
      !deserializer.ReadRawBytes(size_t{length} * sizeof(char16_t), &data)) {
    return false;
  }
  std::u16string units(length, u'\0');
  if (length > 0) std::memcpy(units.data(), data, size_t{length} * sizeof(char16_t));
  return v8::String::NewFromTwoByte(isolate, reinterpret_cast<const uint16_t*>(units.data()),
                                    v8::NewStringType::kNormal, static_cast<int>(length))
      .ToLocal(&out);
}

class SerializerDelegate final : public v8::ValueSerializer::Delegate {
 public:
  SerializerDelegate(v8::Isolate* isolate, v8::Local<v8::Context> context,
                     v8::Local<v8::Function> describe, size_t limit)
      : isolate_(isolate), context_(context), describe_(describe), limit_(limit) {}

  void setSerializer(v8::ValueSerializer* serializer) { serializer_ = serializer; }
  bool failed() const { return failed_; }
  const std::string& message() const { return message_; }

  void ThrowDataCloneError(v8::Local<v8::String> message) override {
    fail(stringToUtf8(isolate_, message));
  }

  v8::Maybe<bool> WriteHostObject(v8::Isolate* isolate, v8::Local<v8::Object> object) override {
    // hooks.describe(object) -> [name, message] for a DOMException, else the interface name.
    v8::Local<v8::Value> argv[] = {object};
    v8::Local<v8::Value> description;
    if (!describe_->Call(context_, v8::Undefined(isolate), 1, argv).ToLocal(&description)) {
      return v8::Nothing<bool>();
    }
    if (description->IsArray()) {
      auto pair = description.As<v8::Array>();
      v8::Local<v8::Value> name, message;
      if (pair->Length() != 2 || !pair->Get(context_, 0).ToLocal(&name) ||
          !pair->Get(context_, 1).ToLocal(&message) || !name->IsString() || !message->IsString()) {
        return v8::Nothing<bool>();
      }
      serializer_->WriteUint32(kDomExceptionTag);
      writeString(*serializer_, isolate, name.As<v8::String>());
      writeString(*serializer_, isolate, message.As<v8::String>());
      return v8::Just(true);
    }
    std::string interface = description->IsString()
                                ? stringToUtf8(isolate, description.As<v8::String>())
                                : std::string("platform");
    fail(interface + " object could not be cloned.");
    return v8::Nothing<bool>();
  }

  v8::Maybe<uint32_t> GetSharedArrayBufferId(v8::Isolate*,
                                             v8::Local<v8::SharedArrayBuffer>) override {
    fail("SharedArrayBuffer cannot be cloned: a function has no other agent to share it with.");
    return v8::Nothing<uint32_t>();
  }

  v8::Maybe<uint32_t> GetWasmModuleTransferId(v8::Isolate*,
                                              v8::Local<v8::WasmModuleObject>) override {
    fail("WebAssembly.Module object could not be cloned.");
    return v8::Nothing<uint32_t>();
  }

  void* ReallocateBufferMemory(void* old_buffer, size_t size, size_t* actual_size) override {
    if (size > limit_) return nullptr;  // V8 reports "out of memory" as a DataCloneError
    void* buffer = std::realloc(old_buffer, size);
    if (buffer) *actual_size = size;
    return buffer;
  }

  void FreeBufferMemory(void* buffer) override { std::free(buffer); }

 private:
  void fail(std::string message) {
    if (!failed_) message_ = std::move(message);
    failed_ = true;
    // Stops V8's serializer; the op turns it into the DataCloneError record.
    isolate_->ThrowException(v8str(isolate_, message_));
  }

  v8::Isolate* isolate_;
  v8::Local<v8::Context> context_;
  v8::Local<v8::Function> describe_;
  size_t limit_;
  v8::ValueSerializer* serializer_ = nullptr;
  bool failed_ = false;
  std::string message_;
};

// Reads DOMExceptions back. JavaScript may not run while V8 deserializes, so each one is first an
// empty host object (from an ObjectTemplate with one internal field, made once per clone) whose
// name and message are kept here; revive() then hands them to hooks.revive, which turns each
// placeholder into a DOMException of this realm in place.
class DeserializerDelegate final : public v8::ValueDeserializer::Delegate {
 public:
  explicit DeserializerDelegate(v8::Local<v8::Context> context) : context_(context) {}
  void setDeserializer(v8::ValueDeserializer* deserializer) { deserializer_ = deserializer; }

  v8::MaybeLocal<v8::Object> ReadHostObject(v8::Isolate* isolate) override {
    uint32_t tag = 0;
    v8::Local<v8::String> name, message;
    if (!deserializer_->ReadUint32(&tag) || tag != kDomExceptionTag ||
        !readString(*deserializer_, isolate, name) ||
        !readString(*deserializer_, isolate, message)) {
      isolate->ThrowException(v8::Exception::Error(v8str(isolate, "corrupt clone data")));
      return {};
    }
    if (template_.IsEmpty()) {
      auto tmpl = v8::ObjectTemplate::New(isolate);
      tmpl->SetInternalFieldCount(1);
      template_.Reset(isolate, tmpl);
    }
    v8::Local<v8::Object> placeholder;
    if (!template_.Get(isolate)->NewInstance(context_).ToLocal(&placeholder)) return {};
    // V8 reads each object inside a HandleScope of its own: keep them in Globals.
    placeholders_.push_back({v8::Global<v8::Object>(isolate, placeholder),
                             v8::Global<v8::String>(isolate, message),
                             v8::Global<v8::String>(isolate, name)});
    return placeholder;
  }

  // hooks.revive(object, message, name) for every DOMException read.
  bool revive(v8::Isolate* isolate, v8::Local<v8::Function> revive_hook) {
    for (const Placeholder& p : placeholders_) {
      v8::Local<v8::Value> argv[] = {p.object.Get(isolate), p.message.Get(isolate),
                                     p.name.Get(isolate)};
      if (revive_hook->Call(context_, v8::Undefined(isolate), 3, argv).IsEmpty()) return false;
    }
    return true;
  }

 private:
  struct Placeholder {
    v8::Global<v8::Object> object;
    v8::Global<v8::String> message;
    v8::Global<v8::String> name;
  };
  v8::Local<v8::Context> context_;
  v8::Global<v8::ObjectTemplate> template_;
  std::vector<Placeholder> placeholders_;
  v8::ValueDeserializer* deserializer_ = nullptr;
};

// The serialized buffer, freed by the delegate's allocator.
struct SerializedData {
  uint8_t* data = nullptr;
  size_t size = 0;
  ~SerializedData() { std::free(data); }
};

// ops.structuredClone(value, transferList, hooks, errorOut) -> clone
//   transferList: array of ArrayBuffers, already checked by JS (distinct, not detached,
//     detachable); they are detached once serialization succeeded.
//   hooks: { describe(object), revive(placeholder, message, name) } (see the delegates above).
//   errorOut: an object whose `message` is set (CreateDataProperty) on a DataCloneError; the op
//     then returns undefined.
void opStructuredClone(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  if (args.Length() < 4 || !args[1]->IsArray() || !args[2]->IsObject() || !args[3]->IsObject()) {
    return throwTypeError(isolate, "ops.structuredClone(value, transferList, hooks, errorOut)");
  }
  auto hooks = args[2].As<v8::Object>();
  v8::Local<v8::Value> describe, revive;
  if (!hooks->Get(context, v8str(isolate, "describe")).ToLocal(&describe) ||
      !hooks->Get(context, v8str(isolate, "revive")).ToLocal(&revive) || !describe->IsFunction() ||
      !revive->IsFunction()) {
    return throwTypeError(isolate, "ops.structuredClone: hooks.describe/revive missing");
  }
  auto error_out = args[3].As<v8::Object>();
  auto report = [&](std::string_view message) {
    bool reported =
        error_out->CreateDataProperty(context, v8str(isolate, "message"), v8str(isolate, message))
            .FromMaybe(false);
    (void)reported;
  };
  auto transfer_list = args[1].As<v8::Array>();
  std::vector<v8::Local<v8::ArrayBuffer>> transfers;
  for (uint32_t i = 0; i < transfer_list->Length(); ++i) {
    v8::Local<v8::Value> item;
    if (!transfer_list->Get(context, i).ToLocal(&item)) return;
    if (!item->IsArrayBuffer()) return throwTypeError(isolate, "transfer list: ArrayBuffers only");
    auto buffer = item.As<v8::ArrayBuffer>();
    if (buffer->WasDetached()) return report("An ArrayBuffer is detached and could not be cloned.");
    if (!buffer->IsDetachable()) return report("An ArrayBuffer is not detachable.");
    transfers.push_back(buffer);
  }

  v8::HeapStatistics heap;
  isolate->GetHeapStatistics(&heap);
  SerializerDelegate delegate(isolate, context, describe.As<v8::Function>(),
                              heap.heap_size_limit());
  SerializedData serialized;
  {
    v8::TryCatch try_catch(isolate);
    v8::ValueSerializer serializer(isolate, &delegate);
    delegate.setSerializer(&serializer);
    for (uint32_t i = 0; i < transfers.size(); ++i) serializer.TransferArrayBuffer(i, transfers[i]);
    serializer.WriteHeader();
    bool written = serializer.WriteValue(context, args[0]).FromMaybe(false);
    std::pair<uint8_t*, size_t> buffer = serializer.Release();
    serialized.data = buffer.first;
    serialized.size = buffer.second;
    if (!written) {
      if (delegate.failed() && !try_catch.HasTerminated()) {
        return report(delegate.message());  // the marker exception is dropped with try_catch
      }
      if (try_catch.HasCaught() || try_catch.HasTerminated()) try_catch.ReThrow();
      return;
    }
  }

  // Detach the transferred buffers, keeping their memory for the clones.
  std::vector<std::shared_ptr<v8::BackingStore>> stores;
  for (auto& buffer : transfers) {
    stores.push_back(buffer->GetBackingStore());
    buffer->Detach();
  }

  DeserializerDelegate reader(context);
  v8::ValueDeserializer deserializer(isolate, serialized.data, serialized.size, &reader);
  reader.setDeserializer(&deserializer);
  for (uint32_t i = 0; i < stores.size(); ++i) {
    deserializer.TransferArrayBuffer(i, v8::ArrayBuffer::New(isolate, stores[i]));
  }
  v8::Local<v8::Value> clone;
  if (!deserializer.ReadHeader(context).FromMaybe(false) ||
      !deserializer.ReadValue(context).ToLocal(&clone) ||
      !reader.revive(isolate, revive.As<v8::Function>())) {
    return;  // the exception (allocation failure, termination, …) propagates
  }
  args.GetReturnValue().Set(clone);
}

// new ops.HostObject(): an object with one internal field (a "platform object" to V8's
// serializer); its prototype comes from new.target, so `Reflect.construct(ops.HostObject, [],
// new.target)` makes an instance of any runtime class.
void hostObjectConstructor(const v8::FunctionCallbackInfo<v8::Value>& args) {
  if (!args.IsConstructCall()) throwTypeError(args.GetIsolate(), "Illegal constructor");
}

// One op per line, alphabetical.
// clang-format off
constexpr Op kOps[] = {
    {"structuredClone", opStructuredClone},
};
// clang-format on

}  // namespace

std::span<const Op> cloneOps() { return kOps; }

v8::MaybeLocal<v8::Function> newHostObjectConstructor(v8::Isolate* isolate,
                                                      v8::Local<v8::Context> context) {
  auto tmpl = v8::FunctionTemplate::New(isolate, hostObjectConstructor);
  tmpl->SetClassName(v8str(isolate, "HostObject"));
  tmpl->InstanceTemplate()->SetInternalFieldCount(1);
  return tmpl->GetFunction(context);
}

v8::FunctionCallback hostObjectConstructorCallback() { return hostObjectConstructor; }

}  // namespace quiver::isolates
