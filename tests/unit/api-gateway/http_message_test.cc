// HTTP messages: reason phrases, the host's JSON error shape and JSON responses.
#include "api-gateway/http_message.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace quiver::gateway {
namespace {

const std::string* findHeader(const HttpResponse& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return &v;
  }
  return nullptr;
}

TEST(ReasonPhraseTest, StandardPhrases) {
  EXPECT_EQ(reasonPhrase(200), "OK");
  EXPECT_EQ(reasonPhrase(204), "No Content");
  EXPECT_EQ(reasonPhrase(400), "Bad Request");
  EXPECT_EQ(reasonPhrase(401), "Unauthorized");
  EXPECT_EQ(reasonPhrase(404), "Not Found");
  EXPECT_EQ(reasonPhrase(413), "Content Too Large");
  EXPECT_EQ(reasonPhrase(429), "Too Many Requests");
  EXPECT_EQ(reasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reasonPhrase(503), "Service Unavailable");
  EXPECT_EQ(reasonPhrase(504), "Gateway Timeout");
  EXPECT_EQ(reasonPhrase(505), "HTTP Version Not Supported");
}

TEST(ReasonPhraseTest, UnknownStatusesGetAGenericPhrase) {
  EXPECT_EQ(reasonPhrase(299), "OK");
  EXPECT_EQ(reasonPhrase(499), "Error");
  EXPECT_EQ(reasonPhrase(599), "Error");
}

TEST(ErrorResponseTest, HasTheDocumentedJsonShape) {
  HttpResponse r = errorResponse(404, "function_not_found", "no function named x", "req-123");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(r.reason.empty());
  ASSERT_NE(findHeader(r, "content-type"), nullptr);
  EXPECT_EQ(*findHeader(r, "content-type"), "application/json");
  ASSERT_FALSE(r.body.empty());
  EXPECT_EQ(r.body.back(), '\n');

  auto j = nlohmann::json::parse(r.body);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.size(), 1u);
  ASSERT_TRUE(j.contains("error"));
  const auto& e = j["error"];
  EXPECT_EQ(e.size(), 3u);
  EXPECT_EQ(e["code"], "function_not_found");
  EXPECT_EQ(e["message"], "no function named x");
  EXPECT_EQ(e["request_id"], "req-123");
}

TEST(ErrorResponseTest, EscapesUserInput) {
  std::string message = "bad \"name\" \\ with\nnewline\tand </script> and ü";
  HttpResponse r = errorResponse(400, "invalid_name", message, "id");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["error"]["message"], message);
  // One line of JSON plus the final newline.
  EXPECT_EQ(r.body.find('\n'), r.body.size() - 1);
}

TEST(ErrorResponseTest, InvalidUtf8DoesNotThrow) {
  std::string message = "bytes \xff\xfe\xc3 end";
  HttpResponse r;
  ASSERT_NO_THROW(r = errorResponse(400, "bad_request", message, "id\x80"));
  nlohmann::json j;
  ASSERT_NO_THROW(j = nlohmann::json::parse(r.body));
  std::string got = j["error"]["message"];
  EXPECT_EQ(got.rfind("bytes ", 0), 0u);
  EXPECT_NE(got.find(" end"), std::string::npos);
}

TEST(JsonResponseTest, SetsContentTypeAndNewline) {
  HttpResponse r = jsonResponse(201, R"({"ok":true})");
  EXPECT_EQ(r.status, 201);
  ASSERT_NE(findHeader(r, "content-type"), nullptr);
  EXPECT_EQ(*findHeader(r, "content-type"), "application/json");
  EXPECT_EQ(r.body, "{\"ok\":true}\n");
  EXPECT_FALSE(r.close);
}

}  // namespace
}  // namespace quiver::gateway
