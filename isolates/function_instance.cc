#include "isolates/function_instance.h"

#include <vector>

#include "isolates/module_loader.h"
#include "isolates/v8_util.h"

namespace quiver::isolates {
namespace {

// Header names and values are ByteStrings: one byte per code unit, no UTF-8 re-encoding.
std::string toByteString(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  if (!value->IsString()) return {};
  auto s = value.As<v8::String>();
  std::string out(s->Length(), '\0');
  s->WriteOneByte(isolate, reinterpret_cast<uint8_t*>(out.data()), 0, s->Length(),
                  v8::String::NO_NULL_TERMINATION);
  return out;
}

v8::Local<v8::ArrayBuffer> takeBody(v8::Isolate* isolate, std::string body) {
  // The body's bytes move into V8 without a copy: the backing store owns the std::string.
  auto* owned = new std::string(std::move(body));
  auto store = v8::ArrayBuffer::NewBackingStore(
      owned->data(), owned->size(),
      [](void*, size_t, void* data) { delete static_cast<std::string*>(data); }, owned);
  return v8::ArrayBuffer::New(isolate, std::move(store));
}

}  // namespace

FunctionInstance::FunctionInstance(host::FunctionVersionPtr version, host::LogSink& logs)
    : version_(std::move(version)), logs_(logs) {}

FunctionInstance::~FunctionInstance() {
  // Requests still waiting get an answer: the instance is going away under them.
  for (auto& [id, pending] : pending_) {
    pending.done(InvokeResponse::hostError(503, "instance_discarded",
                                           "the function instance was discarded"));
  }
}

Result<std::unique_ptr<FunctionInstance>> FunctionInstance::create(host::FunctionVersionPtr version,
                                                                   host::LogSink& logs) {
  std::unique_ptr<FunctionInstance> instance(new FunctionInstance(std::move(version), logs));
  if (auto status = instance->load(); !status) return status.error();
  return instance;
}

Status FunctionInstance::load() {
  v8::Isolate* isolate = holder_.get();
  isolate->SetData(kOpsHostSlot, static_cast<OpsHost*>(this));
  v8::Isolate::Scope isolate_scope(isolate);
  v8::HandleScope handle_scope(isolate);
  auto context = v8::Context::New(isolate);
  v8::Context::Scope context_scope(context);
  context_.Reset(isolate, context);

  auto runtime = Runtime::install(isolate, context);
  if (!runtime) return runtime.error();
  runtime_ = std::move(*runtime);
  // From here on user code runs: no eval() or new Function() from strings.
  context->AllowCodeGenerationFromStrings(false);

  auto module = compileModule(isolate, context, version_->name, version_->code);
  if (!module) return module.error();
  auto handler = evaluateModule(isolate, context, *module);
  if (!handler) return handler.error();
  handler_.Reset(isolate, *handler);
  v8::Local<v8::Value> fetch;
  if (!(*handler)->Get(context, v8str(isolate, "fetch")).ToLocal(&fetch) || !fetch->IsFunction()) {
    return Error{"module_error", "the module's default export has no fetch method"};
  }
  fetch_.Reset(isolate, fetch.As<v8::Function>());
  env_.Reset(isolate, makeEnv(context));
  return okStatus();
}

v8::Local<v8::Object> FunctionInstance::makeEnv(v8::Local<v8::Context> context) {
  v8::Isolate* isolate = holder_.get();
  auto env = v8::Object::New(isolate);
  for (const auto& [key, value] : version_->config.env) {
    // An env entry that cannot be defined (none can, on a fresh object) is skipped, not fatal.
    bool defined = env->CreateDataProperty(context, v8str(isolate, key), v8str(isolate, value))
                       .FromMaybe(false);
    (void)defined;
  }
  return env;
}

void FunctionInstance::invoke(InvokeRequest request, InvokeCallback done) {
  uint64_t id = next_id_++;
  pending_.emplace(id, Pending{std::move(done), request.request_id});
  {
    v8::Isolate* isolate = holder_.get();
    v8::Isolate::Scope isolate_scope(isolate);
    v8::HandleScope handle_scope(isolate);
    auto context = context_.Get(isolate);
    v8::Context::Scope context_scope(context);
    current_request_id_ = request.request_id;
    start(id, request);
    isolate->PerformMicrotaskCheckpoint();
    current_request_id_.clear();
  }
  deliverCompletions();
}

void FunctionInstance::start(uint64_t id, InvokeRequest& request) {
  v8::Isolate* isolate = holder_.get();
  auto context = isolate->GetCurrentContext();
  v8::TryCatch try_catch(isolate);
  auto fail = [&] { settle(id, try_catch.Exception(), /*rejected=*/true); };

  v8::Local<v8::Value> base_url[] = {v8str(isolate, request.url)};
  v8::Local<v8::Value> ignored;
  if (!runtime_->setBaseUrl(isolate)
           ->Call(context, v8::Undefined(isolate), 1, base_url)
           .ToLocal(&ignored)) {
    return fail();
  }

  // Array::New from elements defines own properties: setters user code may have put on
  // Array.prototype or Object.prototype never run.
  std::vector<v8::Local<v8::Value>> flat;
  flat.reserve(request.headers.size() * 2);
  for (const auto& [name, value] : request.headers) {
    // Header bytes are Latin-1 per the Fetch standard's ByteString.
    for (const std::string* s : {&name, &value}) {
      v8::Local<v8::String> str;
      if (!v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(s->data()),
                                      v8::NewStringType::kNormal, static_cast<int>(s->size()))
               .ToLocal(&str)) {
        return fail();
      }
      flat.push_back(str);
    }
  }
  auto headers = v8::Array::New(isolate, flat.data(), flat.size());
  bool has_body = !request.body.empty() || (request.method != "GET" && request.method != "HEAD");
  v8::Local<v8::Value> body = v8::Null(isolate);
  if (has_body) body = takeBody(isolate, std::move(request.body));
  v8::Local<v8::Value> request_args[] = {v8str(isolate, request.method),
                                         v8str(isolate, request.url), headers, body};
  v8::Local<v8::Value> js_request;
  if (!runtime_->makeRequest(isolate)
           ->Call(context, v8::Undefined(isolate), 4, request_args)
           .ToLocal(&js_request)) {
    return fail();
  }
  v8::Local<v8::Value> ctx;
  if (!runtime_->makeContext(isolate)
           ->Call(context, v8::Undefined(isolate), 0, nullptr)
           .ToLocal(&ctx)) {
    return fail();
  }
  v8::Local<v8::Value> fetch_args[] = {js_request, env_.Get(isolate), ctx};
  v8::Local<v8::Value> result;
  if (!fetch_.Get(isolate)->Call(context, handler_.Get(isolate), 3, fetch_args).ToLocal(&result)) {
    return fail();
  }
  if (result->IsPromise()) return watch(id, result.As<v8::Promise>());
  settle(id, result, /*rejected=*/false);
}

void FunctionInstance::watch(uint64_t id, v8::Local<v8::Promise> promise) {
  v8::Isolate* isolate = holder_.get();
  auto context = isolate->GetCurrentContext();
  // The callbacks' data is the id, doubled, plus one when it is the rejection handler;
  // onSettled finds this instance through the isolate's data slot.
  auto data_ok = v8::Number::New(isolate, static_cast<double>(id * 2));
  auto data_err = v8::Number::New(isolate, static_cast<double>(id * 2 + 1));
  v8::Local<v8::Function> on_ok, on_err;
  if (!v8::Function::New(context, &FunctionInstance::onSettled, data_ok).ToLocal(&on_ok) ||
      !v8::Function::New(context, &FunctionInstance::onSettled, data_err).ToLocal(&on_err)) {
    return;
  }
  // Promise::Then is the engine's own, unaffected by user changes to Promise.prototype.then.
  v8::Local<v8::Promise> ignored;
  if (!promise->Then(context, on_ok, on_err).ToLocal(&ignored)) {
    completed_.emplace_back(std::move(pending_[id].done),
                            InvokeResponse::hostError(500, "internal_error", "cannot await"));
    pending_.erase(id);
  }
}

void FunctionInstance::onSettled(const v8::FunctionCallbackInfo<v8::Value>& args) {
  v8::Isolate* isolate = args.GetIsolate();
  auto* self =
      static_cast<FunctionInstance*>(static_cast<OpsHost*>(isolate->GetData(kOpsHostSlot)));
  auto data = static_cast<uint64_t>(args.Data().As<v8::Number>()->Value());
  uint64_t id = data / 2;
  bool rejected = data % 2 == 1;
  v8::Local<v8::Value> value = args.Length() > 0 ? args[0] : v8::Undefined(isolate).As<v8::Value>();
  self->settle(id, value, rejected);
}

void FunctionInstance::settle(uint64_t id, v8::Local<v8::Value> value, bool rejected) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  auto context = holder_.get()->GetCurrentContext();
  Pending pending = std::move(it->second);
  pending_.erase(it);
  InvokeResponse response = rejected ? functionError(context, value, pending.request_id)
                                     : toResponse(context, value, pending.request_id);
  completed_.emplace_back(std::move(pending.done), std::move(response));
}

InvokeResponse FunctionInstance::toResponse(v8::Local<v8::Context> context,
                                            v8::Local<v8::Value> value,
                                            const std::string& request_id) {
  v8::Isolate* isolate = holder_.get();
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Value> record_value;
  if (!runtime_->responseRecord(isolate)
           ->Call(context, v8::Undefined(isolate), 1, &value)
           .ToLocal(&record_value) ||
      !record_value->IsArray()) {
    std::string message = try_catch.HasCaught() ? toUtf8(isolate, try_catch.Exception())
                                                : "the function's response could not be read";
    log(host::LogLevel::kError, request_id, message);
    return InvokeResponse::hostError(500, "invalid_response", message);
  }
  auto record = record_value.As<v8::Array>();
  InvokeResponse response;
  v8::Local<v8::Value> status, status_text, headers, body;
  if (!record->Get(context, 0).ToLocal(&status) || !record->Get(context, 1).ToLocal(&status_text) ||
      !record->Get(context, 2).ToLocal(&headers) || !record->Get(context, 3).ToLocal(&body) ||
      !headers->IsArray()) {
    return InvokeResponse::hostError(500, "internal_error", "malformed response record");
  }
  response.status = static_cast<int>(status->Int32Value(context).FromMaybe(500));
  response.status_text = toByteString(isolate, status_text);
  auto list = headers.As<v8::Array>();
  for (uint32_t i = 0; i + 1 < list->Length(); i += 2) {
    v8::Local<v8::Value> name, header_value;
    if (!list->Get(context, i).ToLocal(&name) ||
        !list->Get(context, i + 1).ToLocal(&header_value)) {
      break;
    }
    response.headers.emplace_back(toByteString(isolate, name), toByteString(isolate, header_value));
  }
  if (body->IsString()) {
    response.body = stringToUtf8(isolate, body.As<v8::String>());
  } else if (body->IsArrayBufferView()) {
    auto view = body.As<v8::ArrayBufferView>();
    response.body.resize(view->ByteLength());
    view->CopyContents(response.body.data(), response.body.size());
  }
  return response;
}

InvokeResponse FunctionInstance::functionError(v8::Local<v8::Context> context,
                                               v8::Local<v8::Value> exception,
                                               const std::string& request_id) {
  std::string description = describeException(holder_.get(), context, exception);
  log(host::LogLevel::kError, request_id, "Uncaught " + description);
  return InvokeResponse::hostError(
      500, "function_error",
      "the function threw an uncaught exception; its log has the message and stack");
}

void FunctionInstance::onConsole(host::LogLevel level, std::string_view text) {
  log(level, current_request_id_, text);
}

void FunctionInstance::log(host::LogLevel level, std::string_view request_id,
                           std::string_view message) {
  logs_.write({version_->name, version_->version, request_id, level, message});
}

void FunctionInstance::deliverCompletions() {
  // Callbacks may re-enter invoke() (a pipelined request); take the list first.
  while (!completed_.empty()) {
    auto batch = std::move(completed_);
    completed_.clear();
    for (auto& [done, response] : batch) done(std::move(response));
  }
}

}  // namespace quiver::isolates
