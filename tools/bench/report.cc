#include "bench/report.h"

#include <boost/json.hpp>
#include <cmath>
#include <cstdio>

namespace parley::bench {

namespace json = boost::json;

double round_to(double x, int digits) {
  double f = std::pow(10.0, digits);
  return std::round(x * f) / f;
}

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

void report_percentiles(json::object& r, Latencies& l, std::string_view prefix) {
  if (l.count() == 0) return;
  std::string p(prefix);
  r[p + "p50_ms"] = round_to(l.percentile(50), 2);
  r[p + "p99_ms"] = round_to(l.percentile(99), 2);
}

void report_rss(json::object& r, const Targets& t, long rss_kib) {
  if (t.spawned() && rss_kib > 0) r["server_rss_mb"] = round_to(static_cast<double>(rss_kib) / 1024.0, 1);
}

}  // namespace parley::bench
