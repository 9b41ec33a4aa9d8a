// A blocking WebSocket client that sends and receives raw text frames, for protocol tests
// that must send what a well-behaved client never would.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/value.hpp>
#include <deque>
#include <optional>
#include <string>

namespace parley::testing {

class RawWs {
 public:
  // Connects to /v1/ws; with a token, sends it as the Authorization header.
  RawWs(unsigned short port, const std::string& bearer = {});

  void send(const std::string& text);
  void send_binary(const std::string& data);
  // Next text frame as JSON; nullopt on timeout or when the connection closed.
  std::optional<boost::json::value> recv(int timeout_ms = 5000);
  // Puts a frame back: the next recv returns it (frames put back come first, in order).
  void put_back(boost::json::value frame) { backlog_.push_back(std::move(frame)); }
  // Next frame whose "type" equals `type`, skipping others; nullopt on timeout/close.
  std::optional<boost::json::value> recv_type(const std::string& type, int timeout_ms = 5000);
  // Waits for the server to close; returns the close code (0 on timeout or no code).
  int wait_closed(int timeout_ms = 5000);
  bool closed() const { return closed_; }

 private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  bool closed_ = false;
  int close_code_ = 0;
  std::deque<boost::json::value> backlog_;
};

}  // namespace parley::testing
