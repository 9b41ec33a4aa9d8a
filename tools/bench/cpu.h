// CPU time over one measured window, for the server under test (its spawned nodes,
// /proc/PID/stat) and for parley-bench itself (getrusage, all threads). Call from the
// scenario's main thread.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "bench/common.h"

namespace parley::bench {

// This process's user+system CPU seconds, all threads.
double self_cpu_seconds();

class CpuWindow {
 public:
  explicit CpuWindow(const Targets& t) : targets_(t) {}
  void start();
  void stop();

  double wall_s() const { return wall_s_; }
  double server_s() const { return server_s_; }
  double bench_s() const { return bench_s_; }

  // server_cpu_pct (spawned servers only) and bench_cpu_pct: share of one core.
  void report_pct(boost::json::object& r) const;
  // server_cpu_us_per_<unit> (spawned servers only) and bench_cpu_us_per_<unit>: CPU over
  // the window divided by `count` things done in it. Nothing when count is 0.
  void report_per(boost::json::object& r, std::string_view unit, double count) const;

 private:
  const Targets& targets_;
  double wall0_ = 0, server0_ = 0, bench0_ = 0;
  double wall_s_ = 0, server_s_ = 0, bench_s_ = 0;
};

}  // namespace parley::bench
