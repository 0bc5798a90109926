#include "tests/unit/host/net/fake_dns.h"

#include <arpa/inet.h>

#include <cstring>
#include <memory>

namespace quiver::testing {

FakeDns::FakeDns(uv_loop_t* loop) {
  udp_ = new uv_udp_t;
  uv_udp_init(loop, udp_);
  udp_->data = this;
  sockaddr_in addr{};
  uv_ip4_addr("127.0.0.1", 0, &addr);
  uv_udp_bind(udp_, reinterpret_cast<sockaddr*>(&addr), 0);
  sockaddr_storage bound{};
  int len = sizeof bound;
  uv_udp_getsockname(udp_, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  uv_udp_recv_start(
      udp_,
      [](uv_handle_t*, size_t, uv_buf_t* buf) {
        static char buffer[2048];
        *buf = uv_buf_init(buffer, sizeof buffer);
      },
      &FakeDns::onRecv);
}

FakeDns::~FakeDns() { close(); }

void FakeDns::close() {
  if (!udp_) return;
  uv_close(reinterpret_cast<uv_handle_t*>(udp_),
           [](uv_handle_t* h) { delete reinterpret_cast<uv_udp_t*>(h); });
  udp_ = nullptr;
}

int FakeDns::queries(const std::string& name) const {
  auto found = queries_.find(name);
  return found == queries_.end() ? 0 : found->second;
}

void FakeDns::onRecv(uv_udp_t* handle, ssize_t nread, const uv_buf_t* buf, const sockaddr* from,
                     unsigned) {
  auto* self = static_cast<FakeDns*>(handle->data);
  if (!self || nread < 12 || !from) return;
  self->answer(buf->base, static_cast<size_t>(nread), from);
}

// Parses the one question, answers from the zone: pointer 0xc00c names the question's name.
void FakeDns::answer(const char* query, size_t length, const sockaddr* from) {
  size_t pos = 12;
  std::string name;
  while (pos < length && query[pos] != 0) {
    size_t label = static_cast<unsigned char>(query[pos]);
    if (pos + 1 + label > length) return;
    if (!name.empty()) name += '.';
    name.append(query + pos + 1, label);
    pos += 1 + label;
  }
  if (pos + 5 > length) return;
  size_t question_end = pos + 5;
  uint16_t qtype = static_cast<uint16_t>((static_cast<unsigned char>(query[pos + 1]) << 8) |
                                         static_cast<unsigned char>(query[pos + 2]));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  ++queries_[name];
  auto found = zone_.find(name);
  if (found != zone_.end() && found->second.silent) return;

  std::string reply(query, question_end);
  reply[2] = static_cast<char>(0x81);                                // QR, RD
  reply[3] = static_cast<char>(found == zone_.end() ? 0x83 : 0x80);  // RA, NXDOMAIN or not
  reply[6] = reply[7] = reply[8] = reply[9] = reply[10] = reply[11] = 0;
  int answers = 0;
  if (found != zone_.end()) {
    const auto& records = found->second;
    const auto& list = qtype == 28 ? records.v6 : records.v4;
    for (const auto& text : list) {
      unsigned char rdata[16];
      int family = qtype == 28 ? AF_INET6 : AF_INET;
      if (inet_pton(family, text.c_str(), rdata) != 1) continue;
      size_t rdlen = family == AF_INET6 ? 16 : 4;
      uint32_t ttl = records.ttl_s;
      unsigned char rr[12] = {0xc0,
                              0x0c,
                              0,
                              static_cast<unsigned char>(qtype),
                              0,
                              1,
                              static_cast<unsigned char>(ttl >> 24),
                              static_cast<unsigned char>(ttl >> 16),
                              static_cast<unsigned char>(ttl >> 8),
                              static_cast<unsigned char>(ttl),
                              0,
                              static_cast<unsigned char>(rdlen)};
      reply.append(reinterpret_cast<char*>(rr), sizeof rr);
      reply.append(reinterpret_cast<char*>(rdata), rdlen);
      ++answers;
    }
  }
  reply[7] = static_cast<char>(answers);
  struct Send {
    uv_udp_send_t req;
    std::string bytes;
  };
  auto* send = new Send{{}, std::move(reply)};
  uv_buf_t buf = uv_buf_init(send->bytes.data(), static_cast<unsigned>(send->bytes.size()));
  if (uv_udp_send(&send->req, udp_, &buf, 1, from,
                  [](uv_udp_send_t* req, int) { delete reinterpret_cast<Send*>(req); }) < 0) {
    delete send;
  }
}

}  // namespace quiver::testing
