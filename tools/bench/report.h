// How parley-bench reports (bench/README.md): each scenario's result is one JSON object,
// printed as the last line on stdout with plain decimal numbers; the figures several
// scenarios write are written here, alike. A key is left out when it was not measured.
// CPU figures: cpu.h.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "bench/common.h"
#include "bench/stats.h"

namespace parley::bench {

// x rounded to `digits` decimals (JSON figures).
double round_to(double x, int digits);

// One JSON line with plain decimal numbers (Boost.JSON writes doubles as 1.5E1).
std::string to_line(const boost::json::object& o);

// <prefix>p50_ms and <prefix>p99_ms, to 0.01 ms; nothing without samples.
void report_percentiles(boost::json::object& r, Latencies& l, std::string_view prefix = {});

// server_rss_mb, to 0.1 MiB; only for spawned servers (a running one's is not readable)
// that still ran when it was read.
void report_rss(boost::json::object& r, const Targets& t, long rss_kib);

}  // namespace parley::bench
