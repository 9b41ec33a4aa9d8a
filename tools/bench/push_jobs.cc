// push-jobs: how fast push notifications go out and what each costs. N recipients, each with
// a webhook target and no connection (away, so every message to them makes a push job),
// and one sender on the lean path sending M messages round robin over their chats, paced
// at --rate or flat out with --window unacked. parleyd's webhook provider posts to a
// PushSink in this process, which answers at once. With push.collapse_ms 0 a job is due
// as soon as the push queue has stored it; messages that come while their chat's job still
// waits are taken into it (its count), so there can be fewer notifications than messages:
// both are reported. Each acked message is matched to the first notification of its chat
// whose seq reaches it (the body's parley.chat and parley.seq): its delay is from the ack
// to that notification's arrival, on the bench's one clock.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <mutex>
#include <unordered_map>

#include "bench/cpu.h"
#include "bench/lean_loops.h"
#include "bench/lean_sender.h"
#include "bench/push_load.h"
#include "bench/report.h"
#include "bench/scenarios.h"

namespace parley::bench {

namespace json = boost::json;

namespace {

struct Acked {
  std::int64_t chat = 0, seq = 0, at_us = 0;
};

// The one sender: message n goes to recipient n mod N.
struct PushSender : lean::Handler, LeanSender {
  std::vector<std::int64_t> to;
  lean::Conn* tx = nullptr;
  std::mutex mu;  // guards acks: the loop thread adds, the main thread copies
  std::vector<Acked> acks;

  void send(std::int64_t n, std::int64_t sent_us) override {
    lean::FrameBuf b;
    b.raw(R"({"type":"send","id":"p-)").num(n).raw(R"(","to":)").num(to[static_cast<std::size_t>(n) % to.size()]);
    b.raw(R"(,"text":"p:)").num(n).raw(":").num(sent_us).raw("\"}");
    tx->send_text(b.view());
  }

  void on_frame(lean::Conn&, const lean::Frame& f) override {
    const auto before = acked.load(std::memory_order_relaxed);
    on_answer(f);
    if (f.type == "ack" && acked.load(std::memory_order_relaxed) > before) {
      std::lock_guard lk(mu);
      acks.push_back({f.chat, f.seq, now_us()});
    }
  }
};

}  // namespace

json::object run_push_jobs(const Common& common, const PushJobsOptions& o) {
  raise_fd_limit();
  PushSink sink(PushSink::Mode::kHealthy);
  sink.start();
  auto target = make_targets(with_webhook(
      common, sink, {"push.workers=" + std::to_string(o.workers), "push.collapse_ms=" + std::to_string(o.collapse_ms)}));
  SinkStopsFirst stop_first{&sink};
  std::cerr << "bench: creating " << o.recipients + 1 << " users\n";
  auto users = target.make_users(o.recipients + 1);
  const std::vector<BenchUser> recipients(users.begin() + 1, users.end());
  if (!o.no_targets) register_webhook_targets(target, recipients);

  // Declared before the loop, so that it outlives the loop's thread even on a throw.
  PushSender sender;
  for (const auto& u : recipients) sender.to.push_back(u.user);
  sender.window = o.window;
  sender.limit = o.messages;
  if (o.rate > 0) sender.interval_us = std::max<std::int64_t>(1, std::llround(1e6 / o.rate));
  const std::vector<std::vector<PushSender*>> on_loop{{&sender}};
  LeanLoops loops;
  loops.push_back(std::make_unique<lean::Loop>());
  sender.tx = &loops[0]->add(lean_options(target, users[0], 0, common, &sender));
  start_paced(loops, on_loop);
  await_signed_in(loops, 1, 60, "sender connection");

  CpuWindow all(target), drain(target);
  const double sink_cpu0 = sink.cpu_seconds();
  all.start();
  const std::int64_t start = now_us();
  loops[0]->post([&sender, start] { sender.begin(start); });
  const double send_budget_s = (o.rate > 0 ? static_cast<double>(o.messages) / o.rate * 2 : 0) + 120;
  const bool answered =
      wait_until([&] { return sender.sent >= o.messages && sender.answered(); }, send_budget_s);
  drain.start();
  std::vector<Acked> acks;
  {
    std::lock_guard lk(sender.mu);
    acks = sender.acks;
  }
  // The wait ends when every chat had a notification reaching its last acked seq, or when
  // none came for --max-wait seconds.
  std::unordered_map<std::int64_t, std::int64_t> last_acked, last_notified;  // chat -> seq
  for (const auto& a : acks) last_acked[a.chat] = std::max(last_acked[a.chat], a.seq);
  std::size_t open = o.no_targets ? 0 : last_acked.size(), seen = 0;
  std::int64_t progress_at = now_us();
  while (open > 0 && now_us() - progress_at < static_cast<std::int64_t>(o.max_wait * 1e6)) {
    auto fresh = sink.notes_since(seen);
    seen += fresh.size();
    for (const auto& n : fresh) {
      auto want = last_acked.find(n.chat);
      if (want == last_acked.end()) continue;
      auto& got = last_notified[n.chat];
      if (got < want->second && n.seq >= want->second) --open;
      got = std::max(got, n.seq);
    }
    if (!fresh.empty()) progress_at = now_us();
    if (open > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  all.stop();
  drain.stop();
  const double sink_cpu_s = sink.cpu_seconds() - sink_cpu0;
  // Whatever comes after every message was covered is a notification sent twice.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const auto notes = sink.notes_since(0);
  const auto counters = PushCounters::read(target);
  const auto late = static_cast<std::int64_t>(notes.size() - std::min(notes.size(), seen));
  loops[0]->post([&sender] { sender.end(); });
  const auto dropped = sum(loops, [](const lean::Loop& l) { return l.failed(); });
  loops[0]->stop();

  // Each acked message's delay: its ack to the first notification of its chat reaching it.
  std::unordered_map<std::int64_t, std::vector<std::pair<std::int64_t, std::int64_t>>> by_chat;  // seq, ack
  std::int64_t last_ack_us = start;
  for (const auto& a : acks) {
    by_chat[a.chat].emplace_back(a.seq, a.at_us);
    last_ack_us = std::max(last_ack_us, a.at_us);
  }
  for (auto& [chat, v] : by_chat) std::sort(v.begin(), v.end());
  std::unordered_map<std::int64_t, std::size_t> next;
  Latencies per_message, per_notification;
  std::int64_t covered = 0, counted = 0, in_drain = 0;
  for (std::size_t i = 0; i < seen; ++i) {
    const auto& n = notes[i];
    counted += n.count;
    if (n.at_us >= last_ack_us) ++in_drain;
    auto it = by_chat.find(n.chat);
    if (it == by_chat.end()) continue;
    const auto& v = it->second;
    auto& k = next[n.chat];
    for (; k < v.size() && v[k].first <= n.seq; ++k, ++covered)
      per_message.add(static_cast<double>(n.at_us - v[k].second) / 1000.0);
    auto newest = std::lower_bound(v.begin(), v.end(), std::make_pair(n.seq, std::int64_t{0}));
    if (newest != v.end() && newest->first == n.seq)
      per_notification.add(static_cast<double>(n.at_us - newest->second) / 1000.0);
  }

  json::object r;
  r["scenario"] = "push-jobs";
  r["recipients"] = o.recipients;
  r["targets"] = !o.no_targets;
  r["workers"] = o.workers;
  r["collapse_ms"] = o.collapse_ms;
  r["rate"] = o.rate;
  r["messages"] = static_cast<std::int64_t>(acks.size());
  r["refused"] = sender.refused.load();
  r["answered"] = answered;
  const double send_s = static_cast<double>(last_ack_us - start) / 1e6;
  r["send_s"] = round_to(send_s, 3);
  if (send_s > 0) r["msg_per_s"] = std::round(static_cast<double>(acks.size()) / send_s);
  r["notifications"] = static_cast<std::int64_t>(seen);
  if (seen >= 2) {
    const double span_s = static_cast<double>(notes[seen - 1].at_us - notes[0].at_us) / 1e6;
    r["notify_span_s"] = round_to(span_s, 3);
    if (span_s > 0) r["notifications_per_s"] = std::round(static_cast<double>(seen - 1) / span_s);
  }
  r["notified_count_sum"] = counted;  // the notifications' counts: the messages they say they cover
  r["messages_covered"] = covered;
  r["messages_not_covered"] = static_cast<std::int64_t>(acks.size()) - covered;
  r["notifications_after_covered"] = late;
  r["overlapping_notifications"] = overlapping_notifications(notes);
  r["push_requests"] = sink.requests();
  r["push_unreadable"] = sink.unreadable();
  r["sink_connections"] = sink.connections();
  report_percentiles(r, per_message, "delay_");
  report_percentiles(r, per_notification, "newest_delay_");
  all.report_pct(r);
  if (target.spawned()) r["server_cpu_s"] = round_to(all.server_s(), 3);
  const double per = static_cast<double>(std::max<std::size_t>(seen, 1));
  if (seen > 0) {
    all.report_per(r, "notification", per);
    r["sink_cpu_us_per_notification"] = round_to(sink_cpu_s * 1e6 / per, 2);
  }
  if (all.wall_s() > 0) r["sink_cpu_pct"] = round_to(sink_cpu_s / all.wall_s() * 100, 2);
  // After the last ack only push work is left: the cleanest per-notification figure.
  r["drain_s"] = round_to(drain.wall_s(), 3);
  r["drain_notifications"] = in_drain;
  if (in_drain >= 100 && target.spawned())
    r["drain_server_cpu_us_per_notification"] = round_to(drain.server_s() * 1e6 / static_cast<double>(in_drain), 2);
  r["dropped_connections"] = dropped;
  counters.report_since(r, PushCounters{0, 0, 0, 0, 0});
  std::cerr << "bench: push-jobs " << o.recipients << " recipients, " << o.workers << " workers: " << acks.size()
            << " messages in " << send_s << " s, " << seen << " notifications ("
            << (r.contains("notifications_per_s") ? r["notifications_per_s"].as_double() : 0.0) << "/s), covering "
            << covered << " messages; server CPU per notification "
            << (seen > 0 && target.spawned() ? std::to_string(all.server_s() * 1e6 / per) : std::string("?"))
            << " us, sink " << sink_cpu_s * 1e6 / per << " us\n";
  return r;
}

}  // namespace parley::bench
