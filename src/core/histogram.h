// A Prometheus histogram with fixed upper bounds: observe() from any thread (relaxed
// atomics, no lock), render() a consistent-enough snapshot for /metrics.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include <fmt/format.h>

namespace parley {

template <std::size_t N>
class Histogram {
 public:
  explicit Histogram(const std::array<double, N>& bounds) : bounds_(bounds) {}

  void observe(double v) {
    std::size_t i = 0;
    while (i < N && v > bounds_[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    // The sum in millionths keeps it an integer atomic; good for µs and counts alike.
    sum_micro_.fetch_add(static_cast<std::uint64_t>(v * 1e6), std::memory_order_relaxed);
  }

  // `name` with its HELP text; bucket bounds are printed as given.
  std::string render(const std::string& name, const std::string& help) const {
    std::string out = fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < N; ++i) {
      cumulative += counts_[i].load(std::memory_order_relaxed);
      out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, bounds_[i], cumulative);
    }
    cumulative += counts_[N].load(std::memory_order_relaxed);
    out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n", name, cumulative, name,
                       static_cast<double>(sum_micro_.load(std::memory_order_relaxed)) / 1e6, name, cumulative);
    return out;
  }

 private:
  const std::array<double, N> bounds_;
  std::array<std::atomic<std::uint64_t>, N + 1> counts_{};
  std::atomic<std::uint64_t> sum_micro_{0};
};

// The store writers' histograms: writes per commit; commit latency (seconds, from BEGIN to
// the end of COMMIT, fsync included); how long each batch's oldest write waited in the queue
// (the writer busy or paused); and, SQLite only, how long each WAL restart held the writer.
struct WriterHistograms {
  Histogram<10> batch_size{{1, 2, 4, 8, 16, 32, 64, 128, 512, 4096}};
  Histogram<10> commit_seconds{{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 2}};
  Histogram<10> wait_seconds{{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 2}};
  Histogram<10> wal_restart_seconds{{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 2}};
};

}  // namespace parley
