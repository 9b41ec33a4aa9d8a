// media-images: one synthetic camera photo (a 4:3 JPEG of M megapixels, media_payload.h)
// uploaded N times as an image to the first node, by C workers (default 1). Each upload
// is a POST, PATCHes of 1 MiB and a last PATCH of 1 KiB on its own: that last request's
// round trip is the server's processing of the photo (decode, turn upright, resize,
// re-encode, preview, thumbnail, store). The server processes every upload, equal bytes
// or not. Peak memory: the server's VmHWM, reset before the run (/proc/PID/clear_refs).
#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
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

double mib_of(long kib) { return round_to(static_cast<double>(kib) / 1024.0, 1); }

// Peak memory keys: the server's RSS before the run, its peak during it, and the rise.
// Without a reset the kernel's peak is the process's lifetime peak: it tells the run's
// only when the run went past the peak before it.
void report_peak(json::object& r, const Target& t, long rss_before, long peak_before, bool reset) {
  if (!t.spawned() || rss_before <= 0) return;
  const long peak = t.peak_rss_kib();
  r["server_rss_before_mb"] = mib_of(rss_before);
  r["server_peak_rss_reset"] = reset;
  if (!reset && peak <= peak_before) return;  // the run's own peak is not known
  r["server_peak_rss_mb"] = mib_of(peak);
  r["server_peak_rss_rise_mb"] = mib_of(peak - rss_before);
}

}  // namespace

json::object run_media_images(const Common& common, const MediaImagesOptions& o) {
  auto targets = make_targets(common);
  Target& node = targets.front();
  auto users = node.make_users(o.concurrency);
  const auto [width, height] = four_by_three(o.megapixels);
  std::cerr << "bench: making a " << width << "x" << height << " JPEG\n";
  const std::string jpeg = synthetic_jpeg(width, height);
  std::cerr << "bench: uploading it " << o.count << " times (" << jpeg.size() / 1024 << " KiB each)\n";
  UploadSpec spec;
  spec.content_type = "image/jpeg";
  spec.kind = "image";
  spec.last_bytes = 1024;

  std::mutex mu;  // guards the results below
  Latencies total_ms, process_ms;
  std::int64_t done = 0, errors = 0;
  std::string first_error;

  const long rss_before = node.rss_kib();
  const bool reset = node.reset_peak_rss();
  const long peak_before = node.peak_rss_kib();
  std::atomic<int> next{0};
  CpuWindow cpu(targets);
  cpu.start();
  {
    std::vector<std::jthread> threads;
    for (int k = 0; k < o.concurrency; ++k)
      threads.emplace_back([&, k] {
        MediaClient client(node.endpoint(), users[k].token);
        while (next.fetch_add(1) < o.count) {
          auto r = client.upload(jpeg, spec);
          std::lock_guard lock(mu);
          if (r.id.empty()) {
            ++errors;
            if (first_error.empty()) first_error = r.error;
            continue;
          }
          ++done;
          total_ms.add(r.total_ms);
          process_ms.add(r.finish_ms);
        }
      });
  }
  cpu.stop();
  if (!first_error.empty()) std::cerr << "bench: first failure: " << first_error << "\n";
  if (done == 0) throw std::runtime_error("no image upload succeeded");

  json::object r;
  r["scenario"] = "media-images";
  r["count"] = o.count;
  r["concurrency"] = o.concurrency;
  r["megapixels"] = round_to(static_cast<double>(width) * height / 1e6, 2);
  r["width"] = width;
  r["height"] = height;
  r["jpeg_kib"] = static_cast<std::int64_t>(jpeg.size() / 1024);
  r["images"] = done;
  r["upload_errors"] = errors;
  r["images_per_s"] = round_to(static_cast<double>(done) / cpu.wall_s(), 2);
  report_percentiles(r, total_ms, "upload_");
  report_percentiles(r, process_ms, "process_");
  cpu.report_pct(r);
  cpu.report_per(r, "image", static_cast<double>(done));
  report_peak(r, node, rss_before, peak_before, reset);
  std::cerr << "bench: media-images " << done << " of " << o.count << " " << width << "x" << height
            << " photos; processing p50 " << process_ms.percentile(50) << " ms, p99 " << process_ms.percentile(99)
            << " ms\n";
  return r;
}

}  // namespace parley::bench
