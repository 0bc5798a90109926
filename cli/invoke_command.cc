// `quiver invoke NAME ...`: looks up the function's public URL on the control API, then sends one
// HTTP request there and relays the response body untouched.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <iostream>
#include <memory>

#include "cli_error.h"
#include "commands.h"
#include "file_input.h"
#include "output.h"

namespace quiver::cli {
namespace {

constexpr std::chrono::minutes kInvokeTimeout{5};

struct InvokeOptions {
  std::string name;
  std::string path;
  std::string method;
  std::vector<std::string> headers;
  std::string data;
  const CLI::Option* dataOption = nullptr;  // tells "--data ''" apart from no --data at all
};

std::string trimmed(const std::string& text) {
  auto notSpace = [](unsigned char c) { return !std::isspace(c); };
  auto begin = std::find_if(text.begin(), text.end(), notSpace);
  auto end = std::find_if(text.rbegin(), text.rend(), notSpace).base();
  return begin < end ? std::string(begin, end) : "";
}

std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string uppercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

HeaderList parseHeaders(const std::vector<std::string>& lines) {
  HeaderList headers;
  for (const auto& line : lines) {
    size_t colon = line.find(':');
    std::string name = colon == std::string::npos ? "" : trimmed(line.substr(0, colon));
    if (line.find_first_of("\r\n") != std::string::npos) {
      throw CliError("invalid -H: a header must not contain a line break");
    }
    if (name.empty() || name.find_first_of(" \t") != std::string::npos) {
      throw CliError("invalid -H '" + line + "': expected 'Name: value'");
    }
    headers.emplace_back(name, trimmed(line.substr(colon + 1)));
  }
  return headers;
}

// Methods are HTTP tokens; letters only keeps typos like "GE T" from reaching the wire.
std::string parseMethod(const std::string& method) {
  bool valid = !method.empty() && std::all_of(method.begin(), method.end(),
                                              [](unsigned char c) { return std::isalpha(c) != 0; });
  if (!valid) throw CliError("invalid --method '" + method + "': expected a word like GET or POST");
  return uppercase(method);
}

// --data D sends D; --data @FILE sends FILE's bytes; --data @- sends standard input.
std::string requestBody(const std::string& data) {
  if (data == "@-") return readStdinBytes();
  if (data.starts_with('@')) return readFileBytes(data.substr(1));
  return data;
}

// "" stays "", "?q=1" is appended as a query, anything else gets a leading '/'.
std::string normalizedPath(const std::string& path) {
  if (path.empty() || path.starts_with('/') || path.starts_with('?')) return path;
  return "/" + path;
}

std::string publicUrl(const Session& session, const std::string& name) {
  Json info = session.admin.getFunction(name);
  if (!info.contains("url") || !info["url"].is_string() || info["url"].get<std::string>().empty()) {
    throw CliError("quiverd did not report a public URL for function '" + name + "'");
  }
  return info["url"].get<std::string>();
}

// Everything but the URL, so bad flags and unreadable files fail before any network call.
HttpRequest buildRequest(const InvokeOptions& options) {
  HttpRequest request;
  bool hasData = options.dataOption->count() > 0;
  request.method =
      options.method.empty() ? (hasData ? "POST" : "GET") : parseMethod(options.method);
  request.headers = parseHeaders(options.headers);
  request.hasBody = hasData;
  if (hasData) request.body = requestBody(options.data);
  request.totalTimeout = kInvokeTimeout;
  return request;
}

[[noreturn]] void throwInvokeFailure(const TransportError& error, const HttpRequest& request) {
  if (error.kind == TransportFailure::kUnreachable) {
    throw CliError("cannot reach function at " + request.url + " (" + error.reason + ")");
  }
  if (error.kind == TransportFailure::kTimedOut) {
    throw CliError("function at " + request.url + " did not answer in time (" + error.reason + ")");
  }
  throw CliError("request to " + request.url + " failed (" + error.reason + ")");
}

// Header names lowercased; repeated headers joined with ", " as HTTP allows.
Json headersJson(const HeaderList& headers) {
  Json out = Json::object();
  for (const auto& [name, value] : headers) {
    std::string key = lowercase(name);
    if (out.contains(key)) {
      out[key] = out[key].get<std::string>() + ", " + value;
    } else {
      out[key] = value;
    }
  }
  return out;
}

int runInvoke(const InvokeOptions& options, const Session& session) {
  HttpRequest request = buildRequest(options);
  request.url = publicUrl(session, options.name) + normalizedPath(options.path);
  HttpResult result = session.http.send(request);
  if (const auto* error = std::get_if<TransportError>(&result)) throwInvokeFailure(*error, request);
  const auto& response = std::get<HttpResponse>(result);
  if (session.json) {
    printJson({{"status", response.status},
               {"headers", headersJson(response.headers)},
               {"body", response.body}});
  } else {
    printRaw(response.body);
  }
  if (response.status < 400) return 0;
  std::cerr << "quiver: HTTP " << response.status << '\n';
  return 1;
}

}  // namespace

Command addInvokeCommand(CLI::App& parent) {
  auto options = std::make_shared<InvokeOptions>();
  CLI::App* app = parent.add_subcommand("invoke", "Send an HTTP request to a deployed function");
  app->add_option("NAME", options->name, "Function name")->type_name("")->required();
  app->add_option("--path", options->path, "Path (and query) appended to the function's URL")
      ->type_name("P");
  app->add_option("--method", options->method, "HTTP method (default: GET, or POST with --data)")
      ->type_name("M");
  app->add_option("-H,--header", options->headers, "Request header (repeatable)")
      ->type_name("'K: V'")
      ->allow_extra_args(false);
  options->dataOption =
      app->add_option("--data", options->data, "Request body; @FILE reads a file, @- reads stdin")
          ->type_name("D|@FILE");
  return {app, [options](const Session& session) { return runInvoke(*options, session); }};
}

}  // namespace quiver::cli
