// quiverd: the composition root. Parses flags, opens the store, starts one shard per core, each
// with its own isolates (FunctionHost) and HTTP front (Gateway), and drains them on SIGTERM or
// SIGINT. Only this file sees every layer.
#include <signal.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "api-gateway/gateway.h"
#include "api-gateway/listener.h"
#include "api-gateway/services.h"
#include "host/admin_token.h"
#include "host/config.h"
#include "host/config_file.h"
#include "host/function_registry.h"
#include "host/log.h"
#include "host/metrics.h"
#include "host/net/http_client.h"
#include "host/shard.h"
#include "host/store.h"
#include "isolates/function_host.h"
#include "isolates/platform.h"
#include "isolates/runtime/snapshot.h"

namespace {

using namespace quiver;

// The value of --config (--config PATH or --config=PATH), read before the other flags: the file is
// applied first so that the command line overrides it.
std::string configPath(int argc, char** argv) {
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc) path = argv[++i];
    if (arg.starts_with("--config=")) path = std::string(arg.substr(9));
  }
  return path;
}

// Everything one shard owns; created and destroyed on the shard's thread.
struct ShardServices {
  std::unique_ptr<isolates::FunctionHost> functions;
  std::unique_ptr<gateway::Gateway> gateway;
};

// Counts shards that reached a point (listening, drained); main waits on it with a timeout.
class DrainLatch {
 public:
  explicit DrainLatch(int count) : remaining_(count) {}
  void done() {
    std::lock_guard lock(mutex_);
    if (--remaining_ == 0) cv_.notify_all();
  }
  bool waitFor(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [this] { return remaining_ <= 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int remaining_;
};

int fail(const std::string& message) {
  std::fprintf(stderr, "quiverd: error: %s\n", message.c_str());
  return 1;
}

// One per-function limit: the flag for the host default and the flag for the host maximum.
struct LimitFlag {
  const char* default_flag;
  const char* max_flag;
  uint32_t host::LimitValues::*field;
  const char* what;
};

constexpr LimitFlag kLimitFlags[] = {
    {"--cpu-ms", "--limit-max-cpu-ms", &host::LimitValues::cpu_ms, "CPU ms per request"},
    {"--memory-mb", "--limit-max-memory-mb", &host::LimitValues::memory_mb, "heap MB per isolate"},
    {"--timeout", "--limit-max-timeout", &host::LimitValues::timeout_s,
     "wall-time seconds per request"},
    {"--max-concurrency", "--limit-max-concurrency", &host::LimitValues::max_concurrency,
     "requests in flight per function"},
};

void addLimitFlags(CLI::App& app, host::HostConfig& config) {
  for (const auto& flag : kLimitFlags) {
    app.add_option(flag.default_flag, config.limits.*flag.field,
                   std::string("Default ") + flag.what + " for functions that set none")
        ->capture_default_str();
    app.add_option(flag.max_flag, config.max_limits.*flag.field,
                   std::string("Most ") + flag.what + " a deploy may ask for")
        ->capture_default_str();
  }
  app.add_option("--max-queue", config.max_queue,
                 "Requests waiting per function per shard once its concurrency is used up")
      ->capture_default_str();
  app.add_option("--instance-idle-ms", config.instance_idle_ms,
                 "A warm function instance unused this long is disposed (the next request starts "
                 "a new one)")
      ->capture_default_str();
  app.add_option("--warm-memory-mb", config.warm_memory_mb,
                 "Per shard: above this many MB of warm instances' heaps the least recently used "
                 "idle ones are disposed (0: no budget)")
      ->capture_default_str();
  app.add_option("--isolate-pool", config.isolate_pool,
                 "Per shard: blank isolates kept ready for cold starts (0: none)")
      ->capture_default_str();
}

// A zero would mean "no limit" or "never serve", and a default above its maximum would make the
// host run versions with more than any deploy may ask for: both are operator mistakes.
Status checkLimitFlags(const host::HostConfig& config) {
  for (const auto& flag : kLimitFlags) {
    uint32_t value = config.limits.*flag.field, max = config.max_limits.*flag.field;
    if (value == 0)
      return Error{"bad_flag", std::string(flag.default_flag) + " must be at least 1"};
    if (max == 0) return Error{"bad_flag", std::string(flag.max_flag) + " must be at least 1"};
    if (value > max) {
      return Error{"bad_flag", std::string(flag.default_flag) + " " + std::to_string(value) +
                                   " is above " + flag.max_flag + " " + std::to_string(max)};
    }
  }
  if (config.max_queue == 0) return Error{"bad_flag", "--max-queue must be at least 1"};
  if (config.instance_idle_ms == 0) {
    return Error{"bad_flag", "--instance-idle-ms must be at least 1"};
  }
  return okStatus();
}

int run(int argc, char** argv) {
  host::HostConfig config;
  std::string config_file = configPath(argc, argv);
  if (!config_file.empty()) {
    if (auto applied = host::applyConfigFile(config_file, config); !applied) {
      return fail(applied.error().message);
    }
  }
  CLI::App app{"quiverd: the Quiver function host"};
  std::string listen, control;  // set: override the file's (or the default) address
  app.add_option(
      "--config", config_file,
      "TOML config file (every setting; flags override it; example: quiverd/quiver.toml)");
  app.add_option("--data-dir", config.data_dir, "Data directory (SQLite store, admin token)");
  app.add_option("--listen", listen, "Public listener HOST:PORT (port 0: any free port)");
  app.add_option("--control-listen", control, "Control listener HOST:PORT (admin API, metrics)");
  app.add_option("--shards", config.shards, "Event-loop threads (default: one per core)")
      ->check(CLI::Range(0, 256));
  app.add_option("--public-url", config.public_url,
                 "Base URL clients use to reach the public listener");
  app.add_option("--drain-timeout-ms", config.drain_timeout_ms,
                 "On SIGTERM, how long in-flight requests may take to finish");
  app.add_option("--header-timeout-ms", config.http.header_timeout_ms,
                 "A request head must arrive within this many ms");
  app.add_option("--idle-timeout-ms", config.http.idle_timeout_ms,
                 "Idle keep-alive connections close after this many ms");
  app.add_option("--max-body-bytes", config.http.max_body_bytes, "Request body limit (413)");
  app.add_option("--max-code-bytes", config.max_code_bytes, "Code size limit per version (413)");
  addLimitFlags(app, config);
  app.add_option("--allow-egress", config.outbound.allow_egress,
                 "CIDR functions' fetch() may reach although the default policy denies it "
                 "(loopback, private, link-local…); repeatable")
      ->allow_extra_args(false);
  app.add_option("--fetch-ca-file", config.outbound.ca_file,
                 "PEM CA bundle fetch() trusts instead of the system CA store");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (auto limits = checkLimitFlags(config); !limits) return fail(limits.error().message);
  if (auto outbound = host::net::httpClientOptionsFor(config.outbound); !outbound) {
    return fail(outbound.error().message);
  }
  for (auto [flag, text, address] :
       {std::tuple{"--listen", &listen, &config.listen},
        std::tuple{"--control-listen", &control, &config.control_listen}}) {
    if (text->empty()) continue;
    auto parsed = host::parseListenAddress(*text);
    if (!parsed) return fail(std::string(flag) + ": " + parsed.error().message);
    *address = *parsed;
  }
  auto* public_address = &config.listen;
  auto* control_address = &config.control_listen;
  if (config.shards == 0) config.shards = std::max(1u, std::thread::hardware_concurrency());

  // Signals are taken by main with sigwait; every thread started later inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return fail("cannot create data dir " + config.data_dir + ": " + ec.message());
  chmod(config.data_dir.c_str(), 0700);

  auto token = host::resolveAdminToken(config.data_dir);
  if (!token) return fail(token.error().message);
  auto store = host::Store::open(std::filesystem::path(config.data_dir) / "quiver.db");
  if (!store) return fail(store.error().message);
  auto live = (*store)->loadLive();
  if (!live) return fail(live.error().message);
  host::FunctionRegistry registry;
  for (auto& version : *live) registry.put(version);
  host::Metrics metrics;
  metrics.functionsDeployed().Set(static_cast<double>(registry.size()));
  host::StderrLogSink logs;

  isolates::initializeV8(argv[0]);
  isolates::runtimeSnapshot();  // checked now: a blob this V8 cannot use is reported at startup

  auto public_socket = gateway::bindListenSocket(*public_address, gateway::BindMode::kFirst);
  if (!public_socket) return fail(public_socket.error().message);
  auto control_socket = gateway::bindListenSocket(*control_address, gateway::BindMode::kFirst);
  if (!control_socket) return fail(control_socket.error().message);
  if (config.public_url.empty()) config.public_url = gateway::baseUrlFor(public_socket->address);
  while (!config.public_url.empty() && config.public_url.back() == '/')
    config.public_url.pop_back();

  gateway::GatewayServices services{config,  **store,      registry,
                                    metrics, token->value, config.public_url};

  std::vector<std::unique_ptr<host::Shard>> shards;
  std::vector<ShardServices> per_shard(config.shards);
  // "ready" is printed only once every shard listens: clients may connect the moment they see it.
  DrainLatch listening(config.shards);
  std::atomic<bool> listen_failed{false};
  for (int i = 0; i < config.shards; ++i) {
    int public_fd = public_socket->fd, control_fd = control_socket->fd;
    if (i > 0) {
      auto p = gateway::bindListenSocket(public_socket->address, gateway::BindMode::kShard);
      auto c = gateway::bindListenSocket(control_socket->address, gateway::BindMode::kShard);
      if (!p) return fail(p.error().message);
      if (!c) return fail(c.error().message);
      public_fd = p->fd;
      control_fd = c->fd;
    }
    auto shard = std::make_unique<host::Shard>(i);
    auto* s = shard.get();
    auto* mine = &per_shard[i];
    shard->start([s, mine, &services, &registry, &metrics, &logs, &listening, &listen_failed,
                  public_fd, control_fd] {
      mine->functions = std::make_unique<isolates::FunctionHost>(s->loop(), services.config,
                                                                 registry, metrics, logs);
      mine->gateway = std::make_unique<gateway::Gateway>(s->loop(), services, *mine->functions);
      if (auto status = mine->gateway->listen(public_fd, control_fd); !status) {
        host::logHost(host::LogLevel::kError, status.error().message);
        listen_failed = true;
      }
      listening.done();
    });
    shards.push_back(std::move(shard));
  }

  listening.waitFor(std::chrono::hours(1));
  if (listen_failed) {
    // Nothing was served: exiting without a drain loses nothing.
    std::fflush(stderr);
    std::_Exit(1);
  }
  if (!token->created_file.empty()) {
    std::printf("quiverd: admin token created in %s (mode 0600)\n", token->created_file.c_str());
  }
  std::printf("quiverd: public listener on %s\n",
              gateway::baseUrlFor(public_socket->address).c_str());
  std::printf("quiverd: control listener on %s\n",
              gateway::baseUrlFor(control_socket->address).c_str());
  std::printf("quiverd: ready (%d shards, %zu functions, data in %s)\n", config.shards,
              registry.size(), config.data_dir.c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  host::logHost(host::LogLevel::kInfo, sig == SIGTERM ? "SIGTERM: draining" : "SIGINT: draining");
  services.draining = true;

  DrainLatch latch(config.shards);
  for (size_t i = 0; i < shards.size(); ++i) {
    auto* shard = shards[i].get();
    auto* mine = &per_shard[i];
    shard->post([shard, mine, &latch] {
      mine->gateway->drain([shard, mine, &latch] {
        // Tear down on the next loop turn, outside the gateway's own call stack.
        shard->post([shard, mine, &latch] {
          mine->gateway.reset();
          mine->functions.reset();
          shard->stop();
          latch.done();
        });
      });
    });
  }
  if (!latch.waitFor(std::chrono::milliseconds(config.drain_timeout_ms))) {
    host::logHost(host::LogLevel::kWarn, "drain timeout: closing the remaining connections");
    for (size_t i = 0; i < shards.size(); ++i) {
      auto* mine = &per_shard[i];
      shards[i]->post([mine] {
        if (mine->gateway) mine->gateway->closeAll();
      });
    }
  }
  for (auto& shard : shards) shard->join();
  shards.clear();
  isolates::shutdownV8();
  host::logHost(host::LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
}
