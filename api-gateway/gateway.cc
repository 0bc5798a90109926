#include "api-gateway/gateway.h"

#include <cstdio>

namespace quiver::gateway {

Gateway::Gateway(uv_loop_t* loop, GatewayServices& services, isolates::Invoker& invoker)
    : loop_(loop),
      services_(services),
      public_api_(services, invoker),
      control_api_(services),
      public_listener_(loop, [this](uv_stream_t* s) { accept(s, public_api_); }),
      control_listener_(loop, [this](uv_stream_t* s) { accept(s, control_api_); }),
      ids_(std::random_device{}()) {}

Gateway::~Gateway() {
  for (auto* connection : connections_) delete connection;
}

Status Gateway::listen(int public_fd, int control_fd) {
  if (auto s = public_listener_.listen(public_fd); !s) return s;
  return control_listener_.listen(control_fd);
}

void Gateway::accept(uv_stream_t* server, RequestHandler& handler) {
  auto* connection = new Connection(loop_, services_.config.http, handler, *this);
  connections_.insert(connection);
  services_.metrics.httpConnections().Increment();
  connection->accept(server);
  if (drained_) connection->drain();
}

void Gateway::onConnectionClosed(Connection* connection) {
  connections_.erase(connection);
  services_.metrics.httpConnections().Decrement();
  delete connection;
  checkDrained();
}

std::string Gateway::nextRequestId() {
  // 16 hex digits, written by hand: this runs for every request.
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t id = ids_();
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, id >>= 4) out[static_cast<size_t>(i)] = kHex[id & 0xf];
  return out;
}

void Gateway::countError(std::string_view code) { services_.metrics.httpErrors(code).Increment(); }

void Gateway::drain(std::function<void()> drained) {
  drained_ = std::move(drained);
  auto closed = [this] {
    --listeners_open_;
    checkDrained();
  };
  public_listener_.close(closed);
  control_listener_.close(closed);
  // A copy: a connection's drain may end in onConnectionClosed, which edits the set.
  std::vector<Connection*> current(connections_.begin(), connections_.end());
  for (auto* connection : current) connection->drain();
}

void Gateway::closeAll() {
  std::vector<Connection*> current(connections_.begin(), connections_.end());
  for (auto* connection : current) connection->close();
}

void Gateway::checkDrained() {
  if (drained_ && listeners_open_ == 0 && connections_.empty()) {
    auto done = std::move(drained_);
    drained_ = nullptr;
    done();
  }
}

}  // namespace quiver::gateway
