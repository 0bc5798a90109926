// TLS for outbound connections, on OpenSSL with memory BIOs: the socket stays libuv's, and the
// session only turns ciphertext from the socket into plaintext and back.
//
// TlsContext: one SSL_CTX per HttpClient: TLS 1.2 at least, peer verification against the
// system CA store (or a CA file, for tests and private upstreams), ALPN http/1.1.
// TlsSession: one connection's SSL: SNI and hostname (or IP) verification for the URL's host.
//
// Thread: a context is read-only once made and may be shared; a session belongs to its
// connection's loop thread.
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <string>
#include <string_view>

#include "host/result.h"

namespace quiver::host::net {

class TlsContext {
 public:
  // `ca_file` empty: the system store (SSL_CTX_set_default_verify_paths).
  static Result<std::shared_ptr<TlsContext>> create(const std::string& ca_file);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* get() const { return ctx_; }

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

class TlsSession {
 public:
  enum class Step { kDone, kWantMore, kFailed };

  // `host` is the URL's host: SNI (names only) and the identity the certificate must carry.
  TlsSession(std::shared_ptr<TlsContext> context, const std::string& host);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Ciphertext that arrived from the socket.
  void receive(const char* data, size_t length);
  // Continues the handshake. kFailed: error() says why ("TLS certificate verification failed
  // for example.com: certificate has expired").
  Step handshake();
  // Appends every plaintext byte available to `out`. False on a fatal error; closed() turns
  // true once the peer sent close_notify.
  bool readPlaintext(std::string* out);
  // Encrypts `data` (handshake done). False on a fatal error.
  bool writePlaintext(std::string_view data);
  // Ciphertext to send now (handshake messages, records, alerts); empty if none.
  std::string takeCiphertext();

  bool closed() const { return closed_; }
  const std::string& error() const { return error_; }

 private:
  void setError(const std::string& what);

  std::shared_ptr<TlsContext> context_;
  std::string host_;
  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;   // socket -> SSL; owned by ssl_
  BIO* out_ = nullptr;  // SSL -> socket; owned by ssl_
  bool closed_ = false;
  std::string error_;
};

}  // namespace quiver::host::net
