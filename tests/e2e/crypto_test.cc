// Web Crypto through a real quiverd: results checked independently with OpenSSL, slow work off
// the shard's thread (ordering, not timing), and off-thread work that outlives its request and
// its instance. One shard everywhere, so "another function" means the same event loop.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "tests/e2e/support.h"

namespace quiver::testing {
namespace {

using json = nlohmann::json;

constexpr auto kSlowDeadline = std::chrono::seconds(180);

// PBKDF2-HMAC-SHA256("password", "quiver", 20,000,000 iterations, 32 bytes), computed offline
// with `openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt pass:password -kdfopt salt:quiver
// -kdfopt iter:20000000 PBKDF2`: a few seconds of one core, far above the off-thread threshold.
constexpr const char* kSlowPbkdf2 =
    "91be2adddf75d37919b0d0fed9875076609ea1d721438032770e0e9914d17c51";

// ?iterations=N derives 32 bytes with PBKDF2 and logs "started <tag>" before it awaits.
constexpr const char* kPbkdf2Function = R"js(
const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
const bytes = (s) => Uint8Array.from(s, (c) => c.charCodeAt(0));
export default {
  async fetch(request) {
    const param = (name) => new RegExp("[?&]" + name + "=([^&]*)").exec(request.url)[1];
    const iterations = Number(param("iterations"));
    const key = await crypto.subtle.importKey("raw", bytes("password"), "PBKDF2", false, ["deriveBits"]);
    const pending = crypto.subtle.deriveBits(
        { name: "PBKDF2", hash: "SHA-256", salt: bytes("quiver"), iterations }, key, 256);
    console.log("started " + param("tag"));
    return new Response(hex(await pending));
  },
};)js";

constexpr const char* kHelloFunction =
    "export default { fetch() { return new Response('hello'); } };";

std::string get(const std::string& path) { return "GET " + path + " HTTP/1.1\r\nhost: h\r\n\r\n"; }

std::vector<uint8_t> fromHex(const std::string& hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

class CryptoE2eTest : public ::testing::Test {
 protected:
  explicit CryptoE2eTest(Quiverd::Options options = Quiverd::Options{.shards = 1})
      : daemon_(std::move(options)) {}

  void deploy(const std::string& name, const std::string& code, int timeout_s = 30) {
    json body = {{"code", code}, {"limits", {{"timeout_s", timeout_s}}}};
    auto reply = httpRequest(
        daemon_.controlPort(), "PUT", "/v1/functions/" + name, body.dump(),
        {{"authorization", "Bearer " + daemon_.token()}, {"content-type", "application/json"}});
    ASSERT_TRUE(reply.status == 201 || reply.status == 200) << name << ": " << reply.body;
  }

  void expectHealthy() {
    EXPECT_EQ(httpRequest(daemon_.controlPort(), "GET", "/healthz").status, 200);
    auto hello = httpRequest(daemon_.publicPort(), "GET", "/fn/hello");
    EXPECT_EQ(hello.status, 200) << hello.body;
    EXPECT_EQ(hello.body, "hello");
  }

  Quiverd daemon_;
};

// RSA-2048 generateKey (off-thread), sign and verify in a function; the signature and the
// exported public key are checked here with OpenSSL, outside the runtime.
TEST_F(CryptoE2eTest, RsaGenerateSignVerifyThroughHttp) {
  deploy("rsa", R"js(
const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");
export default {
  async fetch(request) {
    const algorithm = { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048,
                        publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
    const { publicKey, privateKey } =
        await crypto.subtle.generateKey(algorithm, false, ["sign", "verify"]);
    const data = new Uint8Array(await request.arrayBuffer());
    const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", privateKey, data);
    const verified = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", publicKey, signature, data);
    const tampered = data.slice();
    tampered[0] ^= 1;
    const tamperedVerified =
        await crypto.subtle.verify("RSASSA-PKCS1-v1_5", publicKey, signature, tampered);
    let exportError = "none";
    try {
      await crypto.subtle.exportKey("pkcs8", privateKey);
    } catch (error) {
      exportError = error.name;
    }
    return Response.json({
      verified, tamperedVerified, exportError,
      modulusLength: publicKey.algorithm.modulusLength,
      usages: [...publicKey.usages, ...privateKey.usages],
      spki: hex(await crypto.subtle.exportKey("spki", publicKey)),
      signature: hex(signature),
    });
  },
};)js");
  const std::string message = "sign me through real HTTP";
  auto reply = httpRequest(daemon_.publicPort(), "POST", "/fn/rsa", message);
  ASSERT_EQ(reply.status, 200) << reply.body << daemon_.logs();
  json result = json::parse(reply.body);
  EXPECT_EQ(result["verified"], true);
  EXPECT_EQ(result["tamperedVerified"], false);
  EXPECT_EQ(result["exportError"], "InvalidAccessError");
  EXPECT_EQ(result["modulusLength"], 2048);
  EXPECT_EQ(result["usages"], json::array({"verify", "sign"}));

  auto spki = fromHex(result["spki"].get<std::string>());
  auto signature = fromHex(result["signature"].get<std::string>());
  ASSERT_EQ(signature.size(), 256u);
  const unsigned char* p = spki.data();
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size())), EVP_PKEY_free);
  ASSERT_TRUE(key);
  EXPECT_EQ(EVP_PKEY_get_bits(key.get()), 2048);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  ASSERT_EQ(
      EVP_DigestVerifyInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, key.get(), nullptr),
      1);
  EXPECT_EQ(
      EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()),
      1);
}

// A PBKDF2 of several seconds runs on the pool: while it is pending, a request to another
// function on the same (only) shard is answered. Then the slow one finishes with the right bytes.
TEST_F(CryptoE2eTest, LargePbkdf2OffThreadDoesNotBlockTheShard) {
  deploy("slow", kPbkdf2Function);
  deploy("hello", kHelloFunction);
  ASSERT_EQ(httpRequest(daemon_.publicPort(), "GET", "/fn/hello").status, 200);  // warm

  HttpConnection slow(daemon_.publicPort());
  slow.send(get("/fn/slow?iterations=20000000&tag=slow"));
  ASSERT_TRUE(daemon_.waitForLog("log: started slow", std::chrono::seconds(30))) << daemon_.logs();

  auto hello = httpRequest(daemon_.publicPort(), "GET", "/fn/hello");
  EXPECT_EQ(hello.status, 200);
  EXPECT_EQ(hello.body, "hello");
  // Ordering: the neighbour's answer came while the slow response had not been written yet.
  EXPECT_FALSE(slow.waitFor("HTTP/1.1", std::chrono::milliseconds(0)))
      << "the slow request finished before the neighbour: the iteration count is too small";

  auto result = slow.read(false, kSlowDeadline);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->status, 200) << result->body;
  EXPECT_EQ(result->body, kSlowPbkdf2);
}

// libuv's pool has one thread here, so off-thread tasks run strictly one after another: a task
// queued after the slow one completes only once the slow one came back from the pool.
class CryptoWallLimitTest : public CryptoE2eTest {
 protected:
  CryptoWallLimitTest()
      : CryptoE2eTest(Quiverd::Options{.shards = 1, .env = {{"UV_THREADPOOL_SIZE", "1"}}}) {}
};

// The wall limit ends a request while its PBKDF2 still runs on the pool: 504, and the host
// stays healthy. The function is then redeployed, so the old instance is destroyed while its
// work is still on the pool; when that work comes back, it must find no instance and be dropped
// (an ASan build would catch a use after free here).
TEST_F(CryptoWallLimitTest, WallLimitWhileOffThreadWorkRunsThenInstanceDestroyed) {
  deploy("stuck", kPbkdf2Function, /*timeout_s=*/1);
  deploy("hello", kHelloFunction);

  auto timed_out =
      httpRequest(daemon_.publicPort(), "GET", "/fn/stuck?iterations=20000000&tag=big");
  EXPECT_EQ(timed_out.status, 504) << timed_out.body;
  EXPECT_EQ(json::parse(timed_out.body)["error"]["code"], "wall_time_exceeded");
  expectHealthy();

  // A new version: the next request starts a new instance and the old one (no request in
  // flight) is destroyed, with its PBKDF2 still running.
  deploy("stuck", kPbkdf2Function, /*timeout_s=*/120);
  HttpConnection after(daemon_.publicPort());
  after.send(get("/fn/stuck?iterations=20000&tag=after"));
  ASSERT_TRUE(daemon_.waitForLog("log: started after", std::chrono::seconds(30)));
  expectHealthy();  // the shard serves others while "after" waits behind the big task

  auto reply = after.read(false, kSlowDeadline);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(reply->body.size(), 64u) << reply->body;
  expectHealthy();
  EXPECT_TRUE(daemon_.running());
  EXPECT_EQ(daemon_.terminate(), 0) << daemon_.logs();
}

// At module top level there is no request to own off-thread work: it rejects with a TypeError,
// while inline operations work.
TEST_F(CryptoE2eTest, OffThreadWorkAtModuleTopLevelIsATypeError) {
  deploy("toplevel", R"js(
const digest = crypto.subtle.digest("SHA-256", new Uint8Array(3));
const offThread = crypto.subtle.generateKey({ name: "RSA-PSS", modulusLength: 1024,
    publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign"])
  .then(() => "resolved", (error) => error.constructor.name + ": " + error.message);
export default {
  async fetch() { return new Response((await digest).byteLength + " " + (await offThread)); },
};)js");
  auto reply = httpRequest(daemon_.publicPort(), "GET", "/fn/toplevel");
  ASSERT_EQ(reply.status, 200) << reply.body << daemon_.logs();
  EXPECT_EQ(reply.body,
            "32 TypeError: this operation can only be started while handling a request");
}

}  // namespace
}  // namespace quiver::testing
