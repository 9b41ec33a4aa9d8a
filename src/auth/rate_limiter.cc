#include "auth/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace parley::auth {

RateLimiter::RateLimiter(const Clock& clock, double capacity, TimeMs period_ms, std::size_t max_keys)
    : clock_(clock), capacity_(capacity), per_ms_(capacity / static_cast<double>(period_ms)), max_keys_(max_keys) {}

TimeMs RateLimiter::take(const std::string& key) {
  TimeMs now = clock_.now_ms();
  std::lock_guard lk(mu_);
  if (buckets_.size() >= max_keys_) prune(now);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{capacity_, now});
  Bucket& b = it->second;
  b.tokens = std::min(capacity_, b.tokens + static_cast<double>(now - b.at) * per_ms_);
  b.at = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return static_cast<TimeMs>(std::ceil((1.0 - b.tokens) / per_ms_));
}

void RateLimiter::prune(TimeMs now) {
  std::erase_if(buckets_, [&](const auto& kv) {
    return kv.second.tokens + static_cast<double>(now - kv.second.at) * per_ms_ >= capacity_;
  });
  // Still full of active keys: evict the half that is closest to full (least limited), so
  // the keys being held back (a flood's) keep their state instead of starting afresh.
  if (buckets_.size() >= max_keys_) {
    std::vector<std::pair<double, std::string>> by_tokens;
    by_tokens.reserve(buckets_.size());
    for (const auto& [k, b] : buckets_) by_tokens.emplace_back(b.tokens + static_cast<double>(now - b.at) * per_ms_, k);
    auto half = by_tokens.begin() + static_cast<std::ptrdiff_t>(by_tokens.size() / 2);
    std::nth_element(by_tokens.begin(), half, by_tokens.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (auto it = by_tokens.begin(); it != half; ++it) buckets_.erase(it->second);
  }
}

TimeMs TokenBucket::take(TimeMs now) {
  if (at_ == 0) at_ = now;
  tokens_ = std::min(burst_, tokens_ + static_cast<double>(now - at_) * rate_per_ms_);
  at_ = now;
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return 0;
  }
  return static_cast<TimeMs>(std::ceil((1.0 - tokens_) / rate_per_ms_));
}

}  // namespace parley::auth
