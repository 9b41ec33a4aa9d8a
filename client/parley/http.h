// Blocking HTTP for clients: sign-in, devices, chats, admin. Thread-safe (no shared state).
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

namespace parley::client {

struct Endpoint {
  std::string host = "127.0.0.1";
  std::string port = "8080";
};

// Parses "http://host:port" (also "ws://", or bare "host:port"). False with a message in
// `error` when the URL is not one of those.
bool parse_server_url(std::string_view url, Endpoint& out, std::string& error);

struct HttpResult {
  int status = 0;              // 0: no answer (connection failed); see `error`
  std::string body;
  boost::json::value json;     // parsed body when it is JSON, else null
  std::string error;           // transport error, or the server's "message"

  bool ok() const { return status / 100 == 2; }
  std::string error_code() const;  // the server's "error" field, if any
};

// `bearer` adds "Authorization: Bearer <bearer>" when not empty.
HttpResult http_call(const Endpoint& server, std::string_view method, std::string_view target,
                     std::string body = {}, std::string_view bearer = {}, int timeout_ms = 10000);

}  // namespace parley::client
