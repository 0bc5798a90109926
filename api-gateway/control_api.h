// The control listener's routes: the admin API (/v1/functions…, bearer token), /metrics,
// /healthz and /readyz. Deploys are validated in a scratch isolate before anything is stored.
#pragma once

#include "api-gateway/connection.h"
#include "api-gateway/services.h"

namespace quiver::gateway {

class ControlApi final : public RequestHandler {
 public:
  explicit ControlApi(GatewayServices& services) : services_(services) {}
  void handle(HttpRequest request, Responder responder) override;

 private:
  bool authorized(const HttpRequest& request) const;
  void functions(const HttpRequest& request, std::string_view name, const Responder& responder);
  std::string statusJson() const;  // GET /v1/status
  HttpResponse deploy(const HttpRequest& request, std::string_view name, const Responder& r);
  HttpResponse list(const Responder& r);
  HttpResponse info(std::string_view name, const Responder& r);
  HttpResponse remove(std::string_view name, const Responder& r);
  HttpResponse versions(std::string_view name, const Responder& r);
  HttpResponse rollback(const HttpRequest& request, std::string_view name, const Responder& r);
  std::string functionUrl(std::string_view name) const;

  GatewayServices& services_;
};

}  // namespace quiver::gateway
