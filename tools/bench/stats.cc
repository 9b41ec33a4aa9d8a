#include "bench/stats.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace parley::bench {

double Latencies::percentile(double p) {
  if (samples_.empty()) return 0;
  if (!sorted_) {
    std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
  }
  auto idx = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples_.size())));
  idx = std::clamp<std::size_t>(idx, 1, samples_.size()) - 1;
  return samples_[idx];
}

bool IdBits::mark(std::int64_t n) {
  if (n < 0) return false;
  auto w = static_cast<std::size_t>(n >> 6);
  if (w >= words_.size()) words_.resize(std::max(w + 1, words_.size() * 2), 0);
  std::uint64_t bit = std::uint64_t{1} << (n & 63);
  if (words_[w] & bit) return false;
  words_[w] |= bit;
  return true;
}

bool IdBits::has(std::int64_t n) const {
  if (n < 0) return false;
  auto w = static_cast<std::size_t>(n >> 6);
  return w < words_.size() && (words_[w] & (std::uint64_t{1} << (n & 63)));
}

std::int64_t IdBits::count() const {
  std::int64_t n = 0;
  for (auto w : words_) n += std::popcount(w);
  return n;
}

std::int64_t IdBits::count_missing_from(const IdBits& other) const {
  std::int64_t missing = 0;
  for (std::size_t w = 0; w < words_.size(); ++w) {
    std::uint64_t theirs = w < other.words_.size() ? other.words_[w] : 0;
    missing += std::popcount(words_[w] & ~theirs);
  }
  return missing;
}

bool Stream::receive(std::int64_t n, std::int64_t seq) {
  if (!received.mark(n)) {
    ++duplicates;
    return false;
  }
  if (seq < highest_seq) ++out_of_order;
  highest_seq = std::max(highest_seq, seq);
  ++delivered;
  return true;
}

}  // namespace parley::bench
