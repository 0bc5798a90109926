// A real Gateway (listeners, connections, PublicApi) on its own libuv loop thread, with the
// Invoker implemented by the test: the gateway is what is under test, the invoker is the test's
// own component standing where the isolates layer would. Plus a raw non-blocking client socket.
//
// Thread: the test's thread talks to the loop only through call() (runs a function on the loop
// and waits for it); on_invoke and every stream callback run on the loop thread.
#pragma once

#include <uv.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api-gateway/gateway.h"
#include "host/config.h"
#include "host/function_registry.h"
#include "host/metrics.h"
#include "host/store.h"
#include "isolates/invoker.h"
#include "tests/unit/host/temp_dir.h"

namespace quiver::testing {

using Clock = std::chrono::steady_clock;

class GatewayHarness final : public isolates::Invoker {
 public:
  using OnInvoke = std::function<void(std::string name, isolates::InvokeRequest request,
                                      isolates::InvokeCallback done)>;

  explicit GatewayHarness(host::HttpLimits limits = {});
  ~GatewayHarness() override;

  int port() const { return port_; }
  uv_loop_t* loop() { return &loop_; }
  // Runs `f` on the loop thread and waits until it returned.
  void call(std::function<void()> f);
  // Set before the first request; runs on the loop thread.
  OnInvoke on_invoke;
  // Starts the gateway's graceful drain (on the loop); `drained` is set once it is over.
  void drain(std::atomic<bool>* drained);

  void invoke(std::string_view function, isolates::InvokeRequest request,
              isolates::InvokeCallback done) override;

 private:
  static void onAsync(uv_async_t* async);

  TempDir dir_;
  host::HostConfig config_;
  std::unique_ptr<host::Store> store_;
  host::FunctionRegistry registry_;
  host::Metrics metrics_;
  std::unique_ptr<gateway::GatewayServices> services_;
  uv_loop_t loop_{};
  uv_async_t async_{};
  std::mutex mutex_;
  std::vector<std::function<void()>> posted_;
  std::unique_ptr<gateway::Gateway> gateway_;
  std::thread thread_;
  int port_ = 0;
  bool draining_ = false;
};

// A client socket, non-blocking, with deadlines on everything.
class RawClient {
 public:
  // receive_buffer > 0 sets SO_RCVBUF before connecting (a small window for backpressure tests).
  explicit RawClient(int port, int receive_buffer = 0);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Sends everything, waiting for room up to the deadline.
  bool sendAll(std::string_view bytes,
               std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends what fits now; returns how many bytes went.
  size_t sendSome(std::string_view bytes);
  // Reads whatever has arrived (waiting up to `timeout` for the first byte); false on EOF/timeout.
  bool fill(std::chrono::milliseconds timeout);
  bool waitFor(std::string_view needle,
               std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // True once the server closed (EOF or reset) within the timeout.
  bool closedByPeer(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads and drops `bytes` bytes (counting what is already buffered); false on EOF/timeout.
  bool discard(size_t bytes, std::chrono::milliseconds timeout);
  void close();

  struct Response {
    int status = 0;
    std::string head;  // the raw head, lowercase-insensitive lookups via header()
    std::string body;
    bool complete = false;  // the body's framing ended properly (not cut by a close)
    std::string header(std::string_view name) const;
  };
  // One response: Content-Length, chunked, or until close.
  std::optional<Response> readResponse(
      std::chrono::milliseconds timeout = std::chrono::seconds(10));

  std::string& buffer() { return buffer_; }
  bool eof() const { return eof_; }

 private:
  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

// The resident set of this process, in kB (/proc/self/status VmRSS).
long residentKb();

// Polls `condition` every millisecond until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// True when `value()` does not change for `quiet` (checked every few ms), within `timeout`:
// how a test sees that something has stopped (a producer blocked by a full socket).
bool settles(const std::function<size_t()>& value, std::chrono::milliseconds quiet,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace quiver::testing
