// The WebSocket transport of one connection (RFC 6455, server side, no extensions), on one
// io thread. Reading: when the socket is readable, everything readable is read into the
// thread's shared buffer and every complete frame is handled before the next wait; only a
// partial frame is kept per connection. Writing: frames are encoded straight into the
// connection's output buffer and the thread writes each connection's output once per
// round (IoThread::cork), in one write, instead of one write per frame. Beast parses the
// upgrade request (net/server.cc); the frames are ours: a server frame is a 2-10 byte
// header and an unmasked payload, and owning the write path is what lets it be corked.
// Subclasses get complete messages and lifecycle events on the same thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "net/io_thread.h"

namespace parley::net {

class WsConnection : public Corked, public std::enable_shared_from_this<WsConnection> {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;

  WsConnection(boost::asio::ip::tcp::socket socket, IoThread& io, std::size_t max_message_bytes);
  ~WsConnection() override;

  // Answers the upgrade request (101, or 400 and false for a bad one) and starts reading.
  // `early` holds bytes read past the request.
  bool accept(const Request& request, std::string_view early);

  // Queue a frame; written at the end of the round. Ignored once closing.
  void send_text(std::string_view payload);
  // One frame whose payload is these pieces, in order (no copy in between).
  void send_text(const std::array<std::string_view, 3>& pieces);
  void send_ping();
  // Flush what is queued, then a close frame; stop delivering messages.
  void close(int code, std::string_view reason);
  // Cut the connection now (slow consumer, shutdown timeout).
  void abort();

  std::size_t queued_bytes() const { return out_.size() - out_head_; }
  // The same, readable from any thread (as last reported by on_queued).
  std::size_t queued_reported() const { return reported_.load(std::memory_order_relaxed); }
  bool closing() const { return state_ != State::kOpen; }
  bool gone() const { return state_ == State::kGone; }
  std::chrono::steady_clock::time_point last_read() const { return last_read_; }
  const std::string& remote() const { return remote_; }
  IoThread& io() { return io_; }

  void uncork() override;

 protected:
  // A complete text or binary message. May send, close or abort.
  virtual void on_message(std::string_view payload, bool text) = 0;
  // A message over the size limit arrived; the connection stays open unless closed here.
  virtual void on_too_big() = 0;
  // Output fell to a quarter of `low_water_mark` or less after being above it.
  virtual void on_drained() {}
  // The peer sent a close frame: no more messages come. Call `reply` (on this thread) to
  // answer it; the connection ends once the answer is written. Default: answer at once.
  virtual void on_peer_close(std::function<void()> reply) { reply(); }
  // Once, when the connection is gone (peer closed, error, abort). No more sends.
  virtual void on_closed() = 0;
  // The bytes waiting to be written grew (delta > 0) or shrank. For a node-wide budget: told
  // after each write and while the socket is not writable, not per frame.
  virtual void on_queued(std::int64_t /*delta*/) {}

  // Stop reading: frames not yet handled wait, unread, until resume_reading() (what the
  // peer sends meanwhile stays in the socket: TCP's flow control holds the rest).
  void pause_reading() { paused_ = true; }
  void resume_reading();

  // The queue size under which on_drained fires (set by the subclass).
  std::size_t low_water_mark_ = 0;

 private:
  enum class State { kOpen, kClosing, kGone };

  void arm_read();
  void on_readable();
  // Handles every complete frame in [data, data+n); returns the bytes consumed, or
  // npos when the connection failed.
  std::size_t parse(char* data, std::size_t n);
  bool handle_frame(int opcode, bool fin, char* payload, std::size_t len);
  void append_frame(int opcode, std::string_view payload) { append_frame(opcode, {payload, {}, {}}); }
  void append_frame(int opcode, const std::array<std::string_view, 3>& payload);
  void write_some();
  void deliver_partial();  // after resume_reading(): the frames that waited, then reading again
  void finish();

  boost::asio::ip::tcp::socket socket_;
  IoThread& io_;
  const std::size_t max_message_;
  State state_ = State::kOpen;
  bool corked_ = false;
  bool waiting_write_ = false;
  bool was_high_ = false;
  bool close_sent_ = false;
  bool peer_closed_ = false;
  bool paused_ = false;
  std::string out_;            // encoded frames; out_[out_head_..] not yet written
  std::size_t out_head_ = 0;
  std::string partial_;        // an incomplete frame from the last read
  std::string message_;        // a fragmented message being assembled
  int message_opcode_ = 0;
  std::atomic<std::size_t> reported_{0};  // queued_bytes() as last passed to on_queued
  void report_queue();     // its first frame's opcode (0: none in progress)
  std::chrono::steady_clock::time_point last_read_;
  std::string remote_;
};

}  // namespace parley::net
