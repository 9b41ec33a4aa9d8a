// Waiting at start for a dependency that may come up after parleyd (PostgreSQL, NATS):
// try every `retry_every`; while it fails, say so in the log at once and then every 5 s;
// stop waiting as soon as `stop_requested` says so (checked every 100 ms).
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

namespace parley {

// `attempt` returns an empty string once the dependency is there, else why it is not.
// `what` names it in the log ("store: waiting for postgres at host:5432"). Returns false
// when stopped before it came up.
inline bool wait_for(const std::string& what, const std::function<std::string()>& attempt,
                     const std::function<bool()>& stop_requested,
                     std::chrono::milliseconds retry_every = std::chrono::milliseconds(100)) {
  using clock = std::chrono::steady_clock;
  auto next_log = clock::now();
  for (;;) {
    std::string why = attempt();
    if (why.empty()) return true;
    if (clock::now() >= next_log) {
      spdlog::warn("{}: {}", what, why);
      next_log = clock::now() + std::chrono::seconds(5);
    }
    for (auto until = clock::now() + retry_every; clock::now() < until;) {
      if (stop_requested()) return false;
      std::this_thread::sleep_for(std::min<clock::duration>(std::chrono::milliseconds(100), until - clock::now()));
    }
  }
}

}  // namespace parley
