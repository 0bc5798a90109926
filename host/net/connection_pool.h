// ConnectionPool: idle keep-alive connections by origin ("https://example.com:443"), at most
// max_idle_per_origin each (the oldest goes first), each closed after idle_timeout_ms. An idle
// connection keeps reading, so that a peer that closes it (or sends anything unasked) takes it
// out of the pool at once instead of failing the next request.
//
// Owner: the HttpClient's core; the connections it holds are its own until take().
// Thread: the loop's.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

#include "host/net/connection.h"

namespace quiver::host::net {

class ConnectionPool {
 public:
  ConnectionPool(size_t max_idle_per_origin, uint64_t idle_timeout_ms)
      : max_idle_(max_idle_per_origin), idle_timeout_ms_(idle_timeout_ms) {}
  ~ConnectionPool() { closeAll(); }
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // The most recently used open connection to `origin`, or null. It comes with no sink,
  // reading off and its timer stopped.
  std::shared_ptr<Connection> take(const std::string& origin);
  // A connection whose last response was read completely and allowed keep-alive.
  void put(const std::string& origin, std::shared_ptr<Connection> connection);
  void closeAll();
  size_t idleCount() const;

 private:
  struct Idle final : Connection::Sink {
    ConnectionPool* pool;
    std::string origin;
    std::shared_ptr<Connection> connection;
    void onConnectionData(const char*, size_t) override { pool->drop(this); }
    void onConnectionEnd(const std::string&) override { pool->drop(this); }
  };
  void drop(Idle* idle);

  size_t max_idle_;
  uint64_t idle_timeout_ms_;
  std::unordered_map<std::string, std::deque<std::unique_ptr<Idle>>> idle_;
};

}  // namespace quiver::host::net
