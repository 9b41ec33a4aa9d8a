#include "parley/http.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <strings.h>

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

std::string HttpResult::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  return {};
}

namespace {

// The body (JSON or not) of a finished answer: parsed, and a failure's message taken.
void finish_answer(HttpResult& out) {
  json::error_code ec;
  out.json = json::parse(out.body, ec);
  if (ec) out.json = nullptr;
  if (!out.ok()) {
    if (auto* o = out.json.if_object())
      if (auto* m = o->if_contains("message"); m && m->is_string()) out.error = std::string(m->get_string());
    if (out.error.empty()) out.error = "HTTP " + std::to_string(out.status);
  }
}

}  // namespace

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
    finish_answer(out);
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  } catch (const std::exception& e) {
    out.status = 0;
    out.error = std::string("cannot reach ") + server.host + ":" + server.port + ": " + e.what();
  }
  return out;
}

namespace {

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kPiece = 64 << 10;       // bytes per read and write
constexpr std::size_t kErrorBody = 1 << 20;    // an error answer's body is kept up to this

// The exchange of http_stream, run on its own io_context. Fills `out`; a failure leaves
// status 0 and says why in `error`.
asio::awaitable<void> exchange(const Endpoint& server, const StreamRequest& rq, HttpResult& out) {
  auto ex = co_await asio::this_coro::executor;
  const std::string where = server.host + ":" + server.port;
  auto lost = [&](std::string what, const beast::error_code& ec) {
    out.status = 0;
    out.error = what + " (" + where + "): " + ec.message();
  };
  asio::ip::tcp::resolver resolver(ex);
  beast::tcp_stream stream(ex);
  const auto step = [&] { stream.expires_after(std::chrono::milliseconds(rq.timeout_ms)); };
  auto [rec, results] = co_await resolver.async_resolve(server.host, server.port, use_nothrow);
  if (rec) co_return lost("cannot reach", rec);
  step();
  auto [cec, ep] = co_await stream.async_connect(results, use_nothrow);
  if (cec) co_return lost("cannot reach", cec);

  const bool has_body = rq.body && rq.body_length > 0;
  http::request<http::empty_body> req{http::string_to_verb(rq.method), rq.target, 11};
  req.set(http::field::host, server.host);
  req.set(http::field::user_agent, "parley-client");
  if (!rq.bearer.empty()) req.set(http::field::authorization, "Bearer " + rq.bearer);
  for (const auto& [k, v] : rq.headers) req.set(k, v);
  if (rq.body || req.method() == http::verb::post || req.method() == http::verb::patch)
    req.content_length(has_body ? rq.body_length : 0);
  if (has_body) req.set(http::field::expect, "100-continue");
  http::request_serializer<http::empty_body> sr(req);
  step();
  auto [wec, wn] = co_await http::async_write_header(stream, sr, use_nothrow);
  if (wec) co_return lost("connection lost", wec);

  beast::flat_buffer buf;
  std::string piece(kPiece, '\0');
  auto parser = std::make_unique<http::response_parser<http::buffer_body>>();
  const auto read_head = [&]() -> asio::awaitable<beast::error_code> {
    parser = std::make_unique<http::response_parser<http::buffer_body>>();
    parser->body_limit(boost::none);
    if (req.method() == http::verb::head) parser->skip(true);
    step();
    auto [ec, n] = co_await http::async_read_header(stream, buf, *parser, use_nothrow);
    co_return ec;
  };
  if (has_body) {  // the server's word first: "100 Continue", or its refusal
    if (auto ec = co_await read_head()) co_return lost("connection lost", ec);
    if (parser->get().result() == http::status::continue_) {
      for (std::uint64_t sent = 0; sent < rq.body_length;) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(kPiece, rq.body_length - sent));
        if (!rq.body->read(piece.data(), static_cast<std::streamsize>(n))) {
          out.error = "cannot read what to upload (it ended, or changed, while being sent)";
          co_return;
        }
        step();
        auto [ec, written] = co_await asio::async_write(stream, asio::buffer(piece.data(), n), use_nothrow);
        if (ec) co_return lost("connection lost", ec);
        sent += n;
        if (rq.on_sent) rq.on_sent(sent);
      }
      if (auto ec = co_await read_head()) co_return lost("connection lost", ec);
    }
  } else if (auto ec = co_await read_head()) {
    co_return lost("connection lost", ec);
  }

  out.status = parser->get().result_int();
  for (const auto& f : parser->get()) out.headers.emplace_back(f.name_string(), f.value());
  const bool streamed = out.ok() && rq.on_body;
  while (!parser->is_done()) {
    parser->get().body().data = piece.data();
    parser->get().body().size = piece.size();
    step();
    auto [ec, n] = co_await http::async_read(stream, buf, *parser, use_nothrow);
    if (ec == http::error::need_buffer) ec = {};
    const std::string_view got(piece.data(), piece.size() - parser->get().body().size);
    if (streamed && !got.empty() && !rq.on_body(out, got)) {
      out.status = 0;
      out.error = "cannot write what was downloaded";
      co_return;
    }
    if (!streamed) out.body.append(got.substr(0, kErrorBody - std::min(kErrorBody, out.body.size())));
    if (ec) co_return lost("connection lost", ec);
  }
  finish_answer(out);
  beast::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
}

}  // namespace

HttpResult http_stream(const Endpoint& server, const StreamRequest& request) {
  HttpResult out;
  try {
    asio::io_context ioc;
    asio::co_spawn(ioc, exchange(server, request, out), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    ioc.run();
  } catch (const std::exception& e) {
    out.status = 0;
    out.error = std::string("cannot reach ") + server.host + ":" + server.port + ": " + e.what();
  }
  return out;
}

}  // namespace parley::client
