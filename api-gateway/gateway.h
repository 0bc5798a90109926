// Gateway: a shard's HTTP front. Owns the shard's two listeners (public, control), their
// connections, and the handlers that route requests. Implements graceful drain: stop accepting,
// let in-flight requests finish, report when the last connection is gone.
//
// Owner: the daemon's shard setup. Thread: the shard's.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <random>
#include <unordered_set>

#include "api-gateway/connection.h"
#include "api-gateway/control_api.h"
#include "api-gateway/listener.h"
#include "api-gateway/public_api.h"
#include "api-gateway/services.h"
#include "isolates/invoker.h"

namespace quiver::gateway {

class Gateway final : public ConnectionOwner {
 public:
  Gateway(uv_loop_t* loop, GatewayServices& services, isolates::Invoker& invoker);
  ~Gateway() override;

  Status listen(int public_fd, int control_fd);
  // Stops accepting and closes connections once their current requests are answered; `drained`
  // runs when no connection is left.
  void drain(std::function<void()> drained);
  // Closes every connection now (after the drain timeout).
  void closeAll();

  // ConnectionOwner
  void onConnectionClosed(Connection* connection) override;
  std::string nextRequestId() override;
  void countError(std::string_view code) override;
  void countWrite() override { ++writes_; }

  // Socket writes by this gateway's connections so far (tests: a whole response is one).
  uint64_t writes() const { return writes_; }

 private:
  void accept(uv_stream_t* server, RequestHandler& handler);
  void checkDrained();

  uv_loop_t* loop_;
  GatewayServices& services_;
  PublicApi public_api_;
  ControlApi control_api_;
  Listener public_listener_;
  Listener control_listener_;
  std::unordered_set<Connection*> connections_;
  std::function<void()> drained_;
  int listeners_open_ = 2;
  uint64_t writes_ = 0;
  std::mt19937_64 ids_;
};

}  // namespace quiver::gateway
