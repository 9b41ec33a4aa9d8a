#include "bench/stats.h"

#include <algorithm>
#include <cmath>

namespace parley::bench {

double Latencies::percentile(double p) {
  if (samples_.empty()) return 0;
  if (!sorted_) {
    std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
  }
  auto idx = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples_.size()))) ;
  idx = std::clamp<std::size_t>(idx, 1, samples_.size()) - 1;
  return samples_[idx];
}

}  // namespace parley::bench
