#include "bench/lean_loops.h"

#include <stdexcept>

namespace parley::bench {

lean::ConnOptions lean_options(const Targets& t, const BenchUser& u, std::size_t i, const Common& c, lean::Handler* h) {
  lean::ConnOptions co;
  const auto& ep = t.nodes[i % t.size()].endpoint();
  co.host = ep.host;
  co.port = ep.port;
  co.bind_address = source_address(i);
  co.token = u.token;
  co.delivered_receipts = !c.no_receipts;
  co.handler = h;
  return co;
}

std::int64_t sum(const LeanLoops& loops, const std::function<std::int64_t(const lean::Loop&)>& get) {
  std::int64_t s = 0;
  for (const auto& l : loops) s += get(*l);
  return s;
}

void await_signed_in(const LeanLoops& loops, std::int64_t expected, int timeout_s, const std::string& what) {
  auto ready = [](const lean::Loop& l) { return l.ready(); };
  auto failed = [](const lean::Loop& l) { return l.failed(); };
  if (!wait_until([&] { return sum(loops, ready) + sum(loops, failed) >= expected; }, timeout_s) ||
      sum(loops, failed) > 0)
    throw std::runtime_error(std::to_string(sum(loops, ready)) + " of " + std::to_string(expected) + " " + what +
                             " signed in and synced within " + std::to_string(timeout_s) + " s");
}

}  // namespace parley::bench
