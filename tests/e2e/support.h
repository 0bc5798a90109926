// End-to-end test support: start a real quiverd (port 0, temp data dir), run the real quiver
// CLI, and speak raw HTTP over real sockets. Waiting is always polling with a deadline.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace quiver::testing {

std::string makeTempDir();
void removeTree(const std::string& path);
std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& content);

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a program to completion (stdin from /dev/null), with extra environment variables.
ProcessResult runProgram(const std::vector<std::string>& argv,
                         const std::map<std::string, std::string>& env = {},
                         std::chrono::seconds timeout = std::chrono::seconds(60));

class Quiverd {
 public:
  struct Options {
    std::string data_dir;  // empty: a fresh temp dir, removed at the end
    int shards = 2;
    std::vector<std::string> extra_args;
    bool set_token_env = true;               // QUIVER_ADMIN_TOKEN=test-token
    std::map<std::string, std::string> env;  // extra environment variables for quiverd
  };
  explicit Quiverd(Options options);
  Quiverd() : Quiverd(Options{}) {}
  ~Quiverd();

  int publicPort() const { return public_port_; }
  int controlPort() const { return control_port_; }
  const std::string& dataDir() const { return data_dir_; }
  const std::string& token() const { return token_; }
  std::string controlUrl() const;
  std::string stdoutText() const { return stdout_text_; }
  // What quiverd wrote to stderr so far (function logs, host messages).
  std::string logs() const;
  // Polls logs() until it contains `needle` or the deadline passes.
  bool waitForLog(const std::string& needle, std::chrono::milliseconds timeout);

  // SIGTERM and wait: the exit status (-1 if it did not exit in time, then SIGKILL).
  int terminate(std::chrono::seconds timeout = std::chrono::seconds(20));
  void kill9();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Runs the quiver CLI against this daemon (--url and the token set through the environment).
  ProcessResult cli(const std::vector<std::string>& args) const;

 private:
  void start();

  Options options_;
  bool own_dir_ = false;
  std::string data_dir_;
  std::string token_;
  pid_t pid_ = -1;
  int public_port_ = 0;
  int control_port_ = 0;
  std::string stdout_text_;
};

struct HttpReply {
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  std::string header(const std::string& name) const;
};

// A blocking client connection with deadlines on every read.
class HttpConnection {
 public:
  explicit HttpConnection(int port);
  ~HttpConnection();
  bool connected() const { return fd_ >= 0; }
  void send(const std::string& bytes);
  // Reads one response (Content-Length or chunked or until close). nullopt on timeout/close.
  std::optional<HttpReply> read(bool head_request = false,
                                std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Reads raw bytes until `needle` appears (kept in the buffer for read()).
  bool waitFor(const std::string& needle, std::chrono::milliseconds timeout);
  // True when the server closed the connection within the timeout (after any buffered data).
  bool closedByPeer(std::chrono::milliseconds timeout);
  int fdForTest() const { return fd_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

// One request on a fresh connection.
HttpReply httpRequest(int port, const std::string& method, const std::string& path,
                      const std::string& body = "",
                      const std::vector<std::pair<std::string, std::string>>& headers = {});

}  // namespace quiver::testing
