// The push gateway the push scenarios point parleyd's `webhook` provider at: an HTTP/1.1
// keep-alive server on 127.0.0.1 with one epoll thread of its own, cheap enough that the
// server's push workers, not the sink, set the pace. Healthy, it answers every request
// 200 `{}` (at once, or `answer_delay_ms` later: a slow gateway) and records what the
// body's "parley" object says (chat, seq, count); stalled, it accepts and reads requests
// but never answers, so each push worker waits its whole `push.timeout_ms`. It does not
// check signatures (tests/integration does).
//
// Threads: start(), stop() and the readers on the scenario's main thread; the counters may
// be read while it runs, notes through notes_since() at any time.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace parley::bench {

class PushSink {
 public:
  enum class Mode { kHealthy, kStalled };

  // One notification the sink answered: its chat, the last message it covers and how many
  // it covers, and when its request was complete (now_us).
  struct Note {
    std::int64_t chat = 0, seq = 0, count = 0, at_us = 0;
  };

  explicit PushSink(Mode mode, int answer_delay_ms = 0);
  ~PushSink();
  PushSink(const PushSink&) = delete;
  PushSink& operator=(const PushSink&) = delete;

  // Listens on 127.0.0.1 (a free port) and starts the thread; throws if it cannot listen.
  void start();
  // Closes every connection (stalled requests fail at once on the server's side, so a
  // parleyd stopping next does not wait for its push timeouts) and joins the thread.
  void stop();

  int port() const { return port_; }
  // What parleyd's push.webhook_url is set to.
  std::string url() const;

  // Requests whose body arrived whole (answered or, stalled, not).
  std::int64_t requests() const { return requests_.load(std::memory_order_relaxed); }
  // Requests answered 200 (healthy only).
  std::int64_t answered() const { return answered_.load(std::memory_order_relaxed); }
  // Requests whose body had no readable "parley" object (0 in a sound run).
  std::int64_t unreadable() const { return unreadable_.load(std::memory_order_relaxed); }
  std::int64_t connections() const { return connections_.load(std::memory_order_relaxed); }
  // Stalled: requests that came for a chat while another request for the same chat (so
  // the same job: one target per recipient here) was still open on another connection.
  std::int64_t same_chat_in_flight() const { return same_chat_in_flight_.load(std::memory_order_relaxed); }
  // CPU seconds the sink's thread used since start().
  double cpu_seconds() const;

  // Notes from index `from` on, copied (the main thread's view while the sink runs).
  std::vector<Note> notes_since(std::size_t from) const;

 private:
  struct Conn;
  void run();
  // Reads what arrived and handles every whole request; false: the connection is done.
  bool on_readable(Conn& c);
  bool on_writable(Conn& c);
  // Answers (healthy) and records one request's body; false: the answer could not be sent.
  bool handle(Conn& c, std::string_view body);
  bool answer(Conn& c);  // 200 {}; false: the connection failed

  const Mode mode_;
  const std::int64_t delay_us_;
  struct Due {
    std::int64_t at_us;
    int fd;
    std::uint64_t serial;  // the connection that asked (fds are reused)
  };
  std::vector<Due> due_;  // delayed answers in order (one delay for all); the thread's
  std::size_t due_at_ = 0;
  std::uint64_t next_serial_ = 0;
  int listen_fd_ = -1, epoll_ = -1, wake_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> requests_{0}, answered_{0}, unreadable_{0}, connections_{0};
  std::atomic<std::int64_t> same_chat_in_flight_{0};
  std::atomic<std::int64_t> cpu_ns_at_exit_{-1};  // the thread's CPU, once it ended
  std::unordered_map<std::int64_t, int> open_per_chat_;  // stalled: open requests per chat; the thread's
  mutable std::mutex mu_;  // guards notes_
  std::vector<Note> notes_;
  std::vector<char> read_buf_;
  std::thread thread_;
};

}  // namespace parley::bench
