// The public listener's routes: /fn/<name> and /fn/<name>/<rest>, handed to the function's
// instance through the Invoker. Nothing else is served here.
#pragma once

#include "api-gateway/connection.h"
#include "api-gateway/services.h"
#include "isolates/invoker.h"

namespace quiver::gateway {

class PublicApi final : public RequestHandler {
 public:
  PublicApi(GatewayServices& services, isolates::Invoker& invoker)
      : services_(services), invoker_(invoker) {}
  // Functions get the request at its head; the body follows as a stream.
  BodyDelivery bodyDelivery() const override { return BodyDelivery::kStreamed; }
  void handle(HttpRequest request, Responder responder) override;

 private:
  GatewayServices& services_;
  isolates::Invoker& invoker_;
};

// Turns what the isolates layer answered into an HTTP response (host errors as JSON).
HttpResponse toHttpResponse(isolates::InvokeResponse response, std::string_view request_id);

}  // namespace quiver::gateway
