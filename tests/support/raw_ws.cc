#include "support/raw_ws.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

namespace parley::testing {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

RawWs::RawWs(unsigned short port, const std::string& bearer) : ws_(ioc_) {
  boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), port);
  beast::get_lowest_layer(ws_).connect(ep);
  if (!bearer.empty())
    ws_.set_option(websocket::stream_base::decorator(
        [bearer](websocket::request_type& req) { req.set(beast::http::field::authorization, "Bearer " + bearer); }));
  ws_.read_message_max(64 << 20);
  ws_.handshake("127.0.0.1", "/v1/ws");
}

void RawWs::send(const std::string& text) {
  ws_.text(true);
  ws_.write(boost::asio::buffer(text));
}

void RawWs::send_binary(const std::string& data) {
  ws_.binary(true);
  ws_.write(boost::asio::buffer(data));
  ws_.text(true);
}

std::optional<boost::json::value> RawWs::recv(int timeout_ms) {
  if (!backlog_.empty()) {
    auto v = std::move(backlog_.front());
    backlog_.pop_front();
    return v;
  }
  if (closed_) return std::nullopt;
  beast::flat_buffer buf;
  beast::error_code result = boost::asio::error::timed_out;
  bool done = false;
  ws_.async_read(buf, [&](beast::error_code ec, std::size_t) {
    result = ec;
    done = true;
  });
  ioc_.restart();
  ioc_.run_for(std::chrono::milliseconds(timeout_ms));
  if (!done) {
    // Timed out: tear down the pending read so the stream stays consistent.
    beast::get_lowest_layer(ws_).cancel();
    ioc_.restart();
    ioc_.run();
    closed_ = true;
    return std::nullopt;
  }
  if (result) {
    closed_ = true;
    close_code_ = ws_.reason().code;
    return std::nullopt;
  }
  boost::json::error_code ec;
  auto v = boost::json::parse(beast::buffers_to_string(buf.data()), ec);
  if (ec) return boost::json::value(beast::buffers_to_string(buf.data()));
  return v;
}

std::optional<boost::json::value> RawWs::recv_type(const std::string& type, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return std::nullopt;
    auto v = recv(static_cast<int>(left));
    if (!v) return std::nullopt;
    if (v->is_object() && v->as_object().contains("type") && v->at("type") == type.c_str()) return v;
  }
}

int RawWs::wait_closed(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!closed_) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return 0;
    recv(static_cast<int>(left));
  }
  return close_code_;
}

}  // namespace parley::testing
