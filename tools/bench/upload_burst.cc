#include "bench/upload_burst.h"

#include <pthread.h>
#include <sched.h>

#include <iostream>

#include "bench/media_client.h"
#include "bench/media_payload.h"
#include "bench/report.h"

namespace parley::bench {

namespace json = boost::json;

UploadBurst::UploadBurst(const Targets& t, std::vector<BenchUser> users, int file_mb, double megapixels)
    : targets_(t), users_(std::move(users)), errors_seen_(users_.size()) {
  pattern_ = random_bytes(static_cast<std::size_t>(file_mb) << 20, 0xb0257);
  const auto [width, height] = four_by_three(megapixels);
  jpeg_ = synthetic_jpeg(width, height);
  std::cerr << "bench: upload burst: " << users_.size() << " uploaders of " << file_mb << " MiB files and " << width
            << "x" << height << " photos (" << jpeg_.size() / 1024 << " KiB)\n";
}

void UploadBurst::start() {
  stopping_ = false;
  for (int k = 0; k < static_cast<int>(users_.size()); ++k) threads_.emplace_back([this, k] { run(k); });
}

void UploadBurst::stop() {
  stopping_ = true;
  threads_.clear();  // joins
  for (auto& e : errors_seen_)
    if (first_error_.empty() && !e.empty()) first_error_ = e;
}

void UploadBurst::run(int k) {
  // The uploaders stand for other people's phones, not for this machine: on a shared box
  // they run under SCHED_IDLE, so the CPU they burn themselves (making and sending the
  // bytes) does not count against the server's message path (bench/README.md).
  sched_param none{};
  pthread_setschedparam(pthread_self(), SCHED_IDLE, &none);
  MediaClient client(targets_.nodes[static_cast<std::size_t>(k) % targets_.size()].endpoint(), users_[k].token);
  StampedFile file(pattern_);
  UploadSpec file_spec, photo_spec;
  photo_spec.content_type = "image/jpeg";
  photo_spec.kind = "image";
  for (std::int64_t n = 0; !stopping_; ++n) {
    const bool photo = (n + k) % 2 == 0;  // half the threads begin with a photo
    const std::string_view bytes = photo ? std::string_view(jpeg_) : file.next(k, n);
    auto r = client.upload(bytes, photo ? photo_spec : file_spec);
    if (r.id.empty()) {
      if (errors_seen_[k].empty()) errors_seen_[k] = r.error;
      ++errors_;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // a failing server is not hammered
      continue;
    }
    ++uploads_;
    bytes_ += static_cast<std::int64_t>(bytes.size());
  }
}

void report_burst(json::object& r, const Targets& t, const UploadBurst& b, BurstSplit& s, std::int64_t start_us,
                  std::int64_t end_us, double burst_cpu_s, double total_cpu_s) {
  if (s.windows.empty()) return;
  auto at_s = [&](std::int64_t us) { return round_to(static_cast<double>(us - start_us) / 1e6, 2); };
  r["burst_from_s"] = at_s(s.windows.front().first);
  r["burst_to_s"] = at_s(s.windows.back().second);
  r["burst_cycles"] = s.windows.size();
  double burst_s = 0;
  for (auto [from, to] : s.windows) burst_s += static_cast<double>(to - from) / 1e6;
  r["burst_uploads"] = b.uploads();
  r["burst_upload_mib"] = round_to(b.mib(), 1);
  r["burst_upload_errors"] = b.errors();
  report_percentiles(r, s.calm, "calm_");
  report_percentiles(r, s.burst, "burst_");
  if (s.calm.count() > 0 && s.burst.count() > 0 && s.calm.percentile(99) > 0)
    r["burst_p99_rise_pct"] = round_to((s.burst.percentile(99) / s.calm.percentile(99) - 1) * 100, 1);
  if (!t.spawned()) return;
  const double calm_s = static_cast<double>(end_us - start_us) / 1e6 - burst_s;
  const double calm_cpu_s = total_cpu_s - burst_cpu_s;
  if (burst_s > 0) r["burst_server_cpu_pct"] = round_to(burst_cpu_s / burst_s * 100, 2);
  if (calm_s > 0) r["calm_server_cpu_pct"] = round_to(calm_cpu_s / calm_s * 100, 2);
  if (s.calm.count() > 0)
    r["calm_server_cpu_us_per_msg"] = round_to(calm_cpu_s * 1e6 / static_cast<double>(s.calm.count()), 2);
}

}  // namespace parley::bench
