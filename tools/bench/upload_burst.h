// A burst of uploads beside the one-to-one traffic (issue 16: uploads must not slow
// messages down): K threads, each its own user on its own HTTP connection, uploading in
// turn a file of random bytes and a synthetic photo, in a loop from start() to stop().
// start(), stop() and the figures: from the scenario's main thread.
#pragma once

#include <atomic>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "bench/common.h"
#include "bench/stats.h"

namespace parley::bench {

class UploadBurst {
 public:
  // Makes the payloads now (before any measured window): a `file_mb` MiB file per thread
  // and one `megapixels` photo. Thread k uploads to node k % nodes as users[k].
  UploadBurst(const Targets& t, std::vector<BenchUser> users, int file_mb, double megapixels);
  ~UploadBurst() { stop(); }

  void start();
  // No upload begins after this; returns once those in flight are answered.
  void stop();

  std::int64_t uploads() const { return uploads_; }
  std::int64_t errors() const { return errors_; }
  double mib() const { return static_cast<double>(bytes_) / (1 << 20); }
  const std::string& first_error() const { return first_error_; }  // after stop()

 private:
  void run(int k);

  const Targets& targets_;
  std::vector<BenchUser> users_;
  std::string pattern_, jpeg_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::int64_t> uploads_{0}, errors_{0}, bytes_{0};
  std::vector<std::string> errors_seen_;  // one per thread, each written by its thread
  std::string first_error_;
  std::vector<std::jthread> threads_;
};

// Message latencies split by when each message was sent: inside one of the burst windows
// [from_us, to_us) or outside them (calm).
struct BurstSplit {
  std::vector<std::pair<std::int64_t, std::int64_t>> windows;  // in order
  Latencies burst, calm;
  void add(std::int64_t sent_us, double ms) {
    for (auto [from, to] : windows)
      if (sent_us >= from && sent_us < to) return burst.add(ms);
    calm.add(ms);
  }
};

// The burst's keys (bench/README.md): its window, its uploads, calm_* and burst_* latency
// percentiles with the rise of p99, and the server's CPU in and out of the burst (the
// `_cpu_s` figures: server CPU seconds over the burst and over the whole window).
void report_burst(boost::json::object& r, const Targets& t, const UploadBurst& b, BurstSplit& s, std::int64_t start_us,
                  std::int64_t end_us, double burst_cpu_s, double total_cpu_s);

}  // namespace parley::bench
