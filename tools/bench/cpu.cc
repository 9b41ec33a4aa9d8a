#include "bench/cpu.h"

#include <sys/resource.h>

#include <string>

#include "bench/report.h"

namespace parley::bench {

double self_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto s = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return s(ru.ru_utime) + s(ru.ru_stime);
}

void CpuWindow::start() {
  wall0_ = now_ms();
  server0_ = targets_.cpu_seconds();
  bench0_ = self_cpu_seconds();
}

void CpuWindow::stop() {
  bench_s_ = self_cpu_seconds() - bench0_;
  server_s_ = targets_.cpu_seconds() - server0_;
  wall_s_ = (now_ms() - wall0_) / 1000;
}

void CpuWindow::report_pct(boost::json::object& r) const {
  if (wall_s_ <= 0) return;
  if (targets_.spawned()) r["server_cpu_pct"] = round_to(server_s_ / wall_s_ * 100, 2);
  r["bench_cpu_pct"] = round_to(bench_s_ / wall_s_ * 100, 2);
}

void CpuWindow::report_per(boost::json::object& r, std::string_view unit, double count) const {
  if (count <= 0) return;
  std::string u(unit);
  if (targets_.spawned()) r["server_cpu_us_per_" + u] = round_to(server_s_ * 1e6 / count, 2);
  r["bench_cpu_us_per_" + u] = round_to(bench_s_ * 1e6 / count, 2);
}

}  // namespace parley::bench
