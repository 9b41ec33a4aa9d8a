// The clock and the random source are injected so tests control time and randomness.
// Implementations are thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/time.h"

namespace parley {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock milliseconds since the Unix epoch.
  virtual TimeMs now_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimeMs now_ms() const override;
};

// Wraps another clock and adds an adjustable offset. parleyd uses it when
// [testing] clock_control is on, so black-box tests can move time forward.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(const Clock& base) : base_(base) {}
  TimeMs now_ms() const override { return base_.now_ms() + offset_.load(); }
  void advance(TimeMs ms) { offset_ += ms; }

 private:
  const Clock& base_;
  std::atomic<TimeMs> offset_{0};
};

// A clock for unit tests: time moves only when told.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimeMs start = 1'700'000'000'000) : now_(start) {}
  TimeMs now_ms() const override { return now_.load(); }
  void advance(TimeMs ms) { now_ += ms; }

 private:
  std::atomic<TimeMs> now_;
};

class Random {
 public:
  virtual ~Random() = default;
  // Fills buf with cryptographically strong random bytes.
  virtual void fill(void* buf, std::size_t n) = 0;

  std::uint64_t next_u64();
  // n random bytes encoded as unpadded base64url.
  std::string token(std::size_t n);
  // `chars` characters from [0-9A-Za-z], uniformly distributed: for codes
  // people paste into links and command lines (never starts with '-').
  std::string alphanumeric(int chars);
  // A string of `digits` decimal digits, uniformly distributed.
  std::string digits(int digits);
};

// OpenSSL's CSPRNG.
class SystemRandom final : public Random {
 public:
  void fill(void* buf, std::size_t n) override;
};

}  // namespace parley
