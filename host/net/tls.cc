#include "host/net/tls.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host/net/egress_policy.h"

namespace quiver::host::net {
namespace {

// The newest error on OpenSSL's per-thread queue, which is left empty.
std::string opensslReason() {
  unsigned long code = ERR_peek_last_error();
  std::string reason;
  if (code != 0) {
    const char* text = ERR_reason_error_string(code);
    reason = text ? text : "error " + std::to_string(code);
  }
  ERR_clear_error();
  return reason;
}

}  // namespace

Result<std::shared_ptr<TlsContext>> TlsContext::create(const std::string& ca_file) {
  if (!ca_file.empty() && access(ca_file.c_str(), R_OK) != 0) {
    return Error{"tls_setup", "TLS setup failed: cannot read the CA file " + ca_file + ": " +
                                  std::strerror(errno)};
  }
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) return Error{"tls_setup", "TLS setup failed: " + opensslReason()};
  std::shared_ptr<TlsContext> context(new TlsContext(ctx));
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  int loaded = ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx)
                               : SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
  if (loaded != 1) {
    return Error{
        "tls_setup",
        ca_file.empty()
            ? "TLS setup failed: cannot load the system CA store: " + opensslReason()
            : "TLS setup failed: cannot load the CA file " + ca_file + ": " + opensslReason()};
  }
  static constexpr unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(ctx, kAlpn, sizeof kAlpn);
  return context;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

TlsSession::TlsSession(std::shared_ptr<TlsContext> context, const std::string& host)
    : context_(std::move(context)), host_(host) {
  ssl_ = SSL_new(context_->get());
  if (!ssl_) {
    setError("TLS setup failed");
    return;
  }
  in_ = BIO_new(BIO_s_mem());
  out_ = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(in_, -1);  // empty means "more later", not end of stream
  SSL_set_bio(ssl_, in_, out_);
  SSL_set_connect_state(ssl_);
  if (IpAddress::parse(host)) {
    // An IP literal: no SNI (RFC 6066 forbids it), and the certificate must name the IP.
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl_, host.c_str());
    SSL_set_hostflags(ssl_, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    SSL_set1_host(ssl_, host.c_str());
  }
}

TlsSession::~TlsSession() {
  if (ssl_) SSL_free(ssl_);  // frees both BIOs
}

void TlsSession::receive(const char* data, size_t length) {
  if (ssl_) BIO_write(in_, data, static_cast<int>(length));
}

void TlsSession::setError(const std::string& what) {
  error_ = what;
  std::string reason = opensslReason();
  if (!reason.empty()) error_ += ": " + reason;
}

TlsSession::Step TlsSession::handshake() {
  if (!ssl_) return Step::kFailed;
  ERR_clear_error();
  int rc = SSL_do_handshake(ssl_);
  if (rc == 1) return Step::kDone;
  int err = SSL_get_error(ssl_, rc);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return Step::kWantMore;
  long verify = SSL_get_verify_result(ssl_);
  if (verify != X509_V_OK) {
    ERR_clear_error();
    error_ = "TLS certificate verification failed for " + host_ + ": " +
             X509_verify_cert_error_string(verify);
  } else {
    setError("TLS handshake with " + host_ + " failed");
  }
  return Step::kFailed;
}

bool TlsSession::readPlaintext(std::string* out) {
  char buffer[16 * 1024];
  for (;;) {
    ERR_clear_error();
    int n = SSL_read(ssl_, buffer, sizeof buffer);
    if (n > 0) {
      out->append(buffer, static_cast<size_t>(n));
      continue;
    }
    int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return true;
    if (err == SSL_ERROR_ZERO_RETURN) {
      closed_ = true;
      return true;
    }
    setError("TLS error from " + host_);
    return false;
  }
}

bool TlsSession::writePlaintext(std::string_view data) {
  while (!data.empty()) {
    ERR_clear_error();
    int n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
    if (n <= 0) {
      setError("TLS error writing to " + host_);
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string TlsSession::takeCiphertext() {
  std::string bytes;
  if (!out_) return bytes;
  size_t pending = BIO_ctrl_pending(out_);
  if (pending == 0) return bytes;
  bytes.resize(pending);
  int n = BIO_read(out_, bytes.data(), static_cast<int>(pending));
  bytes.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return bytes;
}

}  // namespace quiver::host::net
