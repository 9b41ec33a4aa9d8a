// connections: N signed-in idle connections; the server's memory per connection, and the
// CPU it (and the bench) spends to connect one and to hold them idle.
#include <atomic>
#include <iostream>

#include "bench/cpu.h"
#include "bench/report.h"
#include "bench/scenarios.h"

namespace parley::bench {

namespace json = boost::json;

json::object run_connections(const Common& common, int conns, double hold) {
  long fds = raise_fd_limit();
  if (fds < conns * 2 + 100)
    std::cerr << "bench: warning: open-file limit " << fds << " is low for " << conns << " connections\n";
  auto targets = make_targets(common);
  auto& target = targets.front();
  std::cerr << "bench: creating " << conns << " users\n";
  auto users = targets.make_users(conns);
  Pool pool(common.threads);
  long rss0 = target.rss_kib();
  std::atomic<int> ready{0};
  std::vector<std::shared_ptr<client::Connection>> cs;
  CpuWindow connect_cpu(targets), idle_cpu(targets);
  connect_cpu.start();
  for (int i = 0; i < conns; ++i) {
    client::Handlers h;
    h.on_synced = [&ready](std::int64_t, bool) { ready++; };
    auto c = client::Connection::create(pool.at(i), conn_options(targets, users[i], i, common), h);
    c->start();
    cs.push_back(std::move(c));
    if (i % 1000 == 999) wait_until([&] { return ready >= i - 2000; }, 30);  // bounded connect rate
  }
  bool all = wait_until([&] { return ready >= conns; }, 120);
  connect_cpu.stop();
  idle_cpu.start();
  std::this_thread::sleep_for(std::chrono::duration<double>(hold));
  idle_cpu.stop();
  long rss1 = target.rss_kib();
  for (auto& c : cs) c->stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  pool.join();

  json::object r;
  r["scenario"] = "connections";
  r["conns"] = conns;
  r["connected"] = ready.load();
  r["all_connected"] = all;
  r["connect_s"] = round_to(connect_cpu.wall_s(), 2);
  if (targets.spawned()) {
    r["server_rss_before_mb"] = round_to(static_cast<double>(rss0) / 1024, 1);
    r["server_rss_after_mb"] = round_to(static_cast<double>(rss1) / 1024, 1);
    if (ready > 0) r["server_rss_per_conn_kib"] = round_to(static_cast<double>(rss1 - rss0) / ready, 2);
  }
  if (hold > 0) idle_cpu.report_pct(r);  // while the connections sit idle
  connect_cpu.report_per(r, "connection", ready.load());
  std::cerr << "bench: " << ready << "/" << conns << " connections in " << connect_cpu.wall_s() << " s; server RSS "
            << rss0 / 1024 << " -> " << rss1 / 1024 << " MiB\n";
  return r;
}

}  // namespace parley::bench
