// FunctionInstance, part three: fetch() exchanges on the shard's HTTP client (host/net).
//
// An exchange belongs to the request whose JS started it and ends with it: a request that ends
// (its response sent and no ctx.waitUntil() work left, a limit, the client gone) aborts its
// exchanges. The response is handed to JS at head-complete; its body becomes a HostBody, decoded
// (gzip, deflate) as JS reads it, or handed on encoded if JS passes it on untouched.
#include <utility>

#include "host/byte_stream_util.h"
#include "host/decoding_byte_stream.h"
#include "isolates/function_instance.h"
#include "isolates/v8_util.h"

namespace quiver::isolates {
namespace {

bool hasHeader(const host::net::HttpClient::Headers& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (n.size() == name.size()) {
      bool same = true;
      for (size_t i = 0; i < n.size() && same; ++i) {
        same = std::tolower(static_cast<unsigned char>(n[i])) == name[i];
      }
      if (same) return true;
    }
  }
  return false;
}

}  // namespace

Result<v8::Local<v8::Array>> FunctionInstance::fetchStart(FetchArgs& args) {
  if (dead_) return Error{"dead", "the function instance is being discarded"};
  auto owner = requests_.find(current_owner_);
  if (owner == requests_.end()) {
    return Error{"no_request",
                 "fetch() can only be called while handling a request, not at module top level"};
  }
  if (!services_.http_client) {
    return Error{"no_client", "fetch() of http: and https: URLs is not available on this host"};
  }
  if (owner->second.subrequests >= kMaxSubrequestsPerRequest) {
    return Error{"too_many_subrequests", "too many subrequests: a request may make at most " +
                                             std::to_string(kMaxSubrequestsPerRequest) +
                                             " fetch() requests (redirects included)"};
  }
  v8::Isolate* isolate = holder_->get();
  auto context = isolate->GetCurrentContext();
  host::net::HttpClient::Request request;
  request.method = std::move(args.method);
  request.url = std::move(args.url);
  request.headers = std::move(args.headers);
  // What a browser would send when the function did not say (see 60_fetch.js).
  if (!hasHeader(request.headers, "accept")) request.headers.emplace_back("accept", "*/*");
  if (!hasHeader(request.headers, "accept-encoding")) {
    request.headers.emplace_back("accept-encoding", "gzip, deflate");
  }
  if (!hasHeader(request.headers, "user-agent")) {
    request.headers.emplace_back("user-agent", "Quiver");
  }
  if (args.body->IsArrayBufferView()) {
    auto view = args.body.As<v8::ArrayBufferView>();
    std::string bytes(view->ByteLength(), '\0');
    view->CopyContents(bytes.data(), bytes.size());
    request.body = std::make_shared<host::StringByteStream>(std::move(bytes));
  } else if (args.body->IsObject()) {
    auto stream = bodyStreamOf(current_owner_, context, args.body, /*holds=*/false);
    if (!stream) return stream.error();
    request.body = std::move(*stream);
  }
  v8::Local<v8::Promise::Resolver> resolver;
  if (!v8::Promise::Resolver::New(context).ToLocal(&resolver)) {
    return Error{"no_promise", "cannot create a promise"};
  }
  ++owner->second.subrequests;
  uint64_t id = next_id_++;
  Fetch& fetch = fetches_[id];
  fetch.request = current_owner_;
  fetch.resolver.Reset(isolate, resolver);
  // The callbacks never run inside start() (HttpClient's contract), so `fetch` is still valid.
  fetch.exchange = services_.http_client->start(
      std::move(request),
      [liveness = liveness_, id](host::net::HttpClient::Response response) {
        if (FunctionInstance* self = liveness->instance) {
          self->onFetchResponse(id, std::move(response));
        }
      },
      [liveness = liveness_, id](std::string message) {
        if (FunctionInstance* self = liveness->instance) self->onFetchError(id, std::move(message));
      });
  v8::Local<v8::Value> pair[] = {v8::Number::New(isolate, static_cast<double>(id)),
                                 resolver->GetPromise()};
  return v8::Array::New(isolate, pair, 2);
}

void FunctionInstance::onFetchResponse(uint64_t id, host::net::HttpClient::Response response) {
  auto it = fetches_.find(id);
  if (it == fetches_.end()) {
    response.body->cancel();
    return;
  }
  uint64_t request = it->second.request;
  v8::Global<v8::Promise::Resolver> resolver = std::move(it->second.resolver);
  fetches_.erase(it);
  // Content decoding: JS reads the decoded bytes; the raw ones go on if JS passes the body on.
  std::shared_ptr<host::ByteStream> raw = response.body;
  std::shared_ptr<host::ByteStream> decoded;
  for (const auto& [name, value] : response.headers) {
    if (name != "content-encoding") continue;
    if (auto format = host::DecodingByteStream::codingOf(value)) {
      std::string error;
      decoded = host::DecodingByteStream::create(raw, *format, &error);
    }
    break;
  }
  runEntry(request, [&] {
    v8::Isolate* isolate = holder_->get();
    auto context = isolate->GetCurrentContext();
    std::vector<v8::Local<v8::Value>> flat;
    flat.reserve(response.headers.size() * 2);
    for (const auto& [name, value] : response.headers) {
      v8::Local<v8::String> n, v;
      if (!oneByteString(isolate, name).ToLocal(&n) || !oneByteString(isolate, value).ToLocal(&v))
        return;
      flat.push_back(n);
      flat.push_back(v);
    }
    v8::Local<v8::String> status_text;
    if (!oneByteString(isolate, response.status_text).ToLocal(&status_text)) return;
    uint64_t handle = decoded ? adoptBody(request, decoded, raw) : adoptBody(request, raw);
    v8::Local<v8::Value> record[] = {v8::Integer::New(isolate, response.status), status_text,
                                     v8::Array::New(isolate, flat.data(), flat.size()),
                                     v8::Number::New(isolate, static_cast<double>(handle))};
    // Fails only when terminating, which kill() answers.
    bool settled = resolver.Get(isolate)
                       ->Resolve(context, v8::Array::New(isolate, record, 4))
                       .FromMaybe(false);
    (void)settled;
  });
}

void FunctionInstance::onFetchError(uint64_t id, std::string message) {
  auto it = fetches_.find(id);
  if (it == fetches_.end()) return;
  uint64_t request = it->second.request;
  v8::Global<v8::Promise::Resolver> resolver = std::move(it->second.resolver);
  fetches_.erase(it);
  runEntry(request, [&] {
    v8::Isolate* isolate = holder_->get();
    auto error = v8::Exception::TypeError(v8str(isolate, "fetch failed: " + message));
    bool settled =
        resolver.Get(isolate)->Reject(isolate->GetCurrentContext(), error).FromMaybe(false);
    (void)settled;
  });
}

void FunctionInstance::fetchAbort(uint64_t id) {
  auto it = fetches_.find(id);
  if (it == fetches_.end()) return;
  auto exchange = std::move(it->second.exchange);
  fetches_.erase(it);  // the promise stays pending: the JS side rejected for the abort
  if (exchange) exchange->abort();
}

void FunctionInstance::endFetches(uint64_t request) {
  std::vector<std::shared_ptr<host::net::HttpClient::Exchange>> aborted;
  for (auto it = fetches_.begin(); it != fetches_.end();) {
    if (it->second.request == request) {
      aborted.push_back(std::move(it->second.exchange));
      it = fetches_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& exchange : aborted) {
    if (exchange) exchange->abort();
  }
}

}  // namespace quiver::isolates
