// media-transfer: C workers, each its own user on its own kept-alive HTTP connection,
// upload files of N MiB of random bytes (kind `file`, every one a new object) for S
// seconds, then download them back (in turn, again and again) for S seconds. Each phase
// is a measured window of its own: MiB per second, per-file time, CPU per MiB (the
// server's and the bench's).
#include <algorithm>
#include <atomic>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "bench/cpu.h"
#include "bench/media_client.h"
#include "bench/media_payload.h"
#include "bench/report.h"
#include "bench/scenarios.h"

namespace parley::bench {

namespace json = boost::json;

namespace {

constexpr std::int64_t kDefaultBudgetMiB = 8192;  // disk the server may fill in one run
constexpr int kMaxErrorsPerWorker = 20;           // a worker that keeps failing stops early

struct Worker {
  Worker(const Targets& t, const BenchUser& u, int k, std::string pattern)
      : client(t.nodes[static_cast<std::size_t>(k) % t.size()].endpoint(), u.token), file(std::move(pattern)) {}
  MediaClient client;
  StampedFile file;
  std::vector<std::pair<std::string, std::int64_t>> uploaded;  // media id, file number
  Latencies up_ms, down_ms;
  std::int64_t up_errors = 0, down_errors = 0, mismatches = 0, downloaded = 0;
  std::string first_error;

  void failed(std::int64_t& errors, const std::string& why) {
    ++errors;
    if (first_error.empty()) first_error = why;
  }
};

// Runs fn(k) for k in [0, n) on n threads and waits for them all.
template <class Fn>
void on_threads(int n, Fn fn) {
  std::vector<std::jthread> threads;
  for (int k = 0; k < n; ++k) threads.emplace_back([&fn, k] { fn(k); });
}

// The `from` keys of a phase's CPU figures, written into r as <prefix><key>.
void add_prefixed(json::object& r, std::string_view prefix, const json::object& from) {
  for (auto& [k, v] : from) r[std::string(prefix) + std::string(k)] = v;
}

void report_phase(json::object& r, std::string_view phase, std::int64_t files, std::int64_t errors, double mib,
                  Latencies& ms, const CpuWindow& cpu) {
  const std::string p(phase);
  r[p + "s"] = files;
  r[p + "_errors"] = errors;
  r[p + "_window_s"] = round_to(cpu.wall_s(), 3);
  if (files > 0 && cpu.wall_s() > 0) r[p + "_mib_per_s"] = round_to(mib / cpu.wall_s(), 2);
  report_percentiles(r, ms, p + "_");
  json::object c;
  cpu.report_pct(c);
  cpu.report_per(c, "mib", mib);
  add_prefixed(r, p + "_", c);
}

}  // namespace

json::object run_media_transfer(const Common& common, const MediaTransferOptions& o) {
  auto targets = make_targets(common);
  const std::size_t size = static_cast<std::size_t>(o.size_mb) << 20;
  std::cerr << "bench: creating " << o.concurrency << " users; " << o.concurrency << " files of " << o.size_mb
            << " MiB in memory\n";
  auto users = targets.make_users(o.concurrency);
  const std::string pattern = random_bytes(size, 0x5eed);
  std::vector<std::unique_ptr<Worker>> workers;
  for (int k = 0; k < o.concurrency; ++k) workers.push_back(std::make_unique<Worker>(targets, users[k], k, pattern));
  const std::int64_t max_files =
      o.max_files > 0 ? o.max_files : std::max<std::int64_t>(o.concurrency, kDefaultBudgetMiB / o.size_mb);
  UploadSpec spec;
  spec.patch_bytes = o.single_request ? 0 : 1 << 20;

  // Uploads: until the duration is over (a file begun is finished) or the budget spent.
  std::atomic<std::int64_t> budget{max_files};
  CpuWindow up_cpu(targets);
  up_cpu.start();
  const double up_end = now_ms() + o.duration * 1000;
  on_threads(o.concurrency, [&](int k) {
    Worker& w = *workers[k];
    for (std::int64_t n = 0; now_ms() < up_end && w.up_errors < kMaxErrorsPerWorker && budget.fetch_sub(1) > 0; ++n) {
      auto r = w.client.upload(w.file.next(k, n), spec);
      if (r.id.empty()) {
        w.failed(w.up_errors, r.error);
        continue;
      }
      w.uploaded.emplace_back(r.id, n);
      w.up_ms.add(r.total_ms);
    }
  });
  up_cpu.stop();

  // Downloads: each worker fetches its own files back, in turn and again, for the duration
  // (a window as long as the uploads', so that the CPU figures are as precise).
  CpuWindow down_cpu(targets);
  down_cpu.start();
  const double down_end = now_ms() + o.duration * 1000;
  on_threads(o.concurrency, [&](int k) {
    Worker& w = *workers[k];
    for (std::size_t i = 0; !w.uploaded.empty() && now_ms() < down_end && w.down_errors < kMaxErrorsPerWorker; ++i) {
      const auto& [id, n] = w.uploaded[i % w.uploaded.size()];
      auto r = w.client.download(id);
      if (!r.error.empty()) {
        w.failed(w.down_errors, r.error);
        continue;
      }
      ++w.downloaded;
      w.down_ms.add(r.ms);
      if (r.bytes != size || !r.head.starts_with(StampedFile::stamp(k, n))) {
        ++w.mismatches;
        if (w.first_error.empty()) w.first_error = "download of " + id + " is not the file uploaded";
      }
    }
  });
  down_cpu.stop();
  const long rss = targets.rss_kib();

  Latencies up_ms, down_ms;
  std::int64_t uploads = 0, up_errors = 0, downloads = 0, down_errors = 0, mismatches = 0;
  std::string first_error;
  for (auto& w : workers) {
    uploads += static_cast<std::int64_t>(w->uploaded.size());
    downloads += w->downloaded;
    up_errors += w->up_errors;
    down_errors += w->down_errors;
    mismatches += w->mismatches;
    for (double v : w->up_ms.samples()) up_ms.add(v);
    for (double v : w->down_ms.samples()) down_ms.add(v);
    if (first_error.empty()) first_error = w->first_error;
  }
  if (!first_error.empty()) std::cerr << "bench: first failure: " << first_error << "\n";
  if (uploads == 0) throw std::runtime_error("no upload succeeded");

  json::object r;
  r["scenario"] = "media-transfer";
  r["nodes"] = static_cast<std::int64_t>(targets.size());
  r["concurrency"] = o.concurrency;
  r["size_mib"] = o.size_mb;
  r["duration_s"] = o.duration;
  r["upload_mode"] = o.single_request ? "single" : "patch";
  if (!o.single_request) r["patch_mib"] = 1;
  const double mib = static_cast<double>(size) / (1 << 20);
  report_phase(r, "upload", uploads, up_errors, mib * static_cast<double>(uploads), up_ms, up_cpu);
  report_phase(r, "download", downloads, down_errors, mib * static_cast<double>(downloads), down_ms, down_cpu);
  r["download_mismatches"] = mismatches;
  report_rss(r, targets, rss);
  std::cerr << "bench: media-transfer " << o.concurrency << " x " << o.size_mb << " MiB ("
            << (o.single_request ? "single" : "patch") << "): " << uploads << " uploads, " << downloads
            << " downloads, errors " << up_errors << " up, " << down_errors << " down, " << mismatches
            << " mismatched\n";
  return r;
}

}  // namespace parley::bench
