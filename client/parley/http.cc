#include "parley/http.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace parley::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

bool parse_server_url(std::string_view url, Endpoint& out, std::string& error) {
  for (std::string_view scheme : {"http://", "ws://"})
    if (url.starts_with(scheme)) url.remove_prefix(scheme.size());
  if (url.starts_with("https://") || url.starts_with("wss://")) {
    error = "TLS URLs are not supported by this client; put parleyd behind a TLS proxy and use http:// locally";
    return false;
  }
  while (url.ends_with('/')) url.remove_suffix(1);
  auto colon = url.rfind(':');
  if (url.empty() || url.find('/') != std::string_view::npos) {
    error = "server URL must look like http://HOST:PORT";
    return false;
  }
  if (colon == std::string_view::npos) {
    out.host = std::string(url);
    out.port = "80";
    return true;
  }
  out.host = std::string(url.substr(0, colon));
  out.port = std::string(url.substr(colon + 1));
  if (out.host.empty() || out.port.empty() || out.port.find_first_not_of("0123456789") != std::string::npos) {
    error = "server URL must look like http://HOST:PORT";
    return false;
  }
  return true;
}

std::string HttpResult::error_code() const {
  if (auto* o = json.if_object())
    if (auto* e = o->if_contains("error"); e && e->is_string()) return std::string(e->get_string());
  return {};
}

HttpResult http_call(const Endpoint& server, std::string_view method, std::string_view target, std::string body,
                     std::string_view bearer, int timeout_ms) {
  HttpResult out;
  try {
    asio::io_context ioc;
    asio::ip::tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    stream.connect(resolver.resolve(server.host, server.port));
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, server.host);
    req.set(http::field::user_agent, "parley-client");
    if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + std::string(bearer));
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buf;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(stream, buf, parser);
    auto res = parser.release();
    out.status = res.result_int();
    out.body = std::move(res.body());
    json::error_code ec;
    out.json = json::parse(out.body, ec);
    if (ec) out.json = nullptr;
    if (!out.ok()) {
      if (auto* o = out.json.if_object())
        if (auto* m = o->if_contains("message"); m && m->is_string()) out.error = std::string(m->get_string());
      if (out.error.empty()) out.error = "HTTP " + std::to_string(out.status);
    }
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  } catch (const std::exception& e) {
    out.status = 0;
    out.error = std::string("cannot reach ") + server.host + ":" + server.port + ": " + e.what();
  }
  return out;
}

}  // namespace parley::client
