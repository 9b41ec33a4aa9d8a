// Blocking HTTP for clients: sign-in, devices, chats, admin (http_call), and exchanges with
// streamed bodies for media (http_stream). Thread-safe (no shared state).
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::client {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::string port = "8080";
};

// Parses "http://host:port" (also "ws://", or bare "host:port"). False with a message in
// `error` when the URL is not one of those.
bool parse_server_url(std::string_view url, Endpoint& out, std::string& error);

struct HttpResult {
  int status = 0;              // 0: no (complete) answer: the connection failed; see `error`
  std::string body;
  boost::json::value json;     // parsed body when it is JSON, else null
  std::string error;           // transport error, or the server's "message"
  std::vector<std::pair<std::string, std::string>> headers{};  // http_stream only

  bool ok() const { return status / 100 == 2; }
  std::string error_code() const;  // the server's "error" field, if any
  std::string header(std::string_view name) const;  // "" when absent; the name in any case
};

// `bearer` adds "Authorization: Bearer <bearer>" when not empty.
HttpResult http_call(const Endpoint& server, std::string_view method, std::string_view target,
                     std::string body = {}, std::string_view bearer = {}, int timeout_ms = 10000);

// One request whose bodies are streamed, never held whole: `body_length` bytes are read
// from `body` (sent after the server's "100 Continue", so a refusal comes before them), and
// a 2xx answer's body goes to `on_body`, when set, piece by piece. Other bodies (errors,
// JSON answers) land in HttpResult::body, at most 1 MiB of them. Each step (connect, every
// write and read) is bounded by `timeout_ms` without progress.
struct StreamRequest {
  std::string method = "GET";
  std::string target;
  std::string bearer;  // adds "Authorization: Bearer <bearer>" when not empty
  std::vector<std::pair<std::string, std::string>> headers{};
  std::istream* body = nullptr;  // read from its current position
  std::uint64_t body_length = 0;
  // Called with body bytes sent so far (after each piece).
  std::function<void(std::uint64_t sent)> on_sent{};
  // A 2xx answer's body: `answer` holds its status and headers. false stops the call (it fails).
  std::function<bool(const HttpResult& answer, std::string_view piece)> on_body{};
  int timeout_ms = 30000;
};

HttpResult http_stream(const Endpoint& server, const StreamRequest& request);

}  // namespace parley::client
