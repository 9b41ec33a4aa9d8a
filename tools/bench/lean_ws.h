// The lean load path: many protocol-v1 device connections on one epoll thread, cheap
// enough that the load generator costs less CPU per message than the server. Each
// connection does what a real client does (docs/protocol.md): WebSocket upgrade, `auth`
// as the first frame, `sync`, de-duplication by pts (rooms: by seq), and batched
// `received` / `delivered` receipts. It does not reconnect (the crash scenarios use the
// client library). Frames are masked into one output buffer per connection and written
// once per loop round ("cork"); server frames are parsed in place (lean_frame.h).
//
// Threads: a Loop and its connections belong to the loop's thread once start() ran;
// Handler calls and Loop::post'ed functions run there. add() only before start().
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "bench/lean_frame.h"

namespace parley::bench::lean {

class Conn;

// The scenario's side of a connection. Called on the loop's thread.
class Handler {
 public:
  virtual ~Handler() = default;
  // Every frame after authentication, updates already de-duplicated (by pts, or by seq for
  // a room's messages), so a frame seen twice here was sent twice under different positions.
  virtual void on_frame(Conn& c, const Frame& f) = 0;
  virtual void on_ready(Conn&) {}  // the first `synced`
  virtual void on_closed(Conn&) {}  // the connection failed or the server closed it
};

struct ConnOptions {
  std::string host = "127.0.0.1", port;  // numeric IPv4 (the bench only talks to 127.0.0.0/8)
  std::string bind_address;              // local source address, empty: any
  std::string token;
  bool delivered_receipts = true;        // send `delivered` for others' messages
  Handler* handler = nullptr;
  int tag = 0;                           // the handler's own name for this connection
};

class Conn {
 public:
  // Queues one text frame (a JSON object), written at the end of this round.
  void send_text(std::string_view json);
  std::int64_t user() const { return user_; }
  bool ready() const { return state_ == State::kReady; }
  int tag() const { return opt_.tag; }

 private:
  friend class Loop;
  enum class State { kIdle, kConnecting, kUpgrading, kAuthenticating, kSyncing, kReady, kClosed };

  ConnOptions opt_;
  class Loop* loop_ = nullptr;
  int fd_ = -1;
  State state_ = State::kIdle;
  std::string out_;  // bytes not yet written
  std::size_t out_at_ = 0;
  bool dirty_ = false, want_write_ = false;
  std::string partial_;  // the start of an incomplete frame (or handshake answer)
  std::int64_t user_ = 0;
  std::int64_t position_ = 0, acked_position_ = 0;  // highest pts seen / reported
  std::vector<std::pair<std::int64_t, std::int64_t>> delivered_;  // chat -> seq to report
  std::vector<std::pair<std::int64_t, std::int64_t>> rooms_;      // room -> highest seq seen
  std::vector<std::pair<std::int64_t, std::int64_t>> rooms_acked_;
  bool acks_pending_ = false, room_acks_pending_ = false;
  bool handshaking_ = false;  // counted in the loop's connecting_
};

class Loop {
 public:
  // At most `max_connecting` handshakes in flight at once (connect storms stay bounded).
  explicit Loop(int max_connecting = 128);
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  Conn& add(ConnOptions o);
  // Called once per round on the loop's thread with the time (now_us); returns when it
  // wants its next call (now_us clock; INT64_MAX: only on events). Paced senders live here.
  void set_ticker(std::function<std::int64_t(std::int64_t)> t) { ticker_ = std::move(t); }
  void start();
  void post(std::function<void()> f);
  // Sends pending receipts and a close frame on every connection, waits up to 300 ms for
  // the server's close, closes the sockets and joins the thread.
  void stop();

  std::size_t size() const { return conns_.size(); }
  int ready() const { return ready_.load(std::memory_order_relaxed); }
  int failed() const { return failed_.load(std::memory_order_relaxed); }
  // Protocol trouble (a frame this client cannot read); 0 in a sound run.
  int protocol_errors() const { return protocol_errors_.load(std::memory_order_relaxed); }

 private:
  friend class Conn;
  void run();
  void start_connect(Conn& c);
  void on_event(Conn& c, std::uint32_t events);
  void on_readable(Conn& c);
  // Consumes complete frames (or the handshake answer) from data; returns bytes used.
  std::size_t consume(Conn& c, const char* data, std::size_t n);
  bool handshake_answer(Conn& c, std::string_view head);
  void on_text(Conn& c, std::string_view text);
  void write_frame(Conn& c, int opcode, std::string_view payload);
  void mark_dirty(Conn& c);
  void flush(Conn& c);
  void flush_acks(Conn& c);
  void flush_room_acks(Conn& c);
  void fail(Conn& c);
  void note_acks(Conn& c);
  std::uint32_t next_mask();

  int epoll_ = -1, wake_ = -1;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::size_t next_to_connect_ = 0;
  int connecting_ = 0;
  const int max_connecting_;
  std::vector<Conn*> dirty_, acks_, room_acks_;
  std::function<std::int64_t(std::int64_t)> ticker_;
  std::mutex posted_mu_;  // guards posted_
  std::vector<std::function<void()>> posted_;
  bool stopping_ = false;
  std::int64_t now_us_ = 0;  // this round's time
  std::int64_t ticker_due_ = 0, ack_flush_at_ = 0, room_flush_at_ = 0, stop_deadline_ = 0;
  int open_ = 0;  // sockets open
  std::atomic<int> ready_{0}, failed_{0}, protocol_errors_{0};
  std::vector<char> read_buf_;
  std::uint64_t rng_ = 0x9e3779b97f4a7c15ULL;
  std::thread thread_;
};

}  // namespace parley::bench::lean
