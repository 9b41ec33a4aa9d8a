// Latency samples and percentiles for parley-bench.
#pragma once

#include <cstdint>
#include <vector>

namespace parley::bench {

class Latencies {
 public:
  void add(double ms) { samples_.push_back(ms); }
  // p in [0, 100]; 0 when there are no samples. Sorts in place.
  double percentile(double p);
  std::size_t count() const { return samples_.size(); }
  const std::vector<double>& samples() const { return samples_; }

 private:
  std::vector<double> samples_;
  bool sorted_ = false;
};

}  // namespace parley::bench
