// One sender's pacing on a client-library io thread: flat out with at most `window`
// unacked, or one every interval_ms (a timer per sender). Lives on one io thread like its
// connection.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

namespace parley::bench {

struct Paced {
  virtual ~Paced() = default;
  virtual void send_next() = 0;  // sends one message
  std::unique_ptr<boost::asio::steady_timer> timer;  // set: paced by tick()
  double interval_ms = 0;
  int window = 64;
  bool sending = false;
  int inflight = 0;

  void send_one() {
    inflight++;
    send_next();
  }
  void pump() {
    if (timer) return;
    while (sending && inflight < window) send_one();
  }
  void tick(double next_at) {
    if (!sending) return;
    if (inflight < window) send_one();
    next_at += interval_ms;
    timer->expires_at(std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double, std::milli>(next_at))));
    timer->async_wait([this, next_at](boost::system::error_code ec) {
      if (!ec) tick(next_at);
    });
  }
  void acked() {
    inflight--;
    pump();
  }
  void begin(double first_at) {
    sending = true;
    if (timer) tick(first_at);
    else pump();
  }
  void end() {
    sending = false;
    if (timer) timer->cancel();
  }
};

}  // namespace parley::bench
