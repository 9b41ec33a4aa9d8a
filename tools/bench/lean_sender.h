// One sender on the lean load path, on its loop's thread: flat out with at most `window`
// unacked messages, or one due every interval_us (the loop's ticker calls tick()). Sends
// the server refused for now (rate_limited, unavailable) go again after retry_after_ms
// (their latency then counts from the resend). Message n's client id ends in "-<n>".
// With `limit` set it sends messages 0 .. limit-1 only.
#pragma once

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdint>
#include <vector>

#include "bench/common.h"
#include "bench/lean_frame.h"
#include "bench/stats.h"

namespace parley::bench {

class LeanSender {
 public:
  virtual ~LeanSender() = default;

  int window = 64;
  std::int64_t interval_us = 0;  // > 0: paced
  std::int64_t limit = 0;        // > 0: at most this many messages in all
  IdBits acked_ids;              // loop thread; read after the loop stopped
  // Read by the main thread while the loop runs.
  std::atomic<std::int64_t> sent{0}, acked{0}, refused{0};

  void begin(std::int64_t first_at) {
    sending_ = true;
    next_at_ = first_at;
    pump();
  }
  void end() { sending_ = false; }
  bool answered() const { return acked + refused >= sent; }

  // Paced sends and retries that are due at `now`; returns when the next one is.
  std::int64_t tick(std::int64_t now) {
    std::int64_t due = LLONG_MAX;
    if (sending_ && interval_us > 0) {
      for (int k = 0; k < 1000 && now >= next_at_; ++k) {  // catch up after a stall, boundedly
        if (inflight_ < window && more()) send_next(now);
        next_at_ += interval_us;
      }
      due = next_at_;
    }
    for (std::size_t i = 0; i < retries_.size();) {
      if (retries_[i].due_us <= now) {
        send(retries_[i].n, retries_[i].sent_us);
        retries_[i] = retries_.back();
        retries_.pop_back();
      } else {
        due = std::min(due, retries_[i++].due_us);
      }
    }
    return due;
  }

  // An `ack` or `error` for one of this sender's messages; false for any other frame.
  bool on_answer(const lean::Frame& f) {
    if (f.type == "ack") {
      if (acked_ids.mark(lean::number_after(f.id, '-'))) {
        acked.fetch_add(1, std::memory_order_relaxed);
        --inflight_;
        pump();
      }
      return true;
    }
    if (f.type != "error" || f.id.empty()) return false;
    const std::int64_t n = lean::number_after(f.id, '-');
    if (f.code == "rate_limited" || f.code == "unavailable") {
      const std::int64_t now = now_us();
      retries_.push_back({now + std::max<std::int64_t>(f.retry_after_ms, 10) * 1000, n, now});
    } else {
      refused.fetch_add(1, std::memory_order_relaxed);
      --inflight_;
      pump();
    }
    return true;
  }

 protected:
  // Writes message n (its text carries sent_us).
  virtual void send(std::int64_t n, std::int64_t sent_us) = 0;

 private:
  struct Retry {
    std::int64_t due_us, n, sent_us;
  };
  void send_next(std::int64_t now) {
    ++inflight_;
    sent.fetch_add(1, std::memory_order_relaxed);
    send(next_n_++, now);
  }
  void pump() {
    if (interval_us > 0) return;
    const std::int64_t now = now_us();
    while (sending_ && inflight_ < window && more()) send_next(now);
  }
  bool more() const { return limit <= 0 || next_n_ < limit; }

  bool sending_ = false;
  int inflight_ = 0;
  std::int64_t next_at_ = 0, next_n_ = 0;
  std::vector<Retry> retries_;
};

}  // namespace parley::bench
