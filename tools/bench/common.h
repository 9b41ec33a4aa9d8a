// What every parley-bench scenario shares: the global options, the server(s) under test,
// client-library connection options, a pool of io threads, and bounded waiting.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/spawn.h"
#include "parley/connection.h"

namespace parley::bench {

using SteadyClock = std::chrono::steady_clock;

// Milliseconds / microseconds on the bench's one clock (all threads read the same one).
double now_ms();
std::int64_t now_us();

// Polls `cond` every 10 ms up to timeout_s (the bench is a load loop, bounded in time).
bool wait_until(const std::function<bool()>& cond, double timeout_s);

// 20,000 connections per loopback source address keeps clear of the ephemeral port range.
std::string source_address(std::size_t i);

// Options given before the scenario's name.
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
  std::vector<Target> nodes;
  std::string postgres_url;  // spawned on --postgres: the fresh database's libpq string

  Target& front() { return nodes.front(); }
  std::size_t size() const { return nodes.size(); }
  // Spawned: RSS and CPU time are readable (a running server's are not).
  bool spawned() const { return nodes.front().spawned(); }
  std::vector<BenchUser> make_users(int n);  // one shared store
  long rss_kib() const;
  double cpu_seconds() const;  // summed over the spawned nodes
};

Targets make_targets(const Common& c);

// A counter from the servers' /metrics, summed over nodes; -1 if a node does not answer
// or does not have it.
double scrape_metric(const Targets& t, const std::string& name);

// Connection i of a user placed on `node`; the other nodes are its failover.
client::Options conn_options(const Targets& t, const BenchUser& u, std::size_t i, const Common& c,
                             std::size_t node = 0);

// Single-threaded io_contexts; connection i lives on context i % n, so per-connection
// state needs no locks.
class Pool {
 public:
  explicit Pool(int n);
  ~Pool() { join(); }
  void join();
  boost::asio::io_context& at(std::size_t i) { return *ctx_[i % ctx_.size()]; }

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> ctx_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
};

}  // namespace parley::bench
