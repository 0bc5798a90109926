#include "tests/support/test_pki.h"

#include <cstdlib>
#include <fstream>

namespace quiver::testing {
namespace {

bool run(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

bool makeServerCert(const std::string& dir, const std::string& name, const std::string& san) {
  std::ofstream(dir + "/" + name + ".ext")
      << "basicConstraints=CA:FALSE\nsubjectAltName=" << san
      << "\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n";
  return run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + dir +
             "/" + name + ".key -out " + dir + "/" + name + ".csr -subj /CN=" + name) &&
         run("openssl x509 -req -in " + dir + "/" + name + ".csr -CA " + dir + "/ca.pem -CAkey " +
             dir + "/ca.key -CAcreateserial -days 2 -out " + dir + "/" + name + ".pem -extfile " +
             dir + "/" + name + ".ext");
}

}  // namespace

TestPki makeTestPki(const std::string& dir) {
  TestPki pki;
  pki.dir = dir;
  bool ok = run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                "-keyout " +
                dir + "/ca.key -out " + dir +
                "/ca.pem -days 2 "
                "-subj '/CN=Quiver Test CA' -addext basicConstraints=critical,CA:TRUE "
                "-addext keyUsage=critical,keyCertSign,cRLSign") &&
            makeServerCert(dir, "localhost", "DNS:localhost,IP:127.0.0.1") &&
            makeServerCert(dir, "other", "DNS:other.test");
  if (!ok) return pki;
  pki.ca_pem = dir + "/ca.pem";
  pki.localhost_cert = dir + "/localhost.pem";
  pki.localhost_key = dir + "/localhost.key";
  pki.other_cert = dir + "/other.pem";
  pki.other_key = dir + "/other.key";
  return pki;
}

}  // namespace quiver::testing
