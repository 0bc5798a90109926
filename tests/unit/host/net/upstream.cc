#include "tests/unit/host/net/upstream.h"

#include <arpa/inet.h>
#include <llhttp.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

namespace quiver::testing {

// --- LoopRunner

LoopRunner::LoopRunner() {
  uv_loop_init(&loop_);
  uv_timer_init(&loop_, &tick_);
  uv_timer_start(
      &tick_, [](uv_timer_t*) {}, 5, 5);
}

LoopRunner::~LoopRunner() { finish(); }

bool LoopRunner::runUntil(const std::function<bool()>& done, std::chrono::milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    uv_run(&loop_, UV_RUN_ONCE);
  }
  return true;
}

bool LoopRunner::finish() {
  if (finished_) return true;
  finished_ = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&tick_), nullptr);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (uv_loop_alive(&loop_) && std::chrono::steady_clock::now() < until) {
    uv_run(&loop_, UV_RUN_NOWAIT);
  }
  return uv_loop_close(&loop_) == 0;
}

std::string UpstreamRequest::header(const std::string& name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

// --- Upstream

class Upstream::ConnImpl final : public Upstream::Conn,
                                 public std::enable_shared_from_this<ConnImpl> {
 public:
  ConnImpl(Upstream* server, int id) : server_(server), id_(id) {
    llhttp_settings_init(&settings_);
    settings_.on_message_begin = [](llhttp_t* p) {
      self(p).current_ = UpstreamRequest{};
      return 0;
    };
    settings_.on_url = [](llhttp_t* p, const char* at, size_t n) {
      self(p).current_.target.append(at, n);
      return 0;
    };
    settings_.on_header_field = [](llhttp_t* p, const char* at, size_t n) {
      auto& s = self(p);
      if (s.in_value_) s.finishHeader();
      s.field_.append(at, n);
      return 0;
    };
    settings_.on_header_value = [](llhttp_t* p, const char* at, size_t n) {
      auto& s = self(p);
      s.in_value_ = true;
      s.value_.append(at, n);
      return 0;
    };
    settings_.on_headers_complete = [](llhttp_t* p) {
      auto& s = self(p);
      if (s.in_value_) s.finishHeader();
      s.current_.method = llhttp_method_name(static_cast<llhttp_method_t>(p->method));
      if (s.server_->head_handler_) s.heads_.push_back(s.current_);
      return 0;
    };
    settings_.on_body = [](llhttp_t* p, const char* at, size_t n) {
      self(p).current_.body.append(at, n);
      return 0;
    };
    settings_.on_message_complete = [](llhttp_t* p) {
      auto& s = self(p);
      s.current_.connection = s.id_;
      s.server_->requests_.push_back(s.current_);
      s.complete_.push_back(s.current_);
      return 0;
    };
    llhttp_init(&parser_, HTTP_REQUEST, &settings_);
    parser_.data = this;
  }

  void start(uv_tcp_t* tcp) {
    tcp_ = tcp;
    tcp_->data = this;
    holder_ = shared_from_this();  // until the socket closes
    uv_read_start(
        reinterpret_cast<uv_stream_t*>(tcp_),
        [](uv_handle_t*, size_t, uv_buf_t* buf) {
          static char buffer[64 * 1024];
          *buf = uv_buf_init(buffer, sizeof buffer);
        },
        [](uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
          auto* conn = static_cast<ConnImpl*>(stream->data);
          if (nread < 0) return conn->close();
          if (nread > 0) conn->onBytes(buf->base, static_cast<size_t>(nread));
        });
  }

  void write(std::string bytes, std::function<void()> done) override {
    if (!tcp_) return;
    struct Req {
      uv_write_t req;
      std::string bytes;
      std::function<void()> done;
      std::shared_ptr<ConnImpl> conn;
    };
    auto* req = new Req{{}, std::move(bytes), std::move(done), shared_from_this()};
    uv_buf_t buf = uv_buf_init(req->bytes.data(), static_cast<unsigned>(req->bytes.size()));
    int rc = uv_write(&req->req, reinterpret_cast<uv_stream_t*>(tcp_), &buf, 1,
                      [](uv_write_t* w, int status) {
                        std::unique_ptr<Req> r(reinterpret_cast<Req*>(w));
                        if (status == 0 && r->done && !r->conn->closed()) r->done();
                      });
    if (rc < 0) delete req;
  }

  void close() override {
    if (!tcp_) return;
    auto* tcp = tcp_;
    tcp_ = nullptr;
    --server_->open_;
    uv_close(reinterpret_cast<uv_handle_t*>(tcp),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    holder_.reset();  // last: may free this
  }

  void stopReading() override {
    if (tcp_) uv_read_stop(reinterpret_cast<uv_stream_t*>(tcp_));
  }
  bool closed() const override { return tcp_ == nullptr; }
  size_t writeQueueSize() const override {
    return tcp_ ? uv_stream_get_write_queue_size(reinterpret_cast<uv_stream_t*>(tcp_)) : 0;
  }

 private:
  static ConnImpl& self(llhttp_t* p) { return *static_cast<ConnImpl*>(p->data); }
  void finishHeader() {
    std::transform(field_.begin(), field_.end(), field_.begin(), ::tolower);
    current_.headers.emplace_back(field_, value_);
    field_.clear();
    value_.clear();
    in_value_ = false;
  }
  void onBytes(const char* data, size_t n) {
    auto keep = shared_from_this();
    if (llhttp_execute(&parser_, data, n) != HPE_OK) return close();
    auto heads = std::move(heads_);
    heads_.clear();
    for (auto& request : heads) {
      if (closed()) return;
      server_->head_handler_(request, *this);
    }
    auto done = std::move(complete_);
    complete_.clear();
    for (auto& request : done) {
      if (closed()) return;
      server_->handler_(request, *this);
    }
  }

  Upstream* server_;
  int id_;
  uv_tcp_t* tcp_ = nullptr;
  std::shared_ptr<ConnImpl> holder_;
  llhttp_settings_t settings_;
  llhttp_t parser_;
  UpstreamRequest current_;
  std::vector<UpstreamRequest> complete_;
  std::vector<UpstreamRequest> heads_;
  std::string field_, value_;
  bool in_value_ = false;
};

Upstream::Upstream(uv_loop_t* loop, Handler handler) : loop_(loop), handler_(std::move(handler)) {
  listener_ = new uv_tcp_t;
  uv_tcp_init(loop_, listener_);
  listener_->data = this;
  sockaddr_in addr{};
  uv_ip4_addr("127.0.0.1", 0, &addr);
  uv_tcp_bind(listener_, reinterpret_cast<sockaddr*>(&addr), 0);
  uv_listen(reinterpret_cast<uv_stream_t*>(listener_), 64, &Upstream::onConnection);
  sockaddr_storage bound{};
  int len = sizeof bound;
  uv_tcp_getsockname(listener_, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
}

Upstream::~Upstream() { close(); }

std::string Upstream::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void Upstream::onConnection(uv_stream_t* server, int status) {
  auto* self = static_cast<Upstream*>(server->data);
  if (status < 0) return;
  auto* tcp = new uv_tcp_t;
  uv_tcp_init(self->loop_, tcp);
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(tcp)) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(tcp),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    return;
  }
  ++self->accepted_;
  ++self->open_;
  auto conn = std::make_shared<ConnImpl>(self, self->accepted_);
  self->conns_.push_back(conn);
  conn->start(tcp);
}

void Upstream::close() {
  for (auto& weak : conns_) {
    if (auto conn = weak.lock()) conn->close();
  }
  conns_.clear();
  if (listener_) {
    uv_close(reinterpret_cast<uv_handle_t*>(listener_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    listener_ = nullptr;
  }
}

// --- TlsUpstream

TlsUpstream::TlsUpstream(const std::string& cert, const std::string& key, size_t body_bytes)
    : body_bytes_(body_bytes) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX_use_certificate_chain_file(ctx, cert.c_str());
  SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM);
  SSL_CTX_set_alpn_select_cb(
      ctx,
      [](SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
         unsigned int inlen, void*) {
        static const unsigned char kH1[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
        unsigned char* selected = nullptr;
        if (SSL_select_next_proto(&selected, outlen, kH1, sizeof kH1, in, inlen) !=
            OPENSSL_NPN_NEGOTIATED) {
          return SSL_TLSEXT_ERR_NOACK;
        }
        *out = selected;
        return SSL_TLSEXT_ERR_OK;
      },
      nullptr);
  ctx_ = ctx;
  listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  listen(listen_fd_, 16);
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
}

TlsUpstream::~TlsUpstream() {
  stopping_ = true;
  shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  thread_.join();
  ::close(listen_fd_);
  SSL_CTX_free(static_cast<SSL_CTX*>(ctx_));
}

std::string TlsUpstream::lastServerName() {
  std::lock_guard lock(mutex_);
  return server_name_;
}

std::string TlsUpstream::lastAlpn() {
  std::lock_guard lock(mutex_);
  return alpn_;
}

// One connection at a time: handshake, read one request head, answer, close.
void TlsUpstream::serve() {
  while (!stopping_) {
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) break;
    SSL* ssl = SSL_new(static_cast<SSL_CTX*>(ctx_));
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) == 1) {
      ++handshakes_;
      {
        std::lock_guard lock(mutex_);
        const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
        server_name_ = name ? name : "";
        const unsigned char* proto = nullptr;
        unsigned proto_len = 0;
        SSL_get0_alpn_selected(ssl, &proto, &proto_len);
        alpn_.assign(reinterpret_cast<const char*>(proto), proto_len);
      }
      std::string head;
      char buffer[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        int n = SSL_read(ssl, buffer, sizeof buffer);
        if (n <= 0) break;
        head.append(buffer, static_cast<size_t>(n));
      }
      std::string body = body_bytes_ ? std::string(body_bytes_, 's') : "secure";
      std::string response = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                             "\r\nConnection: close\r\n\r\n" + body;
      SSL_write(ssl, response.data(), static_cast<int>(response.size()));
      SSL_shutdown(ssl);
    }
    ERR_clear_error();
    SSL_free(ssl);
    ::close(fd);
  }
}

}  // namespace quiver::testing
