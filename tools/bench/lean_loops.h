// Setting up the lean load path for a scenario (one-to-one, group, room): the options of
// each connection, the loops started with a ticker that paces their senders, and the wait
// until every connection has signed in and synced. Called from the scenario's main thread.
#pragma once

#include <algorithm>
#include <climits>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bench/common.h"
#include "bench/lean_ws.h"

namespace parley::bench {

using LeanLoops = std::vector<std::unique_ptr<lean::Loop>>;

// Connection i, as user `u`, on node i % nodes from source address i, handled by `h`.
lean::ConnOptions lean_options(const Targets& t, const BenchUser& u, std::size_t i, const Common& c, lean::Handler* h);

// `get` summed over the loops (ready, failed, protocol_errors).
std::int64_t sum(const LeanLoops& loops, const std::function<std::int64_t(const lean::Loop&)>& get);

// Starts loop k with a ticker that ticks senders[k] (LeanSender::tick) and sleeps until
// the first of them is due. `senders` must outlive the loops' threads.
template <class Sender>
void start_paced(LeanLoops& loops, const std::vector<std::vector<Sender*>>& senders) {
  for (std::size_t k = 0; k < loops.size(); ++k) {
    loops[k]->set_ticker([&ps = senders[k]](std::int64_t now) {
      std::int64_t due = LLONG_MAX;
      for (auto* p : ps) due = std::min(due, p->tick(now));
      return due;
    });
    loops[k]->start();
  }
}

// Waits up to timeout_s until `expected` connections are ready or failed; throws
// "<ready> of <expected> <what> signed in and synced within <timeout_s> s" unless every
// one is ready.
void await_signed_in(const LeanLoops& loops, std::int64_t expected, int timeout_s, const std::string& what);

}  // namespace parley::bench
