// presence: N users online (foreground: heartbeating), each watching the next K users.
// Window 1 measures CPU with heartbeats alone; window 2 makes random users go idle and
// active again and measures how long their K watchers take to hear it.
#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
#include <random>
#include <unordered_map>

#include "bench/cpu.h"
#include "bench/report.h"
#include "bench/scenarios.h"
#include "bench/stats.h"

namespace parley::bench {

namespace json = boost::json;

json::object run_presence(const Common& common, const PresenceOptions& o) {
  long fds = raise_fd_limit();
  if (fds < o.users * 2 + 100)
    std::cerr << "bench: warning: open-file limit " << fds << " is low for " << o.users << " connections\n";
  if (o.subscriptions >= o.users) throw std::runtime_error("--subscriptions must be below --users");
  auto target = make_targets(common);
  std::cerr << "bench: creating " << o.users << " users\n";
  auto users = target.make_users(o.users);
  std::vector<std::int64_t> ids;
  for (auto& u : users) ids.push_back(u.user);
  std::unordered_map<std::int64_t, int> index;
  for (int i = 0; i < o.users; ++i) index[ids[i]] = i;

  struct State {
    std::atomic<bool> online{true};
    std::atomic<double> toggled_at{0};
  };
  std::vector<State> state(o.users);
  std::atomic<std::int64_t> initial{0}, notified{0}, stale{0};
  std::atomic<bool> measuring{false};
  std::mutex lat_mu;  // guards lat (presence frames arrive on every io thread)
  Latencies lat;

  Pool pool(common.threads);
  std::vector<std::shared_ptr<client::Connection>> cs;
  for (int i = 0; i < o.users; ++i) {
    client::Handlers h;
    h.on_presence = [&](const client::Presence& p) {
      auto it = index.find(p.user);
      if (it == index.end()) return;
      if (!measuring) {
        initial++;
        return;
      }
      auto& s = state[it->second];
      if (!p.visible || p.online != s.online.load()) {
        stale++;
        return;
      }
      double ms = now_ms() - s.toggled_at.load();
      notified++;
      std::lock_guard lk(lat_mu);
      lat.add(ms);
    };
    auto opts = conn_options(target, users[i], i, common, i);
    opts.foreground = true;
    opts.sync_on_connect = false;
    auto c = client::Connection::create(pool.at(i), opts, h);
    std::vector<std::int64_t> watch;
    for (int k = 1; k <= o.subscriptions; ++k) watch.push_back(ids[(i + k) % o.users]);
    c->subscribe_presence(watch);
    c->start();
    cs.push_back(std::move(c));
    if (i % 1000 == 999) wait_until([&] { return initial >= static_cast<std::int64_t>(i - 2000) * o.subscriptions; }, 30);
  }
  const std::int64_t expected_initial = static_cast<std::int64_t>(o.users) * o.subscriptions;
  if (!wait_until([&] { return initial >= expected_initial; }, 120))
    throw std::runtime_error("only " + std::to_string(initial.load()) + " of " + std::to_string(expected_initial) +
                             " initial presence views arrived within 120 s");
  std::cerr << "bench: " << o.users << " users online, " << expected_initial << " subscriptions\n";
  // Let every user's first heartbeat settle, then window 1: heartbeats only.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CpuWindow cpu(target);
  double hb0 = scrape_metric(target, "parley_presence_heartbeats_total");
  cpu.start();
  std::this_thread::sleep_for(std::chrono::duration<double>(o.duration));
  cpu.stop();
  double hb1 = scrape_metric(target, "parley_presence_heartbeats_total");
  const bool have_heartbeats = hb0 >= 0 && hb1 >= 0;
  const double heartbeats = have_heartbeats ? hb1 - hb0 : 0;
  const double hb_per_s = heartbeats / cpu.wall_s();

  // Window 2: toggles, paced, each user at most once per window.
  measuring = true;
  std::mt19937 rng(12345);
  std::vector<int> order(o.users);
  for (int i = 0; i < o.users; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), rng);
  int toggles = static_cast<int>(std::min<double>(o.toggle_rate * o.duration, o.users));
  double t1 = now_ms();
  for (int n = 0; n < toggles; ++n) {
    double at = t1 + 1000.0 * n / o.toggle_rate;
    double wait = at - now_ms();
    if (wait > 0) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(wait));
    int j = order[n];
    bool online = !state[j].online.load();
    state[j].online = online;
    state[j].toggled_at = now_ms();
    cs[j]->set_foreground(online);
  }
  std::int64_t expected = static_cast<std::int64_t>(toggles) * o.subscriptions;
  wait_until([&] { return notified + stale >= expected; }, 10);
  long rss = target.rss_kib();
  for (auto& c : cs) c->stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  pool.join();

  json::object r;
  r["scenario"] = "presence";
  r["nodes"] = static_cast<std::int64_t>(target.size());
  r["users"] = o.users;
  r["subscriptions"] = o.subscriptions;
  r["duration_s"] = o.duration;
  cpu.report_pct(r);
  if (have_heartbeats) {
    r["heartbeats_per_s"] = std::round(hb_per_s);
    if (target.spawned() && hb_per_s > 0)
      r["cpu_pct_per_1000_heartbeats_per_s"] = round_to(cpu.server_s() / cpu.wall_s() * 100 / (hb_per_s / 1000), 2);
    cpu.report_per(r, "heartbeat", heartbeats);
  }
  r["toggles"] = toggles;
  r["notifications"] = notified.load();
  r["notifications_missing"] = std::max<std::int64_t>(0, expected - notified.load() - stale.load());
  r["notifications_stale"] = stale.load();
  report_percentiles(r, lat, "notify_");
  report_rss(r, target, rss);
  std::cerr << "bench: presence " << o.users << " users x " << o.subscriptions << " watched: " << std::round(hb_per_s)
            << " heartbeats/s; " << toggles << " changes -> " << notified << " notifications\n";
  return r;
}

}  // namespace parley::bench
