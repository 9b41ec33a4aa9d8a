// one-to-one on the client library (--library-client), and the crash scenarios, which
// need its reconnect, failover and resend of unacked messages.
#include "bench/pairs.h"

#include <boost/asio/post.hpp>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <iostream>
#include <random>
#include <stdexcept>

#include "bench/lean_frame.h"
#include "bench/paced.h"
#include "bench/report.h"

namespace parley::bench {

namespace asio = boost::asio;
namespace json = boost::json;

std::string pair_client_id(int pair, std::int64_t n) { return "b" + std::to_string(pair) + "-" + std::to_string(n); }

std::int64_t pair_sent_us(std::string_view text) {
  if (text.rfind("b:", 0) != 0) return -1;
  return lean::number_after(text, ':');
}

json::object pairs_result(const char* scenario, const char* client, const Common& c, const PairsOptions& o,
                          const Targets& t, PairTotals& s, const CpuWindow& cpu, long rss_kib, bool drained) {
  json::object r;
  r["scenario"] = scenario;
  r["client"] = client;
  r["nodes"] = static_cast<std::int64_t>(t.size());
  r["pairs"] = o.pairs;
  r["rate"] = o.rate;
  r["duration_s"] = o.duration;
  r["receipts"] = !c.no_receipts;
  r["delivered_per_s"] = std::round(static_cast<double>(s.in_window) / o.duration);
  report_percentiles(r, s.latency);
  r["acked"] = s.acked;
  r["delivered"] = s.delivered;
  r["lost"] = s.lost;
  r["duplicates"] = s.duplicates;
  r["out_of_order"] = s.out_of_order;
  r["drained"] = drained;
  report_rss(r, t, rss_kib);
  cpu.report_pct(r);
  cpu.report_per(r, "msg", static_cast<double>(s.in_window));
  const double msgs = std::max<double>(1, static_cast<double>(s.in_window));
  std::cerr << "bench: " << scenario << " (" << client << ") " << o.pairs << " pairs, " << o.duration
            << " s: " << r["delivered_per_s"].as_double() << " delivered/s; acked " << s.acked << ", delivered "
            << s.delivered << ", lost " << s.lost << ", duplicates " << s.duplicates << ", out of order "
            << s.out_of_order << "; CPU per message: server "
            << (t.spawned() ? std::to_string(cpu.server_s() * 1e6 / msgs) : std::string("?")) << " us, bench "
            << cpu.bench_s() * 1e6 / msgs << " us\n";
  return r;
}

namespace {

// One sender and one receiver, both on one io thread: all fields are touched only there.
struct Pair : Paced {
  int idx = 0;
  std::int64_t to = 0;
  std::shared_ptr<client::Connection> tx, rx;
  std::int64_t next_n = 0, in_window = 0;
  Stream stream;
  Latencies lat;
  double window_end_ms = 1e300;
  std::atomic<std::int64_t> acked_count{0}, delivered_unique{0};
  std::atomic<bool> rx_ready{false};

  void send_next() override {
    std::int64_t n = next_n++;
    tx->send_text_to_user(to, "b:" + std::to_string(n) + ":" + std::to_string(now_us()), pair_client_id(idx, n));
  }
  void on_ack(const client::Ack& a) {
    if (!stream.acked.mark(lean::number_after(a.id, '-'))) return;
    acked_count++;
    acked();
  }
  void on_message(const client::Message& m) {
    std::int64_t t = now_us();
    std::int64_t n = lean::number_after(m.id, '-');
    std::int64_t sent = pair_sent_us(m.text);
    if (n < 0 || sent < 0) return;
    if (!stream.receive(n, m.seq)) return;
    delivered_unique++;
    lat.add(static_cast<double>(t - sent) / 1000.0);
    if (static_cast<double>(t) / 1000.0 <= window_end_ms) in_window++;
  }
};

}  // namespace

json::object run_pairs_library(const Common& common, const PairsOptions& o) {
  raise_fd_limit();
  auto target = make_targets(common);
  if ((o.crash || o.crash_node) && !target.spawned())
    throw std::runtime_error("the crash scenarios need --spawn (they kill the server)");
  if (o.crash_node && target.size() < 2) throw std::runtime_error("cluster-crash needs --nodes 2 or more");
  std::cerr << "bench: creating " << 2 * o.pairs << " users\n";
  auto users = target.make_users(2 * o.pairs);
  // Destroyed in reverse: the pool's threads are joined first (even on a throw), then the
  // pairs go while the io_contexts their timers belong to still exist, then the pool.
  Pool pool(common.threads);
  std::vector<std::unique_ptr<Pair>> pairs;
  struct JoinFirst {
    Pool& pool;
    ~JoinFirst() { pool.join(); }
  } join_first{pool};
  for (int i = 0; i < o.pairs; ++i) {
    auto p = std::make_unique<Pair>();
    Pair* pp = p.get();
    pp->idx = i;
    pp->to = users[2 * i + 1].user;
    pp->window = o.window;
    auto& ctx = pool.at(i);
    client::Handlers th;
    th.on_ack = [pp](const client::Ack& a) { pp->on_ack(a); };
    // Sender and receiver on different nodes whenever there are several.
    pp->tx = client::Connection::create(ctx, conn_options(target, users[2 * i], 2 * i, common, 2 * i), th);
    client::Handlers rh;
    rh.on_message = [pp](const client::Message& m) { pp->on_message(m); };
    rh.on_synced = [pp](std::int64_t, bool) { pp->rx_ready = true; };
    pp->rx = client::Connection::create(ctx, conn_options(target, users[2 * i + 1], 2 * i + 1, common, 2 * i + 1), rh);
    if (o.rate > 0) {
      pp->interval_ms = 1000.0 * o.pairs / o.rate;
      pp->timer = std::make_unique<asio::steady_timer>(ctx);
    }
    pp->tx->start();
    pp->rx->start();
    pairs.push_back(std::move(p));
  }
  if (!wait_until([&] {
        for (auto& p : pairs)
          if (!p->rx_ready) return false;
        return true;
      }, 60))
    throw std::runtime_error("receivers did not connect within 60 s");

  CpuWindow cpu(target);
  cpu.start();
  double start = now_ms();
  for (auto& p : pairs) {
    Pair* pp = p.get();
    pp->window_end_ms = start + o.duration * 1000;
    asio::post(pp->tx->executor_context(),
               [pp, start, i = pp->idx, n = o.pairs] { pp->begin(start + pp->interval_ms * i / n); });
  }
  const bool crashing = o.crash || o.crash_node;
  double crash_at = 0;
  if (crashing) {
    std::mt19937 rng(std::random_device{}());
    crash_at = std::uniform_real_distribution<double>(0.3, 0.6)(rng) * o.duration;
    std::this_thread::sleep_for(std::chrono::duration<double>(crash_at));
    if (o.crash_node) {
      std::cerr << "bench: kill -9 node 1 of " << target.size() << " at " << crash_at
                << " s; its clients reconnect to the other nodes\n";
      target.nodes[1].kill9();
    } else {
      std::cerr << "bench: kill -9 the server at " << crash_at << " s, restarting\n";
      target.front().kill9();
      target.front().restart();
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(o.duration - crash_at));
  } else {
    std::this_thread::sleep_for(std::chrono::duration<double>(o.duration));
  }
  cpu.stop();
  long rss = target.rss_kib();
  for (auto& p : pairs) {
    Pair* pp = p.get();
    asio::post(pp->tx->executor_context(), [pp] { pp->end(); });
  }
  // Drain: every acked message must arrive (bounded wait).
  bool drained = wait_until([&] {
    for (auto& p : pairs)
      if (p->tx->unacked_hint() > 0 || p->delivered_unique < p->acked_count) return false;
    return true;
  }, crashing ? 60 : 20);
  for (auto& p : pairs) {
    p->tx->stop();
    p->rx->stop();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let close frames go out
  pool.join();

  PairTotals totals;
  for (auto& p : pairs) {
    totals.add(p->stream);
    totals.in_window += p->in_window;
    for (double v : p->lat.samples()) totals.latency.add(v);
  }
  const char* name = o.crash_node ? "cluster-crash" : o.crash ? "crash" : "one-to-one";
  auto r = pairs_result(name, "library", common, o, target, totals, cpu, rss, drained);
  if (crashing) r["crash_at_s"] = round_to(crash_at, 2);
  return r;
}

}  // namespace parley::bench
