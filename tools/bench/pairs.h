// What the one-to-one drivers (lean and client library) share: the message format and
// the result of P sender/receiver pairs.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "bench/cpu.h"
#include "bench/scenarios.h"
#include "bench/stats.h"

namespace parley::bench {

// Message n of pair i: client id "b<i>-<n>", text "b:<n>:<send time, µs on the bench clock>".
std::string pair_client_id(int pair, std::int64_t n);
// The send time in a pair message's text; -1 if the text is not one.
std::int64_t pair_sent_us(std::string_view text);

// Summed over the pairs.
struct PairTotals {
  std::int64_t acked = 0, delivered = 0, lost = 0, duplicates = 0, out_of_order = 0;
  std::int64_t in_window = 0;  // delivered within the sending window
  Latencies latency;           // send to receive, ms

  void add(const Stream& s) {
    acked += s.acked.count();
    delivered += s.delivered;
    lost += s.lost();
    duplicates += s.duplicates;
    out_of_order += s.out_of_order;
  }
};

// The scenario's JSON (bench/README.md); `client` names the load path.
boost::json::object pairs_result(const char* scenario, const char* client, const Common& c, const PairsOptions& o,
                                 const Targets& t, PairTotals& totals, const CpuWindow& cpu, long rss_kib,
                                 bool drained);

}  // namespace parley::bench
