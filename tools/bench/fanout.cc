// group and room: chats created through the protocol (the client library), then every
// online member on the lean load path. Each member tracks every post of its chat by
// identity (poster slot and number, from the client id), so loss is "acked by the server,
// never received by this member", per member and post.
#include <algorithm>
#include <climits>
#include <cmath>
#include <condition_variable>
#include <iostream>
#include <map>
#include <mutex>
#include <stdexcept>

#include "bench/cpu.h"
#include "bench/lean_loops.h"
#include "bench/lean_sender.h"
#include "bench/report.h"
#include "bench/scenarios.h"

namespace parley::bench {

namespace json = boost::json;

namespace {

// Creates `chats` groups (every member added) or one room (members added 256 per request)
// through one admin connection per chat, as a client would. Returns their ids.
std::vector<std::int64_t> create_chats(const Common& common, Targets& targets, const std::vector<BenchUser>& users,
                                       const FanoutOptions& o, int chats) {
  std::vector<std::int64_t> ids;
  Pool pool(1);
  for (int g = 0; g < chats; ++g) {
    const int base = g * o.members;
    std::mutex mu;  // guards done, errors (handlers run on the pool's thread)
    std::condition_variable cv;
    std::map<std::string, client::Done> done;
    std::vector<client::Error> errors;
    client::Handlers h;
    h.on_done = [&](const client::Done& d) {
      std::lock_guard lk(mu);
      done[d.id] = d;
      cv.notify_all();
    };
    h.on_error = [&](const client::Error& e) {
      std::lock_guard lk(mu);
      errors.push_back(e);
      cv.notify_all();
    };
    client::Options ao = conn_options(targets, users[base], 0, common);
    ao.sync_on_connect = false;
    auto admin = client::Connection::create(pool.at(0), ao, h);
    admin->start();
    auto await = [&](const std::string& id) {
      std::unique_lock lk(mu);
      cv.wait_for(lk, std::chrono::seconds(60), [&] { return done.count(id) || !errors.empty(); });
      if (!errors.empty()) throw std::runtime_error("setting up the chat: " + errors[0].code + ": " + errors[0].message);
      if (!done.count(id)) throw std::runtime_error("setting up the chat: no answer in 60 s");
      return done[id];
    };
    std::vector<std::int64_t> first;
    if (!o.room)
      for (int k = 1; k < o.members; ++k) first.push_back(users[base + k].user);
    json::object extra;
    if (o.room && o.posters > 1) extra["everyone_posts"] = true;
    auto created = await(admin->create_chat(o.room ? "room" : "group", "bench " + std::to_string(g), first, extra));
    ids.push_back(created.chat);
    if (o.room) {
      for (int k = 1; k < o.members; k += 256) {
        std::vector<std::int64_t> batch;
        for (int j = k; j < std::min(o.members, k + 256); ++j) batch.push_back(users[j].user);
        await(admin->change_chat(created.chat, "add", batch));
      }
    }
    admin->stop();
  }
  return ids;
}

// One connected member: receives every post of its chat; the first `posters` also post.
// Post n of poster slot k: client id "f<k>-<n>", text "f:<k>:<n>:<send time, µs>".
struct Member : lean::Handler, LeanSender {
  int slot = -1;  // poster slot in its chat; -1: only reads
  std::int64_t chat = 0;
  lean::Conn* conn = nullptr;
  std::vector<IdBits> received;  // per poster slot of the chat
  std::int64_t delivered = 0, duplicates = 0, out_of_order = 0, gaps = 0, in_window = 0;
  std::int64_t last_seq = 0;
  std::int64_t window_start_us = LLONG_MAX, window_end_us = LLONG_MAX;
  Latencies lat;
  std::atomic<std::int64_t> delivered_count{0};  // read by the main thread while the loop runs

  void send(std::int64_t n, std::int64_t sent_us) override {
    lean::FrameBuf b;
    b.raw(R"({"type":"send","id":"f)").num(slot).raw("-").num(n).raw(R"(","chat":)").num(chat);
    b.raw(R"(,"text":"f:)").num(slot).raw(":").num(n).raw(":").num(sent_us).raw("\"}");
    conn->send_text(b.view());
  }

  void on_frame(lean::Conn&, const lean::Frame& f) override {
    if (slot >= 0 && on_answer(f)) return;
    if (f.type != "msg" || f.chat != chat || f.text.rfind("f:", 0) != 0 || f.id.size() < 2) return;
    const std::int64_t t = now_us();
    const std::int64_t k = lean::number_after(f.id.substr(0, f.id.rfind('-')), 'f');
    const std::int64_t n = lean::number_after(f.id, '-');
    const std::int64_t sent_us = lean::number_after(f.text, ':');
    if (k < 0 || n < 0 || sent_us < 0) return;
    if (static_cast<std::size_t>(k) >= received.size()) received.resize(static_cast<std::size_t>(k) + 1);
    if (!received[static_cast<std::size_t>(k)].mark(n)) {
      ++duplicates;
      return;
    }
    if (f.seq < last_seq) ++out_of_order;
    else if (last_seq && f.seq != last_seq + 1) ++gaps;  // posts are the chat's only messages now
    last_seq = std::max(last_seq, f.seq);
    ++delivered;
    delivered_count.fetch_add(1, std::memory_order_relaxed);
    lat.add(static_cast<double>(t - sent_us) / 1000.0);
    if (t >= window_start_us && t <= window_end_us) ++in_window;
  }
};

}  // namespace

json::object run_fanout(const Common& common, const FanoutOptions& o) {
  long fds = raise_fd_limit();
  auto targets = make_targets(common);
  const int chats = o.room ? 1 : o.groups;
  const int total_users = o.room ? o.members : o.groups * o.members;
  if (o.posters > o.members) throw std::runtime_error("--posters must not exceed --members");
  // Each connection is a socket in this process and one in the server's: stay within both.
  int budget = static_cast<int>(std::max(100L, fds - 500));
  int online = o.room ? (o.online > 0 ? std::min(o.online, o.members) : o.members) : total_users;
  if (online > budget) {
    std::cerr << "bench: the open-file limit (" << fds << ") allows " << budget << " connections, not " << online
              << "; connecting " << budget << " members\n";
    online = budget;
  }
  std::cerr << "bench: creating " << total_users << " users\n";
  auto users = targets.make_users(total_users);
  auto chat_ids = create_chats(common, targets, users, o, chats);
  std::cerr << "bench: " << chats << (o.room ? " room" : " groups") << " of " << o.members << " members; connecting "
            << online << "\n";

  // Members: in a group everyone; in a room the first `online` (the admin and posters first).
  const int nloops = std::max(1, common.threads);
  // Declared before the loops, so that they outlive the loop threads even on a throw.
  std::vector<std::unique_ptr<Member>> members;
  std::vector<std::vector<Member*>> posters_on(nloops);
  LeanLoops loops;
  for (int k = 0; k < nloops; ++k) loops.push_back(std::make_unique<lean::Loop>());
  for (int i = 0; i < online; ++i) {
    auto m = std::make_unique<Member>();
    const int g = i / o.members, k = i % o.members;
    m->chat = chat_ids[g];
    m->slot = k < o.posters ? k : -1;
    m->window = o.window;
    if (m->slot >= 0 && o.rate > 0) m->interval_us = static_cast<std::int64_t>(1e6 * chats * o.posters / o.rate);
    m->conn = &loops[i % nloops]->add(lean_options(targets, users[i], static_cast<std::size_t>(i), common, m.get()));
    if (m->slot >= 0) posters_on[i % nloops].push_back(m.get());
    members.push_back(std::move(m));
  }
  start_paced(loops, posters_on);
  await_signed_in(loops, online, 120, "members");
  std::cerr << "bench: " << online << " members connected; posting for " << o.duration << " s\n";

  CpuWindow cpu(targets);
  cpu.start();
  const std::int64_t start = now_us();
  const std::int64_t end_us = start + static_cast<std::int64_t>(o.duration * 1e6);
  const int poster_count =
      static_cast<int>(std::count_if(members.begin(), members.end(), [](auto& m) { return m->slot >= 0; }));
  for (int k = 0; k < nloops; ++k)
    loops[k]->post([&ms = members, &ps = posters_on[k], k, nloops, start, end_us, poster_count] {
      for (std::size_t i = static_cast<std::size_t>(k); i < ms.size(); i += static_cast<std::size_t>(nloops)) {
        ms[i]->window_start_us = start;
        ms[i]->window_end_us = end_us;
      }
      int p = k;
      for (auto* m : ps) {
        m->begin(start + m->interval_us * p / std::max(1, poster_count));
        p += nloops;
      }
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(o.duration));
  cpu.stop();
  long rss = targets.rss_kib();
  for (int k = 0; k < nloops; ++k)
    loops[k]->post([&ps = posters_on[k]] {
      for (auto* m : ps) m->end();
    });
  // Drain: every acked post must reach every connected member of its chat (bounded wait).
  auto expected = [&] {
    std::map<std::int64_t, std::int64_t> acked_per_chat;
    for (auto& m : members) acked_per_chat[m->chat] += m->acked;
    std::int64_t e = 0;
    for (auto& m : members) e += acked_per_chat[m->chat];
    return e;
  };
  bool drained = wait_until([&] {
    std::int64_t d = 0;
    for (auto& m : members) {
      if (m->slot >= 0 && !m->answered()) return false;
      d += m->delivered_count;
    }
    return d >= expected();
  }, 60);
  const auto dropped = sum(loops, [](const lean::Loop& l) { return l.failed(); });
  const auto protocol_errors = sum(loops, [](const lean::Loop& l) { return l.protocol_errors(); });
  for (auto& l : loops) l->stop();  // the threads end here: member state is ours to read

  // Loss by identity: for every member, every post its chat's posters had acked.
  std::map<std::pair<std::int64_t, int>, const IdBits*> acked_by;  // (chat, slot) -> acked post numbers
  std::int64_t posts = 0, refused = 0;
  for (auto& m : members)
    if (m->slot >= 0) {
      acked_by[{m->chat, m->slot}] = &m->acked_ids;
      posts += m->acked;
      refused += m->refused;
    }
  std::int64_t delivered = 0, lost = 0, dups = 0, ooo = 0, gaps = 0, in_window = 0;
  Latencies all;
  const IdBits none;
  for (auto& m : members) {
    delivered += m->delivered;
    dups += m->duplicates;
    ooo += m->out_of_order;
    gaps += m->gaps;
    in_window += m->in_window;
    for (auto& [key, acked] : acked_by) {
      if (key.first != m->chat) continue;
      const auto k = static_cast<std::size_t>(key.second);
      lost += acked->count_missing_from(k < m->received.size() ? m->received[k] : none);
    }
    for (double v : m->lat.samples()) all.add(v);
  }
  json::object r;
  r["scenario"] = o.room ? "room" : "group";
  r["client"] = "lean";
  r["nodes"] = static_cast<std::int64_t>(targets.size());
  r["chats"] = chats;
  r["members"] = o.members;
  r["online"] = online;
  r["posters"] = poster_count;
  r["rate"] = o.rate;
  r["duration_s"] = o.duration;
  r["receipts"] = !common.no_receipts;
  r["posts"] = posts;
  r["refused"] = refused;
  r["posts_per_s"] = std::round(static_cast<double>(posts) / o.duration);
  r["deliveries_per_s"] = std::round(static_cast<double>(in_window) / o.duration);
  report_percentiles(r, all);
  r["delivered"] = delivered;
  r["expected"] = expected();
  r["lost"] = lost;
  r["duplicates"] = dups;
  r["out_of_order"] = ooo;
  r["gaps"] = gaps;
  r["drained"] = drained;
  r["dropped_connections"] = dropped;
  r["protocol_errors"] = protocol_errors;
  report_rss(r, targets, rss);
  cpu.report_pct(r);
  cpu.report_per(r, "delivery", static_cast<double>(in_window));
  std::cerr << "bench: " << r["scenario"].as_string() << ": " << posts << " posts to " << online
            << " connected members, " << r["deliveries_per_s"].as_double() << " deliveries/s, lost " << lost << ", duplicates "
            << dups << ", out of order " << ooo << "\n";
  return r;
}

}  // namespace parley::bench
