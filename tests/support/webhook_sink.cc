#include "support/webhook_sink.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace parley::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

namespace {
asio::io_context& sink_ioc() {
  static asio::io_context ioc;
  return ioc;
}
}  // namespace


WebhookSink::WebhookSink() {
  auto* acc = new tcp::acceptor(sink_ioc(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  port_ = acc->local_endpoint().port();
  thread_ = std::thread([this, acc] {
    std::unique_ptr<tcp::acceptor> owner(acc);
    while (!stop_) {
      boost::system::error_code ec;
      tcp::socket sock(sink_ioc());
      owner->accept(sock, ec);
      if (ec || stop_) break;
      boost::beast::flat_buffer buf;
      http::request<http::string_body> req;
      http::read(sock, buf, req, ec);
      if (ec) continue;
      requests_++;
      boost::json::error_code jec;
      auto v = boost::json::parse(req.body(), jec);
      if (!jec && v.is_object() && v.as_object().contains("phone") && v.as_object().contains("code")) {
        std::lock_guard lk(mu_);
        codes_[std::string(v.at("phone").as_string())] = std::string(v.at("code").as_string());
      }
      cv_.notify_all();
      http::response<http::string_body> res{http::status::ok, 11};
      res.body() = "{}";
      res.prepare_payload();
      http::write(sock, res, ec);
    }
  });
}

WebhookSink::~WebhookSink() {
  stop_ = true;
  // Wake the blocking accept with one last connection.
  boost::system::error_code ec;
  tcp::socket s(sink_ioc());
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
  thread_.join();
}

std::string WebhookSink::take_code(const std::string& phone, int timeout_ms) {
  std::unique_lock lk(mu_);
  if (!cv_.wait_for(lk, std::chrono::milliseconds(timeout_ms), [&] { return codes_.count(phone) > 0; })) return {};
  auto code = codes_[phone];
  codes_.erase(phone);
  return code;
}

}  // namespace parley::testing
