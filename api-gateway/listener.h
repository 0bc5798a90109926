// Listening sockets. Each shard listens on its own socket bound to the same address with
// SO_REUSEPORT, so the kernel spreads connections across shards without any locking. The first
// socket is bound by the process (port 0 becomes a real port); every shard then binds its own to
// that port.
#pragma once

#include <uv.h>

#include <functional>
#include <string>

#include "host/config.h"
#include "host/result.h"

namespace quiver::gateway {

struct BoundSocket {
  int fd = -1;
  host::ListenAddress address;  // with the actual port
};

// kFirst: the process's first socket on this address, which refuses a port something else
// already listens on; kShard: a further socket on the port the first one got.
enum class BindMode { kFirst, kShard };
Result<BoundSocket> bindListenSocket(const host::ListenAddress& address, BindMode mode);

// A libuv TCP handle listening on an already bound fd. The callback runs for each pending
// connection, to accept it.
class Listener {
 public:
  using OnConnection = std::function<void(uv_stream_t* server)>;
  Listener(uv_loop_t* loop, OnConnection on_connection);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  Status listen(int fd);
  // Stops accepting; `done` runs once the handle is closed.
  void close(std::function<void()> done);

 private:
  uv_tcp_t tcp_{};
  OnConnection on_connection_;
  std::function<void()> on_closed_;
  bool open_ = true;
};

// "http://127.0.0.1:8080": how a client reaches an address (wildcards become loopback).
std::string baseUrlFor(const host::ListenAddress& address);

}  // namespace quiver::gateway
