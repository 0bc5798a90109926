// FunctionInstance, part two: bytes in motion between the host and JS (see function_instance.h).
//
// Host -> JS (HostBody): the host hands a host::ByteStream over with adoptBody(); JS wraps the
// handle in a ReadableStream (internals.createHostReadableStream, 28_host_streams.js) whose pull
// calls ops.bodyRead. Each read is one ByteStream::read(), so JS pulls at its own pace and the
// producer (a socket) only produces what is asked for. A HostBody that JS has not touched can be
// taken back whole (takeHostBody): a function that returns a fetch() response, or passes the
// incoming body to fetch(), has the bytes go from socket to socket without entering V8.
//
// JS -> host (JsStream): a JS ReadableStream the host reads through a JsByteStream. Each read()
// is one entry into JS charged to the stream's request: internals.readChunk(reader), whose
// promise settles with the next Uint8Array, null at the end, or an error message; the answer is
// delivered after the entry, like completions. A response body stream holds its request alive
// until it ends, so the timers and fetches that feed it keep running.
#include <utility>

#include "isolates/function_instance.h"
#include "isolates/v8_util.h"

namespace quiver::isolates {
namespace {

using Event = host::ByteStream::Event;

// A Uint8Array that owns `bytes` without copying them.
v8::Local<v8::Uint8Array> ownedBytes(v8::Isolate* isolate, std::string bytes) {
  auto* owned = new std::string(std::move(bytes));
  auto store = v8::ArrayBuffer::NewBackingStore(
      owned->data(), owned->size(),
      [](void*, size_t, void* data) { delete static_cast<std::string*>(data); }, owned);
  size_t length = store->ByteLength();
  return v8::Uint8Array::New(v8::ArrayBuffer::New(isolate, std::move(store)), 0, length);
}

}  // namespace

// The host's end of a JsStream. Holds the instance only through the Liveness token: a stream
// that outlives its instance answers reads with kError.
class FunctionInstance::JsByteStream final : public host::ByteStream {
 public:
  JsByteStream(std::shared_ptr<Liveness> liveness, uint64_t id)
      : liveness_(std::move(liveness)), id_(id) {}
  ~JsByteStream() override { cancel(); }

  void read(ReadCallback callback) override {
    FunctionInstance* instance = liveness_->instance;
    if (!instance) return callback(Event::kError, "the function instance was discarded");
    instance->jsStreamRead(id_, std::move(callback));
  }

  void cancel() override {
    if (FunctionInstance* instance = liveness_->instance) instance->jsStreamCancel(id_);
  }

 private:
  std::shared_ptr<Liveness> liveness_;
  uint64_t id_;
};

// --- host -> JS ---

uint64_t FunctionInstance::adoptBody(uint64_t request, std::shared_ptr<host::ByteStream> stream,
                                     std::shared_ptr<host::ByteStream> raw) {
  uint64_t handle = next_id_++;
  host_bodies_[handle] = HostBody{request, std::move(stream), std::move(raw), false, {}};
  return handle;
}

v8::MaybeLocal<v8::Value> FunctionInstance::hostReadableStream(v8::Local<v8::Context> context,
                                                               uint64_t handle) {
  v8::Isolate* isolate = holder_->get();
  v8::Local<v8::Value> argv[] = {v8::Number::New(isolate, static_cast<double>(handle))};
  return runtime_->createHostReadableStream(isolate)->Call(context, v8::Undefined(isolate), 1,
                                                           argv);
}

std::shared_ptr<host::ByteStream> FunctionInstance::takeHostBody(uint64_t handle) {
  auto it = host_bodies_.find(handle);
  if (it == host_bodies_.end() || !it->second.pending.IsEmpty()) return nullptr;
  // A decoded body goes on encoded, as it came (its Content-Encoding header says so).
  auto stream = it->second.raw ? std::move(it->second.raw) : std::move(it->second.stream);
  host_bodies_.erase(it);
  return stream;
}

Result<v8::Local<v8::Promise>> FunctionInstance::bodyRead(uint64_t handle) {
  auto it = host_bodies_.find(handle);
  if (it == host_bodies_.end()) {
    return Error{"no_body", "the body is no longer available: its request has ended"};
  }
  if (!it->second.pending.IsEmpty()) {
    return Error{"busy", "a read of this body is already in progress"};
  }
  v8::Isolate* isolate = holder_->get();
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(isolate->GetCurrentContext()).ToLocal(&resolver)) {
    return Error{"no_promise", "cannot create a promise"};
  }
  it->second.pending.Reset(isolate, resolver);
  std::shared_ptr<host::ByteStream> stream = it->second.stream;  // alive through read()
  stream->read([liveness = liveness_, handle](Event event, std::string chunk) {
    if (FunctionInstance* instance = liveness->instance) {
      instance->onHostChunk(handle, event, std::move(chunk));
    }
  });
  return resolver->GetPromise();
}

void FunctionInstance::onHostChunk(uint64_t handle, Event event, std::string chunk) {
  auto found = host_bodies_.find(handle);
  if (found == host_bodies_.end() || found->second.pending.IsEmpty()) return;
  auto settle = [&] {
    auto it = host_bodies_.find(handle);
    if (it == host_bodies_.end()) return;
    v8::Isolate* isolate = holder_->get();
    auto context = isolate->GetCurrentContext();
    auto resolver = it->second.pending.Get(isolate);
    it->second.pending.Reset();
    if (event == Event::kError && it->second.incoming) noteBodyError(it->second.request, chunk);
    if (event != Event::kData) host_bodies_.erase(it);
    v8::Maybe<bool> done = v8::Nothing<bool>();
    switch (event) {
      case Event::kData:
        done = resolver->Resolve(context, ownedBytes(isolate, std::move(chunk)));
        break;
      case Event::kEnd:
        done = resolver->Resolve(context, v8::Undefined(isolate));
        break;
      case Event::kError:
        done = resolver->Reject(context, v8::Exception::TypeError(v8str(isolate, chunk)));
        break;
    }
    (void)done;  // fails only when terminating, which kill() answers
  };
  // Answered at once (inside ops.bodyRead) or later from the loop: then as an entry of its own.
  if (entry_depth_ > 0) {
    settle();
  } else {
    runEntry(found->second.request, settle);
  }
}

void FunctionInstance::bodyCancel(uint64_t handle) {
  auto it = host_bodies_.find(handle);
  if (it == host_bodies_.end()) return;
  auto stream = std::move(it->second.stream);
  host_bodies_.erase(it);
  stream->cancel();
}

// The client's body failed on the gateway's side: that, not the function's answer, is what the
// client gets (the same errors the gateway gives before a function runs).
void FunctionInstance::noteBodyError(uint64_t request, const std::string& message) {
  auto it = requests_.find(request);
  if (it == requests_.end() || it->second.body_error) return;
  if (message.rfind("request body exceeds", 0) == 0) {
    it->second.body_error = InvokeResponse::hostError(413, "request_body_too_large", message);
  } else if (message != "client disconnected") {
    it->second.body_error = InvokeResponse::hostError(
        400, "bad_request", "the request body could not be read: " + message);
  }
}

// --- JS -> host ---

std::shared_ptr<host::ByteStream> FunctionInstance::readFromJs(uint64_t request,
                                                               v8::Local<v8::Object> reader,
                                                               bool holds) {
  uint64_t id = next_id_++;
  JsStream& stream = js_streams_[id];
  stream.request = request;
  stream.reader.Reset(holder_->get(), reader);
  stream.holds = holds;
  if (holds) {
    if (auto it = requests_.find(request); it != requests_.end()) ++it->second.holds;
  }
  return std::make_shared<JsByteStream>(liveness_, id);
}

// A body value from JS (a ReadableStream) as a host stream: the untouched host body it wraps,
// if it is one, else a JsStream over a reader the host takes (locking the stream).
Result<std::shared_ptr<host::ByteStream>> FunctionInstance::bodyStreamOf(
    uint64_t request, v8::Local<v8::Context> context, v8::Local<v8::Value> stream, bool holds) {
  v8::Isolate* isolate = holder_->get();
  v8::Local<v8::Value> taken;
  if (!runtime_->takeHostStream(isolate)
           ->Call(context, v8::Undefined(isolate), 1, &stream)
           .ToLocal(&taken)) {
    return Error{"invalid_body", "the body stream cannot be read"};
  }
  if (taken->IsNumber()) {
    auto body = takeHostBody(static_cast<uint64_t>(taken.As<v8::Number>()->Value()));
    if (body) return body;
    return Error{"invalid_body", "the body stream is no longer available"};
  }
  if (!taken->IsObject()) return Error{"invalid_body", "the body stream cannot be read"};
  return readFromJs(request, taken.As<v8::Object>(), holds);
}

void FunctionInstance::jsStreamRead(uint64_t id, host::ByteStream::ReadCallback callback) {
  auto it = js_streams_.find(id);
  if (it == js_streams_.end() || dead_) {
    return callback(Event::kError, "the function's stream ended with its request");
  }
  it->second.pending = std::move(callback);
  uint64_t owner = it->second.request;
  runEntry(owner, [&] {
    auto stream = js_streams_.find(id);
    if (stream == js_streams_.end()) return;
    v8::Isolate* isolate = holder_->get();
    auto context = isolate->GetCurrentContext();
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::Value> reader = stream->second.reader.Get(isolate);
    v8::Local<v8::Value> promise;
    if (runtime_->readChunk(isolate)
            ->Call(context, v8::Undefined(isolate), 1, &reader)
            .ToLocal(&promise) &&
        promise->IsPromise()) {
      return watch(id, promise.As<v8::Promise>(), Settled::kStreamChunk, Settled::kStreamChunk);
    }
    if (try_catch.HasTerminated()) return;  // kill() ends the request and this stream
    onJsChunk(id, v8str(isolate, "the stream could not be read"));
  });
}

void FunctionInstance::onJsChunk(uint64_t id, v8::Local<v8::Value> value) {
  auto it = js_streams_.find(id);
  if (it == js_streams_.end() || !it->second.pending) return;
  auto callback = std::move(it->second.pending);
  it->second.pending = nullptr;
  if (value->IsArrayBufferView()) {
    // readChunk() skips empty chunks: ByteStream chunks are never empty.
    auto view = value.As<v8::ArrayBufferView>();
    std::string chunk(view->ByteLength(), '\0');
    view->CopyContents(chunk.data(), chunk.size());
    stream_events_.push_back({std::move(callback), Event::kData, std::move(chunk)});
    return;
  }
  uint64_t request = it->second.request;
  bool holds = it->second.holds;
  js_streams_.erase(it);
  if (value->IsNull()) {
    stream_events_.push_back({std::move(callback), Event::kEnd, {}});
  } else {
    std::string message = toUtf8(holder_->get(), value);
    if (auto state = requests_.find(request); state != requests_.end()) {
      log(host::LogLevel::kError, state->second.request_id, message);
    }
    stream_events_.push_back({std::move(callback), Event::kError, std::move(message)});
  }
  if (holds) release(request);
}

void FunctionInstance::jsStreamCancel(uint64_t id) {
  auto it = js_streams_.find(id);
  if (it == js_streams_.end()) return;
  uint64_t request = it->second.request;
  bool holds = it->second.holds;
  v8::Global<v8::Object> reader = std::move(it->second.reader);
  js_streams_.erase(it);  // a pending callback is dropped, as ByteStream::cancel() says
  runEntry(request, [&] {
    v8::Isolate* isolate = holder_->get();
    auto context = isolate->GetCurrentContext();
    v8::TryCatch try_catch(isolate);
    v8::Local<v8::Value> argv[] = {reader.Get(isolate)};
    callForEffect(context, runtime_->cancelReader(isolate), 1, argv);
  });
  if (holds) release(request);
}

// The request is over: what it still reads from the host is cancelled, and whoever reads its
// JS streams gets an error (a truncated response body).
void FunctionInstance::endStreams(uint64_t request, const std::string& why) {
  std::vector<std::shared_ptr<host::ByteStream>> cancelled;
  for (auto it = host_bodies_.begin(); it != host_bodies_.end();) {
    if (it->second.request == request) {
      cancelled.push_back(std::move(it->second.stream));
      it = host_bodies_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = js_streams_.begin(); it != js_streams_.end();) {
    if (it->second.request == request) {
      if (it->second.pending) {
        stream_events_.push_back({std::move(it->second.pending), Event::kError, why});
      }
      it = js_streams_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& stream : cancelled) stream->cancel();
}

}  // namespace quiver::isolates
