#include "net/webhook_code_sender.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "core/thread_name.h"

namespace parley::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

template <class Stream>
asio::awaitable<Status> exchange(Stream& stream, http::request<http::string_body>& req) {
  auto [wec, wn] = co_await http::async_write(stream, req, use_nothrow);
  if (wec) co_return Status(Code::kUnavailable, "webhook write: " + wec.message());
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  auto [rec, rn] = co_await http::async_read(stream, buf, res, use_nothrow);
  if (rec) co_return Status(Code::kUnavailable, "webhook read: " + rec.message());
  if (res.result_int() / 100 != 2)
    co_return Status(Code::kUnavailable, "webhook answered HTTP " + std::to_string(res.result_int()));
  co_return Status::Ok();
}

asio::awaitable<Status> post(std::string url, std::string body, int timeout_ms, asio::ssl::context& tls) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) co_return Status(Code::kInvalid, "bad webhook url");
  bool https = u->scheme() == "https";
  std::string host = u->host();
  std::string port = u->has_port() ? std::string(u->port()) : (https ? "443" : "80");
  std::string target = u->encoded_target().empty() ? "/" : std::string(u->encoded_target());

  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto [ec, results] = co_await resolver.async_resolve(host, port, use_nothrow);
  if (ec) co_return Status(Code::kUnavailable, "webhook resolve: " + ec.message());

  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::host, host);
  req.set(http::field::content_type, "application/json");
  req.set(http::field::user_agent, "parleyd");
  req.body() = std::move(body);
  req.prepare_payload();

  if (!https) {
    beast::tcp_stream stream(ex);
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    auto [cec, ep] = co_await stream.async_connect(results, use_nothrow);
    if (cec) co_return Status(Code::kUnavailable, "webhook connect: " + cec.message());
    co_return co_await exchange(stream, req);
  }
  beast::ssl_stream<beast::tcp_stream> stream(ex, tls);
  SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
  stream.set_verify_callback(asio::ssl::host_name_verification(host));
  beast::get_lowest_layer(stream).expires_after(std::chrono::milliseconds(timeout_ms));
  auto [cec, ep] = co_await beast::get_lowest_layer(stream).async_connect(results, use_nothrow);
  if (cec) co_return Status(Code::kUnavailable, "webhook connect: " + cec.message());
  auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, use_nothrow);
  if (hec) co_return Status(Code::kUnavailable, "webhook TLS: " + hec.message());
  co_return co_await exchange(stream, req);
}

}  // namespace

WebhookCodeSender::WebhookCodeSender(std::string url, int timeout_ms)
    : url_(std::move(url)),
      timeout_ms_(timeout_ms),
      tls_(asio::ssl::context::tls_client),
      guard_(asio::make_work_guard(ioc_)) {
  tls_.set_default_verify_paths();
  tls_.set_verify_mode(asio::ssl::verify_peer);
  thread_ = std::thread([this] {
    set_thread_name("webhook");
    ioc_.run();
  });
}

WebhookCodeSender::~WebhookCodeSender() {
  guard_.reset();
  ioc_.stop();
  thread_.join();
}

void WebhookCodeSender::send(const std::string& phone, const std::string& code, std::function<void(Status)> done) {
  std::string body = boost::json::serialize(boost::json::object{{"phone", phone}, {"code", code}, {"purpose", "sign-in"}});
  asio::co_spawn(ioc_, post(url_, std::move(body), timeout_ms_, tls_),
                 [done = std::move(done)](std::exception_ptr e, Status st) {
                   if (e) return done(Status(Code::kUnavailable, "webhook failed"));
                   done(st);
                 });
}

}  // namespace parley::net
