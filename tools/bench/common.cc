#include "bench/common.h"

#include <algorithm>
#include <stdexcept>

namespace parley::bench {

double now_ms() { return std::chrono::duration<double, std::milli>(SteadyClock::now().time_since_epoch()).count(); }

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now().time_since_epoch()).count();
}

bool wait_until(const std::function<bool()>& cond, double timeout_s) {
  auto deadline = SteadyClock::now() + std::chrono::duration<double>(timeout_s);
  while (SteadyClock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

std::string source_address(std::size_t i) { return "127.0.0." + std::to_string(2 + i / 20000); }

std::vector<BenchUser> Targets::make_users(int n) {
  std::vector<BenchUser> users;
  for (int done = 0; done < n; done += 20000) {
    auto part = nodes.front().make_users(std::min(20000, n - done));
    users.insert(users.end(), part.begin(), part.end());
  }
  return users;
}

long Targets::rss_kib() const {
  long s = 0;
  for (auto& t : nodes) s += t.rss_kib();
  return s;
}

double Targets::cpu_seconds() const {
  double s = 0;
  for (auto& t : nodes) s += t.cpu_seconds();
  return s;
}

Targets make_targets(const Common& c) {
  Targets t;
  if (!c.spawn.empty()) {
    auto sets = c.sets;
    if (!c.postgres.empty()) {
      sets.push_back("store.kind=postgres");
      t.postgres_url = fresh_database(c.postgres);
      sets.push_back("store.postgres_url=" + t.postgres_url);
    }
    if (!c.nats.empty()) {
      sets.push_back("bus.kind=nats");
      sets.push_back("bus.nats_urls=" + c.nats);
    }
    if (c.nodes > 1 && (c.postgres.empty() || c.nats.empty()))
      throw std::runtime_error("--nodes > 1 needs --postgres URL and --nats URLS (the nodes share store and bus)");
    for (int i = 0; i < c.nodes; ++i) t.nodes.push_back(Target::spawn(c.spawn, sets, i));
    return t;
  }
  auto urls = c.servers;
  if (!c.server.empty()) urls.insert(urls.begin(), c.server);
  if (urls.empty()) throw std::runtime_error("give --spawn PATH-TO-PARLEYD, --server URL or --servers URL,URL,...");
  if (c.admin_secret.empty()) throw std::runtime_error("--server needs --admin-secret (the server's auth.admin_secret)");
  for (auto& u : urls) t.nodes.push_back(Target::existing(u, c.admin_secret));
  return t;
}

double scrape_metric(const Targets& t, const std::string& name) {
  double sum = 0;
  for (const auto& n : t.nodes) {
    auto r = client::http_call(n.endpoint(), "GET", "/metrics");
    auto at = r.body.find("\n" + name + " ");
    if (!r.ok() || at == std::string::npos) return -1;
    sum += std::stod(r.body.substr(at + name.size() + 2));
  }
  return sum;
}

client::Options conn_options(const Targets& t, const BenchUser& u, std::size_t i, const Common& c, std::size_t node) {
  client::Options o;
  o.server = t.nodes[node % t.size()].endpoint();
  for (std::size_t k = 1; k < t.size(); ++k) o.alternates.push_back(t.nodes[(node + k) % t.size()].endpoint());
  o.token = u.token;
  o.bind_address = source_address(i);
  o.auto_delivered = !c.no_receipts;
  o.reconnect_max_ms = 500;
  return o;
}

Pool::Pool(int n) {
  for (int i = 0; i < std::max(1, n); ++i) ctx_.push_back(std::make_unique<boost::asio::io_context>(1));
  for (auto& c : ctx_) guards_.push_back(boost::asio::make_work_guard(*c));
  for (auto& c : ctx_) threads_.emplace_back([c = c.get()] { c->run(); });
}

void Pool::join() {
  guards_.clear();
  for (auto& c : ctx_) c->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

}  // namespace parley::bench
