#include "tests/e2e/support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace quiver::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string quiverdPath() { return std::string(QUIVER_BINARY_DIR) + "/quiverd/quiverd"; }
std::string quiverPath() { return std::string(QUIVER_BINARY_DIR) + "/cli/quiver"; }

std::vector<char*> cStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> environment(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) merged[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  // Tests decide the CLI's target and token explicitly.
  merged.erase("QUIVER_URL");
  merged.erase("QUIVER_TOKEN");
  merged.erase("QUIVER_ADMIN_TOKEN");
  merged["HOME"] = "/nonexistent-quiver-test-home";
  for (const auto& [k, v] : extra) merged[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : merged) out.push_back(k + "=" + v);
  return out;
}

// Reads whatever is available on `fd` into `out` until EOF or the deadline.
void drain(int fd, std::string& out, Clock::time_point deadline) {
  char buf[4096];
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    int ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (poll(&p, 1, std::max(ms, 1)) <= 0) continue;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return;
    out.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

std::string makeTempDir() {
  std::string pattern = "/tmp/quiver-test-XXXXXX";
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

void removeTree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void writeFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

ProcessResult runProgram(const std::vector<std::string>& argv_in,
                         const std::map<std::string, std::string>& env,
                         std::chrono::seconds timeout) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  std::vector<std::string> argv = argv_in;
  std::vector<std::string> envs = environment(env);
  auto c_argv = cStrings(argv);
  auto c_env = cStrings(envs);
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    execve(c_argv[0], c_argv.data(), c_env.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  ProcessResult result;
  auto deadline = Clock::now() + timeout;
  std::thread err_reader([&] { drain(err_pipe[0], result.err, deadline); });
  drain(out_pipe[0], result.out, deadline);
  err_reader.join();
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  while (Clock::now() < deadline) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return result;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // poll interval
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  result.exit_code = -1;
  return result;
}

Quiverd::Quiverd(Options options) : options_(std::move(options)) {
  data_dir_ = options_.data_dir;
  if (data_dir_.empty()) {
    data_dir_ = makeTempDir();
    own_dir_ = true;
  }
  start();
}

Quiverd::~Quiverd() {
  if (pid_ > 0) kill9();
  if (own_dir_) removeTree(data_dir_);
}

void Quiverd::start() {
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv = {quiverdPath(), "--data-dir",  data_dir_,
                                   "--listen",    "127.0.0.1:0", "--control-listen",
                                   "127.0.0.1:0", "--shards",    std::to_string(options_.shards)};
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::map<std::string, std::string> env = options_.env;
  if (options_.set_token_env) env["QUIVER_ADMIN_TOKEN"] = "test-token";
  std::vector<std::string> envs = environment(env);
  auto c_argv = cStrings(argv);
  auto c_env = cStrings(envs);
  std::string log_path = data_dir_ + "/quiverd.log";
  pid_ = fork();
  if (pid_ == 0) {
    int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(out_pipe[1], 1);
    dup2(log, 2);
    execve(c_argv[0], c_argv.data(), c_env.data());
    _exit(127);
  }
  close(out_pipe[1]);
  auto deadline = Clock::now() + std::chrono::seconds(30);
  char buf[1024];
  while (stdout_text_.find("quiverd: ready") == std::string::npos && Clock::now() < deadline) {
    pollfd p{out_pipe[0], POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::read(out_pipe[0], buf, sizeof buf);
    if (n <= 0) break;
    stdout_text_.append(buf, static_cast<size_t>(n));
  }
  close(out_pipe[0]);
  auto portAfter = [&](const std::string& marker) {
    auto at = stdout_text_.find(marker);
    if (at == std::string::npos) return 0;
    auto colon = stdout_text_.find(':', at + marker.size() + 7);  // past "http://"
    return std::atoi(stdout_text_.c_str() + colon + 1);
  };
  public_port_ = portAfter("public listener on ");
  control_port_ = portAfter("control listener on ");
  if (public_port_ == 0 || control_port_ == 0) {
    throw std::runtime_error("quiverd did not start: " + stdout_text_ + "\n" + logs());
  }
  token_ = options_.set_token_env ? "test-token" : readFile(data_dir_ + "/admin.token");
  while (!token_.empty() && token_.back() == '\n') token_.pop_back();
}

std::string Quiverd::controlUrl() const {
  return "http://127.0.0.1:" + std::to_string(control_port_);
}

std::string Quiverd::logs() const { return readFile(data_dir_ + "/quiverd.log"); }

bool Quiverd::waitForLog(const std::string& needle, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (logs().find(needle) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // poll interval
  }
  return false;
}

int Quiverd::terminate(std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  auto deadline = Clock::now() + timeout;
  int status = 0;
  while (Clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));  // poll interval
  }
  kill9();
  return -1;
}

void Quiverd::kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

ProcessResult Quiverd::cli(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {quiverPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  return runProgram(argv, {{"QUIVER_URL", controlUrl()}, {"QUIVER_TOKEN", token_}});
}

std::string HttpReply::header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "";
}

HttpConnection::HttpConnection(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) close(fd_);
}

void HttpConnection::send(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<size_t>(n);
  }
}

bool HttpConnection::fill(Clock::time_point deadline) {
  if (eof_ || fd_ < 0) return false;
  while (Clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    int ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    int r = poll(&p, 1, std::max(ms, 1));
    if (r <= 0) continue;
    char buf[16384];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }
  return false;
}

bool HttpConnection::waitFor(const std::string& needle, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (buffer_.find(needle) == std::string::npos) {
    if (!fill(deadline)) return false;
  }
  return true;
}

bool HttpConnection::closedByPeer(std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (!eof_ && Clock::now() < deadline) fill(deadline);
  return eof_;
}

std::optional<HttpReply> HttpConnection::read(bool head_request,
                                              std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) return std::nullopt;
  }
  HttpReply reply;
  std::istringstream head(buffer_.substr(0, end));
  std::string line;
  std::getline(head, line);
  if (line.rfind("HTTP/1.", 0) != 0) return std::nullopt;
  reply.status = std::atoi(line.c_str() + 9);
  if (line.size() > 13) reply.reason = line.substr(13, line.size() - 14);
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    reply.headers.emplace_back(name, value);
  }
  buffer_.erase(0, end + 4);
  bool no_body = head_request || reply.status == 204 || reply.status == 304 ||
                 (reply.status >= 100 && reply.status < 200);
  if (no_body) return reply;
  std::string length = reply.header("content-length");
  if (!length.empty()) {
    size_t n = std::stoul(length);
    while (buffer_.size() < n) {
      if (!fill(deadline)) return std::nullopt;
    }
    reply.body = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return reply;
  }
  if (reply.header("transfer-encoding") == "chunked") {
    for (;;) {
      size_t crlf;
      while ((crlf = buffer_.find("\r\n")) == std::string::npos) {
        if (!fill(deadline)) return std::nullopt;
      }
      size_t size = std::stoul(buffer_.substr(0, crlf), nullptr, 16);
      while (buffer_.size() < crlf + 2 + size + 2) {
        if (!fill(deadline)) return std::nullopt;
      }
      reply.body.append(buffer_, crlf + 2, size);
      buffer_.erase(0, crlf + 2 + size + 2);
      if (size == 0) return reply;
    }
  }
  while (fill(deadline)) {
  }
  reply.body = std::move(buffer_);
  buffer_.clear();
  return reply;
}

HttpReply httpRequest(int port, const std::string& method, const std::string& path,
                      const std::string& body,
                      const std::vector<std::pair<std::string, std::string>>& headers) {
  HttpConnection connection(port);
  std::string request = method + " " + path +
                        " HTTP/1.1\r\nhost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nconnection: close\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    request += "content-length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  connection.send(request);
  auto reply = connection.read(method == "HEAD");
  return reply ? *reply : HttpReply{};
}

}  // namespace quiver::testing
