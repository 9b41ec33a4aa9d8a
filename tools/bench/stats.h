// What parley-bench measures about delivery: latency samples and percentiles, and the
// identity checks (which numbered messages were acked, received, twice, out of order).
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

// A set of message numbers 0, 1, 2, ... (a bitmap that grows as needed).
class IdBits {
 public:
  // Adds n (n >= 0); false if it was already there.
  bool mark(std::int64_t n);
  bool has(std::int64_t n) const;
  std::int64_t count() const;
  // Numbers in this set that are not in `other`.
  std::int64_t count_missing_from(const IdBits& other) const;

 private:
  std::vector<std::uint64_t> words_;
};

// One stream of numbered messages from one sender as one receiver sees it: what the sender
// had acked, what arrived, what arrived twice, and what arrived after a message that comes
// later in the chat's order (a higher seq).
// Not thread-safe: the sender's side (ack) and the receiver's side run on one thread, or
// the result is read after both stopped.
struct Stream {
  IdBits acked, received;
  std::int64_t delivered = 0, duplicates = 0, out_of_order = 0, highest_seq = 0;

  // Message n arrived with this seq; false if it is a duplicate (n already received).
  bool receive(std::int64_t n, std::int64_t seq);
  // Acked by the server but never received.
  std::int64_t lost() const { return acked.count_missing_from(received); }
};

}  // namespace parley::bench
