// Process-wide counters an operator would page on, rendered in Prometheus text format
// at /metrics. Owned by app/ and passed to whoever counts; increments are relaxed atomics.
#pragma once

#include <atomic>
#include <cstdint>
#include <fmt/format.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley {

// Prometheus text format, one metric at a time: the one place its lines are written, for
// the counters below and for values owned elsewhere (the store, the bus, the io threads).
class PromText {
 public:
  template <class V>
  PromText& counter(std::string_view name, std::string_view help, V value) {
    return add(name, "counter", help, {}, {{std::string(), fmt::format("{}", value)}});
  }
  template <class V>
  PromText& gauge(std::string_view name, std::string_view help, V value) {
    return add(name, "gauge", help, {}, {{std::string(), fmt::format("{}", value)}});
  }
  // One sample per value of `label`: name{label="value"} sample.
  PromText& add(std::string_view name, std::string_view type, std::string_view help, std::string_view label,
                const std::vector<std::pair<std::string, std::string>>& samples);
  PromText& raw(const std::string& text) {  // rendered elsewhere (histograms)
    out_ += text;
    return *this;
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

struct Metrics {
  using Counter = std::atomic<std::uint64_t>;
  using Gauge = std::atomic<std::int64_t>;

  Gauge connections_open{0};
  Counter connections_total{0};
  Counter messages_sent{0};        // committed (acked) messages
  Counter messages_duplicate{0};   // resends answered with the original ack
  Counter updates_pushed{0};       // update frames written to devices (live and sync)
  Counter protocol_errors{0};      // error frames sent for bad client frames
  Counter rate_limited{0};
  Counter slow_consumers{0};       // connections cut off for not reading
  Counter auth_failures{0};
  Counter http_requests{0};
  Counter store_errors{0};
  Counter presence_heartbeats{0};     // heartbeat and active frames
  Counter presence_notifications{0};  // presence views sent to watching devices
  Counter typing_events{0};           // typing start/stop announced

  // Extra lines from other owners (the store's writer statistics).
  std::function<std::string()> extra;

  std::string render() const;
};

}  // namespace parley
