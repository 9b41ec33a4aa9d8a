#include "bench/push_load.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "parley/push.h"

namespace parley::bench {

PushSink::Mode push_mode(const std::string& name) {
  if (name == "healthy") return PushSink::Mode::kHealthy;
  if (name == "stalled") return PushSink::Mode::kStalled;
  throw std::runtime_error("--push is healthy or stalled, not '" + name + "'");
}

Common with_webhook(const Common& c, const PushSink& sink, const std::vector<std::string>& more_sets) {
  Common out = c;
  std::vector<std::string> sets = {"push.webhook=true", "push.webhook_url=" + sink.url(),
                                   "push.webhook_secret=parley-bench-webhook-secret", "push.log=false"};
  sets.insert(sets.end(), more_sets.begin(), more_sets.end());
  out.sets.insert(out.sets.begin(), sets.begin(), sets.end());
  return out;
}

std::int64_t overlapping_notifications(const std::vector<PushSink::Note>& notes) {
  std::unordered_map<std::int64_t, std::int64_t> highest;  // chat -> highest seq notified
  std::int64_t overlapping = 0;
  for (const auto& n : notes) {
    auto& h = highest[n.chat];
    if (n.seq - n.count < h) ++overlapping;
    h = std::max(h, n.seq);
  }
  return overlapping;
}

std::int64_t chats_notified(const std::vector<PushSink::Note>& notes) {
  std::unordered_set<std::int64_t> chats;
  for (const auto& n : notes) chats.insert(n.chat);
  return static_cast<std::int64_t>(chats.size());
}

PushCounters PushCounters::read(const Targets& t) {
  PushCounters c;
  c.queued = scrape_metric(t, "parley_push_queued_total");
  c.overflow = scrape_metric(t, "parley_push_overflow_total");
  c.sent = scrape_metric(t, "parley_push_sent_total");
  c.retried = scrape_metric(t, "parley_push_retried_total");
  c.dropped = scrape_metric(t, "parley_push_dropped_total");
  return c;
}

void PushCounters::report_since(boost::json::object& r, const PushCounters& before) const {
  auto put = [&r](const char* key, double now, double then) {
    if (now >= 0 && then >= 0) r[key] = static_cast<std::int64_t>(now - then);
  };
  put("server_push_queued", queued, before.queued);
  put("server_push_overflow", overflow, before.overflow);
  put("server_push_sent", sent, before.sent);
  put("server_push_retried", retried, before.retried);
  put("server_push_dropped", dropped, before.dropped);
}

void register_webhook_targets(const Targets& t, const std::vector<BenchUser>& users) {
  constexpr std::size_t kThreads = 8;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::string first_error;  // written once, by the thread that set `failed`
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < std::min(kThreads, users.size()); ++k)
    threads.emplace_back([&] {
      for (std::size_t i; !failed && (i = next++) < users.size();) {
        const auto& u = users[i];
        auto r = client::register_push(t.nodes[i % t.size()].endpoint(), u.token, "webhook",
                                       "bench-" + std::to_string(u.user));
        if (!r.ok() && !failed.exchange(true))
          first_error = "registering a webhook target failed: " + std::to_string(r.http.status) + " " + r.http.error;
      }
    });
  for (auto& th : threads) th.join();
  if (failed) throw std::runtime_error(first_error);
}

}  // namespace parley::bench
