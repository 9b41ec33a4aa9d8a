// one-to-one on the lean load path: P sender/receiver pairs, each pair's two connections
// on one epoll loop (so a pair's state has one thread), flat out with a window of unacked
// messages per sender or paced at a total rate. Loss, duplicates and order are checked
// by message identity (the client id the sender chose, seen again in the receiver's msg).
// --upload-burst K: K uploaders run in the middle third of the window, or in --burst-cycles
// slices alternating with calm ones (upload_burst.h),
// and latency is reported apart for messages sent during the burst and outside it.
// --push healthy|stalled: every receiver has a webhook target at a PushSink (push_sink.h)
// that answers at once or never; receivers send no heartbeat, so they are away and each
// message also makes a push job (collapsed per chat for push.collapse_ms).
#include <algorithm>
#include <atomic>
#include <climits>
#include <cmath>
#include <iostream>
#include <stdexcept>

#include "bench/lean_loops.h"
#include "bench/lean_sender.h"
#include "bench/pairs.h"
#include "bench/push_load.h"
#include "bench/report.h"
#include "bench/upload_burst.h"

namespace parley::bench {

namespace json = boost::json;

namespace {

struct LeanPair : lean::Handler, LeanSender {
  int idx = 0;
  std::int64_t to = 0;
  lean::Conn* tx = nullptr;
  lean::Conn* rx = nullptr;
  std::int64_t window_end_us = LLONG_MAX, in_window = 0;
  Stream stream;  // stream.acked is filled from acked_ids once the loop stopped
  Latencies lat;
  std::vector<std::int64_t> lat_sent_us;  // with a burst: when lat's samples were sent, in order
  bool track_sent = false;
  std::atomic<std::int64_t> received{0};  // read by the main thread while the loop runs

  void send(std::int64_t n, std::int64_t sent_us) override {
    lean::FrameBuf b;
    b.raw(R"({"type":"send","id":"b)").num(idx).raw("-").num(n).raw(R"(","to":)").num(to);
    b.raw(R"(,"text":"b:)").num(n).raw(":").num(sent_us).raw("\"}");
    tx->send_text(b.view());
  }

  void on_frame(lean::Conn& c, const lean::Frame& f) override {
    if (&c == tx) {
      on_answer(f);
      return;
    }
    if (f.type != "msg") return;
    std::int64_t t = now_us();
    std::int64_t n = lean::number_after(f.id, '-');
    std::int64_t sent_us = pair_sent_us(f.text);
    if (n < 0 || sent_us < 0 || !stream.receive(n, f.seq)) return;
    received.fetch_add(1, std::memory_order_relaxed);
    lat.add(static_cast<double>(t - sent_us) / 1000.0);
    if (track_sent) lat_sent_us.push_back(sent_us);
    if (t <= window_end_us) ++in_window;
  }
};

}  // namespace

json::object run_one_to_one(const Common& common, const PairsOptions& o) {
  raise_fd_limit();
  std::unique_ptr<PushSink> sink;
  if (!o.push.empty()) {
    sink = std::make_unique<PushSink>(push_mode(o.push), o.push_answer_ms);
    sink->start();
  }
  auto target = make_targets(sink ? with_webhook(common, *sink) : common);
  SinkStopsFirst stop_first{sink.get()};
  std::cerr << "bench: creating " << 2 * o.pairs + o.upload_burst << " users\n";
  auto users = target.make_users(2 * o.pairs + o.upload_burst);
  if (sink) {
    std::vector<BenchUser> receivers;
    for (int i = 0; i < o.pairs; ++i) receivers.push_back(users[2 * i + 1]);
    register_webhook_targets(target, receivers);
  }
  std::unique_ptr<UploadBurst> burst;
  if (o.upload_burst > 0)
    burst = std::make_unique<UploadBurst>(target, std::vector<BenchUser>(users.begin() + 2 * o.pairs, users.end()),
                                          o.burst_file_mb, o.burst_megapixels);
  const int nloops = std::max(1, std::min(common.threads, o.pairs));
  // Declared before the loops, so that they outlive the loop threads even on a throw.
  std::vector<std::unique_ptr<LeanPair>> pairs;
  std::vector<std::vector<LeanPair*>> on_loop(nloops);
  LeanLoops loops;
  for (int k = 0; k < nloops; ++k) loops.push_back(std::make_unique<lean::Loop>());
  // Connection i on node i % nodes: sender and receiver on different nodes.
  auto conn = [&](std::size_t i, LeanPair* p) { return lean_options(target, users[i], i, common, p); };
  for (int i = 0; i < o.pairs; ++i) {
    auto p = std::make_unique<LeanPair>();
    p->idx = i;
    p->to = users[2 * i + 1].user;
    p->window = o.window;
    p->track_sent = burst != nullptr;
    if (o.rate > 0) p->interval_us = static_cast<std::int64_t>(1e6 * o.pairs / o.rate);
    auto& loop = *loops[i % nloops];
    p->tx = &loop.add(conn(2 * i, p.get()));
    p->rx = &loop.add(conn(2 * i + 1, p.get()));
    on_loop[i % nloops].push_back(p.get());
    pairs.push_back(std::move(p));
  }
  start_paced(loops, on_loop);
  await_signed_in(loops, 2 * o.pairs, 60, "connections");

  CpuWindow cpu(target);
  const double sink_cpu0 = sink ? sink->cpu_seconds() : 0;
  const std::int64_t push0 = sink ? sink->requests() : 0, answered0 = sink ? sink->answered() : 0;
  const PushCounters counters0 = sink ? PushCounters::read(target) : PushCounters{};
  cpu.start();
  const std::int64_t start = now_us();
  const auto end_us = start + static_cast<std::int64_t>(o.duration * 1e6);
  for (int k = 0; k < nloops; ++k)
    loops[k]->post([&ps = on_loop[k], start, end_us, n = o.pairs] {
      for (auto* p : ps) {
        p->window_end_us = end_us;
        p->begin(start + p->interval_us * p->idx / n);
      }
    });
  BurstSplit split;
  double burst_cpu_s = 0;
  if (burst) {  // slices of calm and burst alternating, calm first and last (1 cycle: the
                // middle third); a burst lasts longer if the uploads in flight take longer
    auto sleep_until_us = [](std::int64_t at) {
      if (at > now_us()) std::this_thread::sleep_for(std::chrono::microseconds(at - now_us()));
    };
    const std::int64_t slices = 2 * o.burst_cycles + 1, span = end_us - start;
    for (int c = 0; c < o.burst_cycles; ++c) {
      sleep_until_us(start + (2 * c + 1) * span / slices);
      const double cpu0 = target.cpu_seconds();
      const std::int64_t from = now_us();
      burst->start();
      sleep_until_us(start + (2 * c + 2) * span / slices);
      burst->stop();
      split.windows.emplace_back(from, now_us());
      burst_cpu_s += target.cpu_seconds() - cpu0;
    }
    if (!burst->first_error().empty()) std::cerr << "bench: first upload failure: " << burst->first_error() << "\n";
    sleep_until_us(end_us);
  } else {
    std::this_thread::sleep_for(std::chrono::duration<double>(o.duration));
  }
  cpu.stop();
  const double sink_cpu_s = sink ? sink->cpu_seconds() - sink_cpu0 : 0;
  const std::int64_t push_requests = sink ? sink->requests() - push0 : 0;
  const std::int64_t notifications = sink ? sink->answered() - answered0 : 0;
  const PushCounters counters1 = sink ? PushCounters::read(target) : PushCounters{};
  long rss = target.rss_kib();
  for (int k = 0; k < nloops; ++k)
    loops[k]->post([&ps = on_loop[k]] {
      for (auto* p : ps) p->end();
    });
  // Drain: every send answered, every acked message arrived (bounded wait).
  bool drained = wait_until([&] {
    for (auto& p : pairs)
      if (!p->answered() || p->received < p->acked) return false;
    return true;
  }, 20);
  const auto dropped = sum(loops, [](const lean::Loop& l) { return l.failed(); });
  const auto protocol_errors = sum(loops, [](const lean::Loop& l) { return l.protocol_errors(); });
  for (auto& l : loops) l->stop();  // the threads end here: pair state is ours to read

  PairTotals totals;
  std::int64_t refused = 0;
  for (auto& p : pairs) {
    p->stream.acked = p->acked_ids;
    totals.add(p->stream);
    totals.in_window += p->in_window;
    refused += p->refused;
    for (double v : p->lat.samples()) totals.latency.add(v);
    for (std::size_t i = 0; i < p->lat_sent_us.size(); ++i) split.add(p->lat_sent_us[i], p->lat.samples()[i]);
  }
  auto r = pairs_result("one-to-one", "lean", common, o, target, totals, cpu, rss, drained);
  r["refused"] = refused;
  r["dropped_connections"] = dropped;
  r["protocol_errors"] = protocol_errors;
  // Push: counts within the window, but the overlapping notifications and the chats
  // notified, over the whole run; the bench's CPU includes the sink's.
  if (sink) {
    r["push"] = o.push;
    if (o.push_answer_ms > 0) r["push_answer_ms"] = o.push_answer_ms;
    const auto notes = sink->notes_since(0);
    r["push_overlapping_notifications"] = overlapping_notifications(notes);
    r["push_chats_notified"] = chats_notified(notes);
    r["push_requests"] = push_requests;
    r["notifications"] = notifications;
    r["notifications_per_s"] = round_to(static_cast<double>(notifications) / cpu.wall_s(), 1);
    r["push_unreadable"] = sink->unreadable();
    r["sink_connections"] = sink->connections();
    if (o.push == "stalled") r["push_same_chat_in_flight"] = sink->same_chat_in_flight();
    r["sink_cpu_pct"] = round_to(sink_cpu_s / cpu.wall_s() * 100, 2);
    counters1.report_since(r, counters0);
    std::cerr << "bench: push " << o.push << ": " << push_requests << " webhook requests, " << notifications
              << " answered in the window; sink CPU " << sink_cpu_s << " s\n";
  }
  if (burst) {
    r["upload_burst"] = o.upload_burst;
    report_burst(r, target, *burst, split, start, std::max(end_us, split.windows.back().second), burst_cpu_s,
                 cpu.server_s());
  }
  return r;
}

}  // namespace parley::bench
