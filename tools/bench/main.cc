// parley-bench: load generator and benchmark for parleyd. Every scenario prints a human
// summary to stderr and, as its last line on stdout, one JSON object (bench/README.md).
#include <CLI/CLI.hpp>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <random>
#include <thread>
#include <unordered_map>
#include <mutex>
#include <condition_variable>
#include <map>
#include <algorithm>

#include "bench/spawn.h"
#include "bench/stats.h"
#include "parley/connection.h"

namespace asio = boost::asio;
namespace json = boost::json;
using namespace parley;
using SteadyClock = std::chrono::steady_clock;

namespace {

double now_ms() { return std::chrono::duration<double, std::milli>(SteadyClock::now().time_since_epoch()).count(); }

// Single-threaded io_contexts; connection i lives on context i % n, so per-connection
// state needs no locks.
class Pool {
 public:
  explicit Pool(int n) {
    for (int i = 0; i < std::max(1, n); ++i) ctx_.push_back(std::make_unique<asio::io_context>(1));
    for (auto& c : ctx_) guards_.push_back(asio::make_work_guard(*c));
    for (auto& c : ctx_) threads_.emplace_back([c = c.get()] { c->run(); });
  }
  ~Pool() { join(); }
  void join() {
    guards_.clear();
    for (auto& c : ctx_) c->stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  asio::io_context& at(std::size_t i) { return *ctx_[i % ctx_.size()]; }

 private:
  std::vector<std::unique_ptr<asio::io_context>> ctx_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
};

// Polls `cond` every 10 ms up to timeout_s (the bench is a load loop, bounded in time).
bool wait_until(const std::function<bool()>& cond, double timeout_s) {
  auto deadline = SteadyClock::now() + std::chrono::duration<double>(timeout_s);
  while (SteadyClock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

// 20,000 connections per loopback source address keeps clear of the ephemeral port range.
std::string source_address(std::size_t i) { return "127.0.0." + std::to_string(2 + i / 20000); }

struct Common {
  std::string spawn, server, admin_secret;
  std::vector<std::string> servers;  // nodes of a running cluster
  int nodes = 1;                     // nodes to spawn
  std::string postgres, nats;        // spawn on these (cluster mode)
  int threads = 2;
  std::vector<std::string> sets;
  bool no_receipts = false;
};

// The server under test: one node, or the nodes of a cluster (users spread over them).
struct Targets {
  std::vector<bench::Target> nodes;

  bench::Target& front() { return nodes.front(); }
  std::size_t size() const { return nodes.size(); }
  bool spawned() const { return nodes.front().spawned(); }
  std::vector<bench::BenchUser> make_users(int n) { return nodes.front().make_users(n); }  // one shared store
  long rss_kib() const {
    long s = 0;
    for (auto& t : nodes) s += t.rss_kib();
    return s;
  }
  double cpu_seconds() const {
    double s = 0;
    for (auto& t : nodes) s += t.cpu_seconds();
    return s;
  }
};

Targets make_targets(const Common& c) {
  Targets t;
  if (!c.spawn.empty()) {
    auto sets = c.sets;
    if (!c.postgres.empty()) {
      sets.push_back("store.kind=postgres");
      sets.push_back("store.postgres_url=" + bench::fresh_database(c.postgres));
    }
    if (!c.nats.empty()) {
      sets.push_back("bus.kind=nats");
      sets.push_back("bus.nats_urls=" + c.nats);
    }
    if (c.nodes > 1 && (c.postgres.empty() || c.nats.empty()))
      throw std::runtime_error("--nodes > 1 needs --postgres URL and --nats URLS (the nodes share store and bus)");
    for (int i = 0; i < c.nodes; ++i) t.nodes.push_back(bench::Target::spawn(c.spawn, sets, i));
    return t;
  }
  auto urls = c.servers;
  if (!c.server.empty()) urls.insert(urls.begin(), c.server);
  if (urls.empty()) throw std::runtime_error("give --spawn PATH-TO-PARLEYD, --server URL or --servers URL,URL,...");
  if (c.admin_secret.empty()) throw std::runtime_error("--server needs --admin-secret (the server's auth.admin_secret)");
  for (auto& u : urls) t.nodes.push_back(bench::Target::existing(u, c.admin_secret));
  return t;
}

// Connection i of a user placed on `node`; the other nodes are its failover.
client::Options conn_options(const Targets& t, const bench::BenchUser& u, std::size_t i, const Common& c,
                             std::size_t node = 0) {
  client::Options o;
  o.server = t.nodes[node % t.size()].endpoint();
  for (std::size_t k = 1; k < t.size(); ++k) o.alternates.push_back(t.nodes[(node + k) % t.size()].endpoint());
  o.token = u.token;
  o.bind_address = source_address(i);
  o.auto_delivered = !c.no_receipts;
  o.reconnect_max_ms = 500;
  return o;
}

// ---------------------------------------------------------------- one-to-one and crash

struct PairsOptions {
  int pairs = 100;
  double rate = 0;  // total msg/s; 0 = flat out
  double duration = 10;
  int window = 64;  // unacked messages per sender
  bool crash = false;       // kill -9 the server and restart it
  bool crash_node = false;  // kill -9 node 1 of a cluster; its clients move to other nodes
};

// One sender's pacing: flat out with at most `window` unacked, or one every interval_ms
// (a timer per sender). Lives on one io thread like its connection.
struct Paced {
  virtual ~Paced() = default;
  virtual void send_next() = 0;  // sends one message
  std::unique_ptr<asio::steady_timer> timer;  // set: paced by tick()
  double interval_ms = 0;
  int window = 64;
  bool sending = false;
  int inflight = 0;

  void send_one() {
    inflight++;
    send_next();
  }
  void pump() {
    if (timer) return;
    while (sending && inflight < window) send_one();
  }
  void tick(double next_at) {
    if (!sending) return;
    if (inflight < window) send_one();
    next_at += interval_ms;
    timer->expires_at(SteadyClock::time_point(std::chrono::duration_cast<SteadyClock::duration>(
        std::chrono::duration<double, std::milli>(next_at))));
    timer->async_wait([this, next_at](boost::system::error_code ec) {
      if (!ec) tick(next_at);
    });
  }
  void acked() {
    inflight--;
    pump();
  }
  void begin(double first_at) {
    sending = true;
    if (timer) tick(first_at);
    else pump();
  }
  void end() {
    sending = false;
    if (timer) timer->cancel();
  }
};

// One sender and one receiver, both on one io thread: all fields are touched only there.
struct Pair : Paced {
  int idx = 0;
  std::int64_t to = 0;
  std::shared_ptr<client::Connection> tx, rx;
  std::int64_t next_n = 0;
  std::vector<std::uint8_t> acked_n, seen;
  std::int64_t last_n = -1, delivered = 0, duplicates = 0, out_of_order = 0, in_window = 0;
  bench::Latencies lat;
  double window_end_ms = 0;
  std::atomic<std::int64_t> acked_count{0}, delivered_unique{0};
  std::atomic<bool> rx_ready{false};

  void send_next() override {
    std::int64_t n = next_n++;
    tx->send_text_to_user(to, "b:" + std::to_string(n) + ":" + std::to_string(now_ms()),
                          "b" + std::to_string(idx) + "-" + std::to_string(n));
  }
  void on_ack(const client::Ack& a) {
    std::int64_t n = std::stoll(a.id.substr(a.id.rfind('-') + 1));
    if (n >= static_cast<std::int64_t>(acked_n.size())) acked_n.resize(n + 4096, 0);
    if (acked_n[n]) return;
    acked_n[n] = 1;
    acked_count++;
    acked();
  }
  void on_message(const client::Message& m) {
    double t = now_ms();
    auto colon = m.text.find(':', 2);
    if (m.text.rfind("b:", 0) != 0 || colon == std::string::npos) return;
    std::int64_t n = std::stoll(m.text.substr(2, colon - 2));
    double sent = std::stod(m.text.substr(colon + 1));
    if (n >= static_cast<std::int64_t>(seen.size())) seen.resize(n + 4096, 0);
    if (seen[n]) {
      duplicates++;
      return;
    }
    seen[n] = 1;
    if (n < last_n) out_of_order++;
    last_n = std::max(last_n, n);
    delivered++;
    delivered_unique++;
    lat.add(t - sent);
    if (t <= window_end_ms) in_window++;
  }
};

json::object run_pairs(const Common& common, const PairsOptions& o) {
  bench::raise_fd_limit();
  auto target = make_targets(common);
  if ((o.crash || o.crash_node) && !target.spawned())
    throw std::runtime_error("the crash scenarios need --spawn (they kill the server)");
  if (o.crash_node && target.size() < 2) throw std::runtime_error("cluster-crash needs --nodes 2 or more");
  std::cerr << "bench: creating " << 2 * o.pairs << " users\n";
  auto users = target.make_users(2 * o.pairs);
  Pool pool(common.threads);
  std::vector<std::unique_ptr<Pair>> pairs;
  for (int i = 0; i < o.pairs; ++i) {
    auto p = std::make_unique<Pair>();
    Pair* pp = p.get();
    pp->idx = i;
    pp->to = users[2 * i + 1].user;
    pp->window = o.window;
    pp->window_end_ms = 1e300;
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

  double cpu0 = target.cpu_seconds();
  double start = now_ms();
  for (auto& p : pairs) {
    Pair* pp = p.get();
    pp->window_end_ms = start + o.duration * 1000;
    asio::post(pp->tx->executor_context(),
               [pp, start, i = pp->idx, n = o.pairs] { pp->begin(start + pp->interval_ms * i / n); });
  }
  bool crashed = false;
  double crash_at = 0;
  if (o.crash || o.crash_node) {
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
    crashed = true;
    std::this_thread::sleep_for(std::chrono::duration<double>(o.duration - crash_at));
  } else {
    std::this_thread::sleep_for(std::chrono::duration<double>(o.duration));
  }
  double cpu1 = target.cpu_seconds();
  long rss = target.rss_kib();
  for (auto& p : pairs) {
    Pair* pp = p.get();
    asio::post(pp->tx->executor_context(), [pp] { pp->end(); });
  }
  // Drain: every acked message must arrive (bounded wait).
  auto all_delivered = [&] {
    for (auto& p : pairs) {
      if (p->delivered_unique < p->acked_count) return false;
    }
    return true;
  };
  bool drained = wait_until([&] {
    for (auto& p : pairs)
      if (p->tx->unacked_hint() > 0) return false;
    return all_delivered();
  }, o.crash || o.crash_node ? 60 : 20);
  for (auto& p : pairs) {
    p->tx->stop();
    p->rx->stop();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let close frames go out
  pool.join();

  std::int64_t acked = 0, delivered = 0, lost = 0, dups = 0, ooo = 0, in_window = 0;
  bench::Latencies all;
  for (auto& p : pairs) {
    acked += p->acked_count;
    delivered += p->delivered;
    dups += p->duplicates;
    ooo += p->out_of_order;
    in_window += p->in_window;
    for (std::size_t n = 0; n < p->acked_n.size(); ++n)
      if (p->acked_n[n] && (n >= p->seen.size() || !p->seen[n])) lost++;
    for (double v : p->lat.samples()) all.add(v);
  }
  json::object r;
  r["scenario"] = o.crash_node ? "cluster-crash" : o.crash ? "crash" : "one-to-one";
  r["nodes"] = static_cast<std::int64_t>(target.size());
  r["pairs"] = o.pairs;
  r["rate"] = o.rate;
  r["duration_s"] = o.duration;
  r["receipts"] = !common.no_receipts;
  r["delivered_per_s"] = std::round(static_cast<double>(in_window) / o.duration);
  r["p50_ms"] = std::round(all.percentile(50) * 100) / 100;
  r["p99_ms"] = std::round(all.percentile(99) * 100) / 100;
  r["acked"] = acked;
  r["delivered"] = delivered;
  r["lost"] = lost;
  r["duplicates"] = dups;
  r["out_of_order"] = ooo;
  r["drained"] = drained;
  if (crashed) r["crash_at_s"] = std::round(crash_at * 100) / 100;
  r["server_rss_mb"] = std::round(static_cast<double>(rss) / 1024.0 * 10) / 10;
  r["server_cpu_pct"] = std::round((cpu1 - cpu0) / o.duration * 1000) / 10;
  std::cerr << "bench: " << r["scenario"].as_string() << " " << o.pairs << " pairs, " << o.duration << " s: "
            << r["delivered_per_s"].as_double() << " delivered/s, p50 " << r["p50_ms"].as_double() << " ms, p99 "
            << r["p99_ms"].as_double() << " ms; acked "
            << acked << ", delivered " << delivered << ", lost " << lost << ", duplicates " << dups << ", out of order "
            << ooo << "\n";
  return r;
}

// ---------------------------------------------------------------- offline drain

json::object run_offline(const Common& common, int count) {
  auto targets = make_targets(common);
  auto& target = targets.front();
  auto users = target.make_users(2);
  Pool pool(1);
  std::atomic<std::int64_t> acked{0}, received{0};
  std::atomic<bool> synced{false};
  int window = 512;
  std::atomic<std::int64_t> next{0};
  std::shared_ptr<client::Connection> tx;
  client::Handlers th;
  std::function<void()> pump = [&] {
    while (next < count && next - acked < window) {
      auto n = next++;
      tx->send_text_to_user(users[1].user, "offline " + std::to_string(n));
    }
  };
  th.on_ack = [&](const client::Ack&) {
    acked++;
    pump();
  };
  th.on_synced = [&](std::int64_t, bool) { synced = true; };
  tx = client::Connection::create(pool.at(0), conn_options(targets, users[0], 0, common), th);
  tx->start();
  wait_until([&] { return synced.load(); }, 30);
  double t0 = now_ms();
  asio::post(pool.at(0), pump);
  wait_until([&] { return acked >= count; }, 300);
  double store_s = (now_ms() - t0) / 1000;
  tx->stop();

  std::int64_t last_seq = 0, ooo = 0;
  client::Handlers rh;
  rh.on_message = [&](const client::Message& m) {
    if (m.seq != last_seq + 1) ooo++;
    last_seq = m.seq;
    received++;
  };
  double t1 = now_ms();
  auto rx = client::Connection::create(pool.at(0), conn_options(targets, users[1], 1, common), rh);
  rx->start();
  wait_until([&] { return received >= count; }, 120);
  double drain_s = (now_ms() - t1) / 1000;
  rx->stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  pool.join();
  json::object r;
  r["scenario"] = "offline";
  r["count"] = count;
  r["store_s"] = std::round(store_s * 1000) / 1000;
  r["drain_s"] = std::round(drain_s * 1000) / 1000;
  r["delivered_per_s"] = std::round(static_cast<double>(received) / drain_s);
  r["p50_ms"] = 0;
  r["p99_ms"] = 0;
  r["acked"] = acked.load();
  r["delivered"] = received.load();
  r["lost"] = acked.load() - std::min(acked.load(), received.load());
  r["duplicates"] = 0;
  r["out_of_order"] = ooo;
  std::cerr << "bench: offline " << count << ": stored in " << store_s << " s, drained in " << drain_s << " s\n";
  return r;
}

// ---------------------------------------------------------------- idle connections

json::object run_connections(const Common& common, int conns, double hold) {
  long fds = bench::raise_fd_limit();
  if (fds < conns * 2 + 100)
    std::cerr << "bench: warning: open-file limit " << fds << " is low for " << conns << " connections\n";
  auto targets = make_targets(common);
  auto& target = targets.front();
  std::cerr << "bench: creating " << conns << " users\n";
  auto users = target.make_users(conns);
  Pool pool(common.threads);
  long rss0 = target.rss_kib();
  std::atomic<int> ready{0};
  std::vector<std::shared_ptr<client::Connection>> cs;
  double t0 = now_ms();
  for (int i = 0; i < conns; ++i) {
    client::Handlers h;
    h.on_synced = [&ready](std::int64_t, bool) { ready++; };
    auto c = client::Connection::create(pool.at(i), conn_options(targets, users[i], i, common), h);
    c->start();
    cs.push_back(std::move(c));
    if (i % 1000 == 999) wait_until([&] { return ready >= i - 2000; }, 30);  // bounded connect rate
  }
  bool all = wait_until([&] { return ready >= conns; }, 120);
  double connect_s = (now_ms() - t0) / 1000;
  double cpu0 = targets.cpu_seconds();
  std::this_thread::sleep_for(std::chrono::duration<double>(hold));
  double idle_cpu_pct = hold > 0 ? (targets.cpu_seconds() - cpu0) / hold * 100 : 0;
  long rss1 = target.rss_kib();
  for (auto& c : cs) c->stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  pool.join();
  json::object r;
  r["scenario"] = "connections";
  r["conns"] = conns;
  r["connected"] = ready.load();
  r["all_connected"] = all;
  r["connect_s"] = std::round(connect_s * 100) / 100;
  r["server_rss_before_mb"] = std::round(rss0 / 102.4) / 10;
  r["server_rss_after_mb"] = std::round(rss1 / 102.4) / 10;
  r["server_cpu_pct"] = std::round(idle_cpu_pct * 100) / 100;  // while the connections sit idle
  r["server_rss_per_conn_kib"] = ready > 0 ? std::round(static_cast<double>(rss1 - rss0) / ready * 100) / 100 : 0;
  r["delivered_per_s"] = 0;
  r["p50_ms"] = 0;
  r["p99_ms"] = 0;
  r["acked"] = 0;
  r["delivered"] = 0;
  r["lost"] = 0;
  r["duplicates"] = 0;
  r["out_of_order"] = 0;
  std::cerr << "bench: " << ready << "/" << conns << " connections in " << connect_s << " s; server RSS " << rss0 / 1024
            << " -> " << rss1 / 1024 << " MiB, " << r["server_rss_per_conn_kib"] << " KiB per connection\n";
  return r;
}

// ---------------------------------------------------------------- presence

struct PresenceOptions {
  int users = 1000;
  int subscriptions = 20;
  double duration = 10;
  double toggle_rate = 50;  // users going idle / active per second, in the latency window
};

// A counter from the server's /metrics (summed over nodes).
double scrape(Targets& t, const std::string& name) {
  double sum = 0;
  for (auto& n : t.nodes) {
    auto r = client::http_call(n.endpoint(), "GET", "/metrics");
    auto at = r.body.find("\n" + name + " ");
    if (at != std::string::npos) sum += std::stod(r.body.substr(at + name.size() + 2));
  }
  return sum;
}

// N users online (foreground: heartbeating), each watching the next K users. Window 1
// measures the server's CPU with heartbeats alone; window 2 makes random users go idle
// and active again and measures how long their K watchers take to hear it.
json::object run_presence(const Common& common, const PresenceOptions& o) {
  long fds = bench::raise_fd_limit();
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
  std::mutex lat_mu;
  bench::Latencies lat;

  Pool pool(common.threads);
  std::vector<std::shared_ptr<client::Connection>> cs;
  std::atomic<int> ready{0};
  for (int i = 0; i < o.users; ++i) {
    client::Handlers h;
    h.on_synced = [&ready](std::int64_t, bool) { ready++; };
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
  double hb0 = scrape(target, "parley_presence_heartbeats_total");
  double cpu0 = target.cpu_seconds();
  double t0 = now_ms();
  std::this_thread::sleep_for(std::chrono::duration<double>(o.duration));
  double window1 = (now_ms() - t0) / 1000;
  double cpu1 = target.cpu_seconds();
  double hb1 = scrape(target, "parley_presence_heartbeats_total");
  double hb_per_s = (hb1 - hb0) / window1;
  double cpu_pct = (cpu1 - cpu0) / window1 * 100;

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
  r["heartbeats_per_s"] = std::round(hb_per_s);
  r["server_cpu_pct"] = std::round(cpu_pct * 100) / 100;
  r["cpu_pct_per_1000_heartbeats_per_s"] = hb_per_s > 0 ? std::round(cpu_pct / (hb_per_s / 1000) * 100) / 100 : 0;
  r["toggles"] = toggles;
  r["notifications"] = notified.load();
  r["notifications_missing"] = std::max<std::int64_t>(0, expected - notified.load() - stale.load());
  r["notifications_stale"] = stale.load();
  r["notify_p50_ms"] = std::round(lat.percentile(50) * 100) / 100;
  r["notify_p99_ms"] = std::round(lat.percentile(99) * 100) / 100;
  r["server_rss_mb"] = std::round(static_cast<double>(rss) / 1024.0 * 10) / 10;
  std::cerr << "bench: presence " << o.users << " users x " << o.subscriptions << " watched: " << std::round(hb_per_s)
            << " heartbeats/s at " << cpu_pct << "% of a core (" << r["cpu_pct_per_1000_heartbeats_per_s"].as_double()
            << "% per 1,000/s); " << toggles << " changes -> " << notified << " notifications, p50 "
            << r["notify_p50_ms"].as_double() << " ms, p99 " << r["notify_p99_ms"].as_double() << " ms\n";
  return r;
}

// ---------------------------------------------------------------- groups and rooms

struct FanoutOptions {
  bool room = false;
  int groups = 10;       // group: how many groups
  int members = 256;     // members per group, or of the room
  int online = 0;        // room: members connected (0: all, within the open-file budget)
  int posters = 1;       // per group, or in the room
  double rate = 0;       // total posts per second; 0 = flat out
  double duration = 10;
  int window = 16;       // unacked posts per poster
};

// One connected member: receives every post of its chat; some also post.
struct Member : Paced {
  int idx = 0;
  std::int64_t chat = 0;
  std::shared_ptr<client::Connection> conn;
  bool poster = false;
  std::int64_t next_n = 0;
  std::int64_t last_seq = 0, delivered = 0, duplicates = 0, out_of_order = 0, in_window = 0;
  double window_start_ms = 0, window_end_ms = 1e300;
  bench::Latencies lat;
  std::atomic<std::int64_t> acked_count{0}, delivered_count{0};
  std::atomic<bool> ready{false};

  void send_next() override {
    conn->send_text_to_chat(chat, "f:" + std::to_string(idx) + ":" + std::to_string(next_n++) + ":" + std::to_string(now_ms()));
  }
  void on_message(const client::Message& m) {
    if (m.chat != chat || m.text.rfind("f:", 0) != 0) return;
    double t = now_ms();
    if (m.seq <= last_seq) {
      duplicates++;
      return;
    }
    if (last_seq && m.seq != last_seq + 1) out_of_order++;  // a gap (posts are the only messages)
    last_seq = m.seq;
    delivered++;
    delivered_count++;
    double sent = std::stod(m.text.substr(m.text.rfind(':') + 1));
    lat.add(t - sent);
    if (t >= window_start_ms && t <= window_end_ms) in_window++;
  }
};

json::object run_fanout(const Common& common, const FanoutOptions& o) {
  long fds = bench::raise_fd_limit();
  auto targets = make_targets(common);
  const int chats = o.room ? 1 : o.groups;
  const int total_users = o.room ? o.members : o.groups * o.members;
  // Each connection is a socket in this process and one in the server's: stay within both.
  int budget = static_cast<int>(std::max(100L, fds - 500));
  int online = o.room ? (o.online > 0 ? o.online : o.members) : total_users;
  if (online > budget) {
    std::cerr << "bench: the open-file limit (" << fds << ") allows " << budget << " connections, not " << online
              << "; connecting " << budget << " members\n";
    online = budget;
  }
  std::cerr << "bench: creating " << total_users << " users\n";
  std::vector<bench::BenchUser> users;
  for (int done = 0; done < total_users; done += 20000) {
    auto part = targets.make_users(std::min(20000, total_users - done));
    users.insert(users.end(), part.begin(), part.end());
  }
  // Create the chats through the protocol, as a client would: one admin per chat.
  std::vector<std::int64_t> chat_ids;
  {
    Pool admin_pool(1);
    for (int g = 0; g < chats; ++g) {
      const int base = g * o.members;
      std::mutex mu;
      std::condition_variable cv;
      std::map<std::string, client::Done> done;
      std::vector<client::Error> errors;
      client::Handlers h;
      h.on_done = [&](const client::Done& d) {
        std::lock_guard lk(mu);
        done[d.id] = d;
        cv.notify_all();
      };
      h.on_error = [&](const client::Error& e) {
        std::lock_guard lk(mu);
        errors.push_back(e);
        cv.notify_all();
      };
      client::Options ao = conn_options(targets, users[base], 0, common);
      ao.sync_on_connect = false;
      auto admin = client::Connection::create(admin_pool.at(0), ao, h);
      admin->start();
      auto await = [&](const std::string& id) {
        std::unique_lock lk(mu);
        cv.wait_for(lk, std::chrono::seconds(60), [&] { return done.count(id) || !errors.empty(); });
        if (!errors.empty()) throw std::runtime_error("setting up the chat: " + errors[0].code + ": " + errors[0].message);
        if (!done.count(id)) throw std::runtime_error("setting up the chat: no answer in 60 s");
        return done[id];
      };
      std::vector<std::int64_t> first;
      if (!o.room)
        for (int k = 1; k < o.members; ++k) first.push_back(users[base + k].user);
      json::object extra;
      if (o.room && o.posters > 1) extra["everyone_posts"] = true;
      auto created = await(admin->create_chat(o.room ? "room" : "group", "bench " + std::to_string(g), first, extra));
      chat_ids.push_back(created.chat);
      if (o.room) {
        for (int k = 1; k < o.members; k += 256) {  // admins add members, 256 per request
          std::vector<std::int64_t> batch;
          for (int j = k; j < std::min(o.members, k + 256); ++j) batch.push_back(users[j].user);
          await(admin->change_chat(created.chat, "add", batch));
        }
      }
      admin->stop();
    }
  }
  std::cerr << "bench: " << chats << (o.room ? " room" : " groups") << " of " << o.members << " members; connecting "
            << online << "\n";

  // Connect members: in a group everyone; in a room the first `online` (the admin and posters first).
  Pool pool(common.threads);
  std::vector<std::unique_ptr<Member>> members;
  for (int i = 0; i < total_users && static_cast<int>(members.size()) < online; ++i) {
    auto m = std::make_unique<Member>();
    Member* mp = m.get();
    mp->idx = i;
    int g = i / o.members, k = i % o.members;
    mp->chat = chat_ids[g];
    mp->poster = k < o.posters;
    mp->window = o.window;
    client::Handlers h;
    h.on_message = [mp](const client::Message& msg) { mp->on_message(msg); };
    h.on_ack = [mp](const client::Ack&) {
      mp->acked_count++;
      mp->acked();
    };
    h.on_synced = [mp](std::int64_t, bool) { mp->ready = true; };
    auto& ctx = pool.at(i);
    auto co = conn_options(targets, users[i], i, common, i);
    mp->conn = client::Connection::create(ctx, co, h);
    if (mp->poster && o.rate > 0) {
      mp->interval_ms = 1000.0 * chats * o.posters / o.rate;
      mp->timer = std::make_unique<asio::steady_timer>(ctx);
    }
    mp->conn->start();
    members.push_back(std::move(m));
    if (members.size() % 1000 == 0) {  // bounded connect rate
      std::size_t target = members.size() - 1000;
      wait_until([&] {
        std::size_t r = 0;
        for (auto& x : members) r += x->ready;
        return r >= target;
      }, 60);
    }
  }
  if (!wait_until([&] {
        for (auto& m : members)
          if (!m->ready) return false;
        return true;
      }, 120))
    throw std::runtime_error("members did not connect within 120 s");
  std::cerr << "bench: " << members.size() << " members connected; posting for " << o.duration << " s\n";

  double cpu0 = targets.cpu_seconds();
  double start = now_ms();
  int posters = 0;
  for (auto& m : members) {
    m->window_start_ms = start;
    m->window_end_ms = start + o.duration * 1000;
    if (!m->poster) continue;
    Member* mp = m.get();
    double offset = o.rate > 0 ? mp->interval_ms * posters / std::max(1, chats * o.posters) : 0;
    ++posters;
    asio::post(mp->conn->executor_context(), [mp, start, offset] { mp->begin(start + offset); });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.duration));
  double cpu1 = targets.cpu_seconds();
  long rss = targets.rss_kib();
  for (auto& m : members) {
    if (!m->poster) continue;
    Member* mp = m.get();
    asio::post(mp->conn->executor_context(), [mp] { mp->end(); });
  }
  // Drain: every acked post must reach every connected member of its chat (bounded wait).
  std::map<std::int64_t, std::int64_t> acked_per_chat;
  auto expected = [&] {
    acked_per_chat.clear();
    for (auto& m : members) acked_per_chat[m->chat] += m->acked_count;
    std::int64_t e = 0;
    for (auto& m : members) e += acked_per_chat[m->chat];
    return e;
  };
  auto delivered_now = [&] {
    std::int64_t d = 0;
    for (auto& m : members) d += m->delivered_count;
    return d;
  };
  wait_until([&] {
    for (auto& m : members)
      if (m->poster && m->conn->unacked_hint() > 0) return false;
    return delivered_now() >= expected();
  }, 60);
  for (auto& m : members) m->conn->stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  pool.join();

  std::int64_t acked = 0, delivered = 0, dups = 0, gaps = 0, in_window = 0;
  bench::Latencies all;
  for (auto& m : members) {
    acked += m->acked_count;
    delivered += m->delivered;
    dups += m->duplicates;
    gaps += m->out_of_order;
    in_window += m->in_window;
    for (double v : m->lat.samples()) all.add(v);
  }
  std::int64_t want = expected();
  json::object r;
  r["scenario"] = o.room ? "room" : "group";
  r["nodes"] = static_cast<std::int64_t>(targets.size());
  r["chats"] = chats;
  r["members"] = o.members;
  r["online"] = static_cast<std::int64_t>(members.size());
  r["posters"] = posters;
  r["rate"] = o.rate;
  r["duration_s"] = o.duration;
  r["posts"] = acked;
  r["posts_per_s"] = std::round(static_cast<double>(acked) / o.duration);
  r["deliveries_per_s"] = std::round(static_cast<double>(in_window) / o.duration);
  r["p50_ms"] = std::round(all.percentile(50) * 100) / 100;
  r["p99_ms"] = std::round(all.percentile(99) * 100) / 100;
  r["delivered"] = delivered;
  r["expected"] = want;
  r["lost"] = std::max<std::int64_t>(0, want - delivered);
  r["duplicates"] = dups;
  r["gaps"] = gaps;
  r["server_cpu_pct"] = std::round((cpu1 - cpu0) / o.duration * 1000) / 10;
  r["server_rss_mb"] = std::round(static_cast<double>(rss) / 1024.0 * 10) / 10;
  std::cerr << "bench: " << r["scenario"].as_string() << ": " << acked << " posts to " << members.size()
            << " connected members, " << r["deliveries_per_s"] << " deliveries/s, p50 " << r["p50_ms"] << " ms, p99 "
            << r["p99_ms"] << " ms, lost " << r["lost"] << ", server RSS " << r["server_rss_mb"] << " MB\n";
  return r;
}

// One JSON line with plain decimal numbers (Boost.JSON writes doubles as 1.5E1).
std::string to_line(const json::object& o) {
  std::string out = "{";
  for (auto& [k, v] : o) {
    if (out.size() > 1) out += ",";
    out += json::serialize(json::string(k)) + ":";
    if (v.is_double()) {
      double d = v.as_double();
      char buf[64];
      if (d == std::floor(d) && std::abs(d) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", d);
      else std::snprintf(buf, sizeof buf, "%.3f", d);
      out += buf;
    } else {
      out += json::serialize(v);
    }
  }
  return out + "}";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"parley-bench - load generator and benchmark for parleyd"};
  app.require_subcommand(1);
  Common c;
  app.add_option("--spawn", c.spawn, "start this parleyd on a free port with a temporary data directory")
      ->check(CLI::ExistingFile);
  app.add_option("--server", c.server, "use a running server, e.g. http://127.0.0.1:8080");
  app.add_option("--servers", c.servers, "use the running nodes of a cluster (users spread over them)")
      ->delimiter(',');
  app.add_option("--nodes", c.nodes, "with --spawn: start this many nodes (needs --postgres and --nats)")
      ->check(CLI::Range(1, 16));
  app.add_option("--postgres", c.postgres,
                 "with --spawn: run on PostgreSQL (libpq string of a server; a fresh database is created)");
  app.add_option("--nats", c.nats, "with --spawn: run on NATS (comma-separated nats:// URLs)");
  app.add_option("--admin-secret", c.admin_secret, "the running server's auth.admin_secret (with --server)");
  app.add_option("--threads", c.threads, "client io threads")->check(CLI::Range(1, 64));
  app.add_option("--server-set", c.sets, "extra --set for the spawned server (section.key=value)");
  app.add_flag("--no-receipts", c.no_receipts, "receivers do not send delivered receipts");

  PairsOptions po;
  auto* one = app.add_subcommand("one-to-one", "P sender/receiver pairs, flat out or at a total rate");
  one->add_option("--pairs", po.pairs, "pairs")->check(CLI::Range(1, 100000));
  one->add_option("--rate", po.rate, "total messages per second (default: flat out)")->check(CLI::NonNegativeNumber);
  one->add_option("--duration", po.duration, "seconds of sending")->check(CLI::Range(0.5, 3600.0));
  one->add_option("--window", po.window, "unacked messages per sender")->check(CLI::Range(1, 100000));
  PairsOptions co;
  co.pairs = 20;
  co.duration = 6;
  auto* crash = app.add_subcommand("crash", "one-to-one traffic, kill -9 the server, restart, verify nothing lost");
  crash->add_option("--pairs", co.pairs, "pairs")->check(CLI::Range(1, 100000));
  crash->add_option("--duration", co.duration, "seconds of sending")->check(CLI::Range(1.0, 3600.0));
  crash->add_option("--rate", co.rate, "total messages per second (default: flat out)")->check(CLI::NonNegativeNumber);
  PairsOptions cc;
  cc.pairs = 20;
  cc.duration = 6;
  auto* cluster_crash = app.add_subcommand(
      "cluster-crash", "one-to-one traffic across nodes, kill -9 one node, verify nothing lost or duplicated");
  cluster_crash->add_option("--pairs", cc.pairs, "pairs")->check(CLI::Range(1, 100000));
  cluster_crash->add_option("--duration", cc.duration, "seconds of sending")->check(CLI::Range(1.0, 3600.0));
  cluster_crash->add_option("--rate", cc.rate, "total messages per second (default: flat out)")
      ->check(CLI::NonNegativeNumber);
  int count = 20000;
  auto* offline = app.add_subcommand("offline", "send N messages to an offline user, then time the drain");
  offline->add_option("--count", count, "messages")->check(CLI::Range(1, 10000000));
  int conns = 1000;
  double hold = 2;
  auto* connections = app.add_subcommand("connections", "N idle signed-in connections; server memory per connection");
  connections->add_option("--conns", conns, "connections")->check(CLI::Range(1, 1000000));
  connections->add_option("--hold", hold, "seconds to hold them open")->check(CLI::Range(0.0, 3600.0));
  PresenceOptions pr;
  auto* presence = app.add_subcommand(
      "presence", "N users online and heartbeating, each watching K others: server CPU per heartbeat, notify latency");
  presence->add_option("--users", pr.users, "connected users")->check(CLI::Range(2, 1000000));
  presence->add_option("--subscriptions", pr.subscriptions, "users each one watches")->check(CLI::Range(1, 1000));
  presence->add_option("--duration", pr.duration, "seconds of each window (heartbeats only; then changes)")
      ->check(CLI::Range(1.0, 3600.0));
  presence->add_option("--toggle-rate", pr.toggle_rate, "users going idle or active per second in the second window")
      ->check(CLI::Range(0.1, 100000.0));
  FanoutOptions go;
  auto* group = app.add_subcommand("group", "G groups of M members, members posting at a total rate R or flat out");
  group->add_option("--groups", go.groups, "groups")->check(CLI::Range(1, 10000));
  group->add_option("--members", go.members, "members per group (the server's groups.max_members at most)")
      ->check(CLI::Range(2, 10000));
  group->add_option("--posters", go.posters, "posting members per group")->check(CLI::Range(1, 10000));
  group->add_option("--rate", go.rate, "total posts per second (default: flat out)")->check(CLI::NonNegativeNumber);
  group->add_option("--duration", go.duration, "seconds of posting")->check(CLI::Range(0.5, 3600.0));
  group->add_option("--window", go.window, "unacked posts per poster")->check(CLI::Range(1, 100000));
  FanoutOptions ro;
  ro.room = true;
  ro.members = 70000;
  ro.groups = 1;
  auto* room = app.add_subcommand("room", "one room of N members, M of them online on one node, K posters");
  room->add_option("--members", ro.members, "room members")->check(CLI::Range(2, 10000000));
  room->add_option("--online", ro.online, "members connected (default: all, within the open-file limit)")
      ->check(CLI::Range(1, 10000000));
  room->add_option("--posters", ro.posters, "posting members (more than one lets everyone post)")
      ->check(CLI::Range(1, 10000));
  room->add_option("--rate", ro.rate, "total posts per second (default: flat out)")->check(CLI::NonNegativeNumber);
  room->add_option("--duration", ro.duration, "seconds of posting")->check(CLI::Range(0.5, 3600.0));
  room->add_option("--window", ro.window, "unacked posts per poster")->check(CLI::Range(1, 100000));
  CLI11_PARSE(app, argc, argv);

  try {
    json::object r;
    if (*one) r = run_pairs(c, po);
    if (*crash) {
      co.crash = true;
      r = run_pairs(c, co);
    }
    if (*cluster_crash) {
      cc.crash_node = true;
      r = run_pairs(c, cc);
    }
    if (*offline) r = run_offline(c, count);
    if (*connections) r = run_connections(c, conns, hold);
    if (*presence) r = run_presence(c, pr);
    if (*group) r = run_fanout(c, go);
    if (*room) r = run_fanout(c, ro);
    std::cout << to_line(r) << std::endl;
    if ((*crash || *cluster_crash) && (r["lost"].as_int64() != 0 || r["duplicates"].as_int64() != 0 || r["out_of_order"].as_int64() != 0 ||
                   r["acked"].as_int64() == 0))
      return 3;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "parley-bench: " << e.what() << "\n";
    return 1;
  }
}
