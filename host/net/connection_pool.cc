#include "host/net/connection_pool.h"

#include <algorithm>

namespace quiver::host::net {

std::shared_ptr<Connection> ConnectionPool::take(const std::string& origin) {
  auto found = idle_.find(origin);
  if (found == idle_.end()) return nullptr;
  auto& list = found->second;
  std::shared_ptr<Connection> connection;
  while (!list.empty() && !connection) {
    auto idle = std::move(list.back());
    list.pop_back();
    if (idle->connection->isOpen()) {
      connection = std::move(idle->connection);
    } else {
      idle->connection->close();
    }
  }
  if (list.empty()) idle_.erase(found);
  if (connection) {
    connection->readStop();
    connection->stopTimer();
    connection->setSink(nullptr);
  }
  return connection;
}

void ConnectionPool::put(const std::string& origin, std::shared_ptr<Connection> connection) {
  if (max_idle_ == 0 || !connection->isOpen()) {
    connection->close();
    return;
  }
  auto& list = idle_[origin];
  if (list.size() >= max_idle_) {
    list.front()->connection->close();
    list.pop_front();
  }
  auto idle = std::make_unique<Idle>();
  idle->pool = this;
  idle->origin = origin;
  idle->connection = std::move(connection);
  Idle* raw = idle.get();
  list.push_back(std::move(idle));
  raw->connection->setSink(raw);
  raw->connection->startTimer(idle_timeout_ms_, [this, raw] { drop(raw); });
  raw->connection->readStart();  // may drop it at once, if the peer has closed already
}

void ConnectionPool::drop(Idle* idle) {
  auto found = idle_.find(idle->origin);
  if (found == idle_.end()) return;
  auto& list = found->second;
  auto it =
      std::find_if(list.begin(), list.end(), [idle](const auto& p) { return p.get() == idle; });
  if (it == list.end()) return;
  auto owned = std::move(*it);
  list.erase(it);
  if (list.empty()) idle_.erase(found);
  owned->connection->close();
}

void ConnectionPool::closeAll() {
  auto all = std::move(idle_);
  idle_.clear();
  for (auto& [origin, list] : all) {
    for (auto& idle : list) idle->connection->close();
  }
}

size_t ConnectionPool::idleCount() const {
  size_t count = 0;
  for (const auto& [origin, list] : idle_) count += list.size();
  return count;
}

}  // namespace quiver::host::net
