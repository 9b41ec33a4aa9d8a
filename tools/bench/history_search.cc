// history-search: loads a chat of N messages (user A to user B) and a search set of M
// messages (user S to K peers, round robin, texts from search_corpus.h) through the real
// server on the lean load path, as fast as one pipelined connection each goes; then, with
// the server otherwise idle, times history pages and searches over one kept-alive HTTP
// connection per measurement. One JSON line per phase and measurement; the last, `data`,
// holds the data's size and the run's totals (bench/README.md).
#include <boost/json/parse.hpp>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <thread>

#include "bench/cpu.h"
#include "bench/lean_loops.h"
#include "bench/lean_sender.h"
#include "bench/media_client.h"
#include "bench/report.h"
#include "bench/scenarios.h"
#include "bench/search_corpus.h"
#include "common/fresh_database.h"

#include "bench/splitmix.h"

namespace parley::bench {

namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

constexpr int kHistoryPage = 50;
constexpr int kSearchPage = 20;  // the server's default page
constexpr double kStallS = 30;   // a load phase ends when no send was answered for this long

// One loading connection: message n goes to to[n % to.size()] with the corpus's text n of
// `stream`, pipelined (LeanSender's window), and sending ends after `total`.
struct Loader : lean::Handler, LeanSender {
  const SearchCorpus* corpus = nullptr;
  std::uint64_t stream = 0;
  std::int64_t total = 0;
  const char* prefix = "";
  std::vector<std::int64_t> to, chat_of;  // chat_of[i]: the chat with to[i], from the acks
  lean::Conn* conn = nullptr;
  std::atomic<std::int64_t> too_long{0};
  std::string text;

  void send(std::int64_t n, std::int64_t) override {
    corpus->text(stream, n, text);
    lean::FrameBuf b;
    b.raw(R"({"type":"send","id":")").raw(prefix).raw("-").num(n).raw(R"(","to":)");
    b.num(to[static_cast<std::size_t>(n) % to.size()]).raw(R"(,"text":")").raw(text).raw("\"}");
    if (b.full()) too_long.fetch_add(1, std::memory_order_relaxed);
    conn->send_text(b.view());
    if (n + 1 >= total) end();
  }
  void on_frame(lean::Conn&, const lean::Frame& f) override {
    const std::int64_t n = lean::number_after(f.id, '-');
    if (f.type == "ack" && n >= 0 && f.chat > 0) chat_of[static_cast<std::size_t>(n) % to.size()] = f.chat;
    on_answer(f);
  }
};

// CPU of the PostgreSQL client backends connected to the run's database (the server's
// queries run there, not in parleyd) over a window; nothing without a database URL.
// A backend that ends inside the window takes its CPU with it.
class DbCpu {
 public:
  explicit DbCpu(std::string url) : url_(std::move(url)) {}
  void start() {
    if (!url_.empty()) start_ = read();
  }
  void stop() {
    if (url_.empty()) return;
    s_ = 0;
    readable_ = false;
    for (auto& [pid, cpu] : read()) {
      auto it = start_.find(pid);
      s_ += cpu - (it == start_.end() ? 0 : it->second);
      readable_ = readable_ || cpu > 0;
    }
  }
  void report_per(json::object& r, const std::string& unit, double count) const {
    if (!url_.empty() && readable_ && count > 0) r["db_cpu_us_per_" + unit] = round_to(s_ * 1e6 / count, 2);
  }

 private:
  std::map<int, double> read() const {
    std::map<int, double> m;
    for (int pid : tools::database_backend_pids(url_)) m[pid] = tools::process_cpu_seconds(pid);
    return m;
  }
  std::string url_;
  std::map<int, double> start_;
  double s_ = 0;
  bool readable_ = false;
};

// Waits (bounded) until the spawned server's CPU stays under 2 % of a core for 0.5 s.
void settle(const Targets& t) {
  if (!t.spawned()) return std::this_thread::sleep_for(std::chrono::seconds(1));
  for (int i = 0; i < 60; ++i) {
    const double c0 = t.cpu_seconds();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    if (t.cpu_seconds() - c0 <= 0.01) return;
  }
}

// What the search set holds for each query (terms split at spaces; every term a whole
// word but the last, which is a prefix; a CJK query a substring), counted over the texts.
struct Expect {
  std::string q;
  std::int64_t chat_mod = -1;  // >= 0: only the chat of peer 0 (n % K == 0)
  std::int64_t count = 0;
};

void count_expected(const SearchCorpus& corpus, std::int64_t total, std::int64_t chats, std::vector<Expect>& ex) {
  std::string text;
  std::vector<std::string_view> words;
  for (std::int64_t n = 0; n < total; ++n) {
    corpus.text(1, n, text);
    words.clear();
    for (std::size_t at = 0; at <= text.size();) {
      std::size_t end = std::min(text.find(' ', at), text.size());
      words.emplace_back(text.data() + at, end - at);
      at = end + 1;
    }
    for (auto& e : ex) {
      if (e.chat_mod >= 0 && n % chats != 0) continue;
      if (static_cast<unsigned char>(e.q[0]) >= 0x80) {
        e.count += text.find(e.q) != std::string::npos;
        continue;
      }
      bool all = true;
      for (std::size_t from = 0; all && from < e.q.size();) {
        std::size_t end = std::min(e.q.find(' ', from), e.q.size());
        std::string_view term(e.q.data() + from, end - from);
        const bool last = end == e.q.size();
        all = std::any_of(words.begin(), words.end(), [&](std::string_view w) {
          return last ? w.substr(0, term.size()) == term : w == term;
        });
        from = end + 1;
      }
      e.count += all;
    }
  }
}

}  // namespace

json::object run_history_search(const Common& common, const HistorySearchOptions& o) {
  Common c = common;  // searches limited by the index, not by the per-user limiter (a later --server-set wins)
  c.sets.insert(c.sets.begin(), "limits.searches_per_minute=1000000");
  auto targets = make_targets(c);
  json::object base{{"scenario", "history-search"}, {"nodes", static_cast<std::int64_t>(targets.size())}};
  std::string pg_url = targets.postgres_url;
  if (targets.spawned()) {
    bool postgres = !c.postgres.empty();
    for (auto& s : c.sets) {
      if (s == "store.kind=postgres") postgres = true;
      if (s.rfind("store.postgres_url=", 0) == 0 && pg_url.empty()) pg_url = s.substr(19);
    }
    base["store"] = postgres ? "postgres" : "sqlite";
    if (!postgres) pg_url.clear();
  }
  const SearchCorpus corpus;
  std::cerr << "bench: creating " << 3 + o.search_chats << " users\n";
  auto users = targets.make_users(3 + o.search_chats);  // A, B, S, then S's peers

  Loader hist, search;
  hist.corpus = search.corpus = &corpus;
  hist.stream = 0;
  search.stream = 1;
  hist.total = o.history_messages;
  search.total = o.search_messages;
  hist.prefix = "h";
  search.prefix = "s";
  hist.to = {users[1].user};
  for (int i = 0; i < o.search_chats; ++i) search.to.push_back(users[3 + static_cast<std::size_t>(i)].user);
  for (Loader* l : {&hist, &search}) {
    l->chat_of.assign(l->to.size(), 0);
    l->window = o.window;
  }
  std::vector<std::vector<Loader*>> on_loop{{&hist, &search}};
  LeanLoops loops;
  loops.push_back(std::make_unique<lean::Loop>());
  hist.conn = &loops[0]->add(lean_options(targets, users[0], 0, c, &hist));
  search.conn = &loops[0]->add(lean_options(targets, users[2], 1, c, &search));
  start_paced(loops, on_loop);
  await_signed_in(loops, 2, 60, "loading connections");

  DbCpu db(pg_url);
  std::int64_t incomplete = 0, request_errors = 0;
  auto load = [&](Loader& l, const char* measure) {
    CpuWindow cpu(targets);
    cpu.start();
    db.start();
    loops[0]->post([&l] { l.begin(now_us()); });
    std::int64_t last = -1;
    double last_change = now_ms();
    while (l.acked + l.refused < l.total && now_ms() - last_change < kStallS * 1000) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (l.acked + l.refused != last) last = l.acked + l.refused, last_change = now_ms();
    }
    cpu.stop();
    db.stop();
    const double acked = static_cast<double>(l.acked.load());
    const bool complete = l.acked + l.refused >= l.total;
    incomplete += !complete;
    json::object r = base;
    r["measure"] = measure;
    r["messages"] = l.total;
    r["chats"] = static_cast<std::int64_t>(l.to.size());
    r["window"] = l.window;
    r["acked"] = l.acked.load();
    r["refused"] = l.refused.load();
    r["complete"] = complete;
    if (l.too_long > 0) r["truncated_frames"] = l.too_long.load();
    r["load_s"] = round_to(cpu.wall_s(), 3);
    if (cpu.wall_s() > 0) r["msg_per_s"] = std::round(acked / cpu.wall_s());
    report_rss(r, targets, targets.rss_kib());
    cpu.report_pct(r);
    cpu.report_per(r, "msg", acked);
    db.report_per(r, "msg", acked);
    std::cerr << "bench: " << measure << ": " << l.acked << " of " << l.total << " acked in " << cpu.wall_s()
              << " s\n";
    std::cout << to_line(r) << std::endl;
  };
  load(hist, "load-history");
  load(search, "load-search");
  for (auto& l : loops) l->stop();  // the thread ends here: chat_of is ours to read

  // The data as loaded, once the server has settled (SQLite: its WAL checkpointed).
  json::object data = base;
  data["measure"] = "data";
  settle(targets);
  if (targets.spawned() && !targets.front().data_dir().empty() && pg_url.empty()) {
    const fs::path dir = targets.front().data_dir();
    std::error_code ec;
    std::uintmax_t total = 0;
    for (auto& e : fs::recursive_directory_iterator(dir, ec))
      if (e.is_regular_file(ec)) total += e.file_size(ec);
    data["data_dir_mb"] = round_to(static_cast<double>(total) / 1048576.0, 1);
    auto mb = [&](const char* name, const char* key) {
      const auto size = fs::file_size(dir / name, ec);
      if (!ec) data[key] = round_to(static_cast<double>(size) / 1048576.0, 1);
    };
    mb("parley.db", "db_mb");
    mb("parley.db-wal", "wal_mb");
  }
  if (!pg_url.empty()) {
    data["pg_database_mb"] = round_to(static_cast<double>(tools::database_bytes(pg_url)) / 1048576.0, 1);
    tools::analyze_database(pg_url);  // what autovacuum would soon do; the plans then do not depend on when we ask
    data["pg_analyzed"] = true;
    settle(targets);
  }

  // The queries, over the search set of S.
  const std::int64_t history_chat = hist.chat_of[0], chat0 = search.chat_of[0];
  std::vector<std::pair<const char*, Expect>> searches{
      {"search-rare", {SearchCorpus::kPlanted[0].word}},
      {"search-medium", {SearchCorpus::kPlanted[1].word}},
      {"search-common", {SearchCorpus::kPlanted[2].word}},
      {"search-two-words", {corpus.word(1) + " " + corpus.word(12)}},
      {"search-prefix", {corpus.word(5).substr(0, 3)}},
      {"search-chinese", {SearchCorpus::kChineseQuery}},
      {"search-in-chat", {SearchCorpus::kPlanted[2].word, 0}},
  };
  std::vector<Expect> expected;
  for (auto& [name, e] : searches) expected.push_back(e);
  count_expected(corpus, o.search_messages, o.search_chats, expected);

  auto measure = [&](const char* name, const std::string& token, const std::function<std::string(int)>& target,
                     const char* list, const json::object& extra) {
    MediaClient http(targets.front().endpoint(), token, 120);
    http.call("GET", "/healthz", {}, {});  // connected before the window
    Latencies lat;
    std::int64_t errors = 0, results = 0;
    std::string first_error;
    CpuWindow cpu(targets);
    cpu.start();
    db.start();
    // At least Q requests and at least min_window seconds (/proc counts CPU in 10 ms ticks),
    // at most 100 Q; none begun after max_window seconds.
    const double t_start = now_ms();
    int done = 0;
    bool cut = false;
    for (int i = 0; i < 100 * o.queries && (i < o.queries || now_ms() - t_start < o.min_window * 1000); ++i) {
      if (now_ms() - t_start >= o.max_window * 1000) {
        cut = i < o.queries;
        break;
      }
      ++done;
      const std::string t = target(i);
      const double t0 = now_ms();
      auto a = http.call("GET", t, {}, {});
      lat.add(now_ms() - t0);
      boost::system::error_code ec;
      auto v = a.status == 200 ? json::parse(a.body, ec) : json::value();
      const json::value* items = v.is_object() ? v.as_object().if_contains(list) : nullptr;
      if (items && items->is_array()) {
        results += static_cast<std::int64_t>(items->as_array().size());
      } else {
        if (first_error.empty()) first_error = t + ": " + std::to_string(a.status) + " " + a.error + a.body.substr(0, 200);
        ++errors;
      }
    }
    cpu.stop();
    db.stop();
    request_errors += errors;
    json::object r = base;
    r["measure"] = name;
    for (auto& kv : extra) r[kv.key()] = kv.value();
    r["queries"] = done;
    if (cut) r["cut_at_max_window"] = true;
    r["request_errors"] = errors;
    if (done > errors) r["mean_results"] = round_to(static_cast<double>(results) / static_cast<double>(done - errors), 2);
    report_percentiles(r, lat);
    if (lat.count() > 0) r["max_ms"] = round_to(lat.percentile(100), 2);
    r["window_s"] = round_to(cpu.wall_s(), 3);
    if (cpu.wall_s() > 0) r["requests_per_s"] = std::round(done / cpu.wall_s());
    cpu.report_pct(r);
    cpu.report_per(r, "request", done);
    db.report_per(r, "request", done);
    if (!first_error.empty()) std::cerr << "bench: " << name << ": first failure: " << first_error << "\n";
    std::cerr << "bench: " << name << ": p50 " << lat.percentile(50) << " ms, p99 " << lat.percentile(99) << " ms\n";
    std::cout << to_line(r) << std::endl;
  };
  const std::string chat_path = "/v1/chats/" + std::to_string(history_chat) + "/messages?";
  measure("history-latest", users[0].token, [&](int) { return chat_path + "limit=" + std::to_string(kHistoryPage); },
          "messages", {{"chat_messages", o.history_messages}, {"limit", kHistoryPage}});
  std::uint64_t rng = 17;
  const auto span = static_cast<std::uint64_t>(std::max<std::int64_t>(1, o.history_messages - 49));
  measure("history-older", users[0].token,
          [&](int) {
            const auto before = 50 + static_cast<std::int64_t>(splitmix64(rng) % span);
            return chat_path + "before=" + std::to_string(before) + "&limit=" + std::to_string(kHistoryPage);
          },
          "messages", {{"chat_messages", o.history_messages}, {"limit", kHistoryPage}});
  for (std::size_t i = 0; i < searches.size(); ++i) {
    const auto& e = expected[i];
    std::string t = "/v1/search?q=" + url_encode(e.q) + "&limit=" + std::to_string(kSearchPage);
    json::object r{{"q", e.q}, {"limit", kSearchPage}, {"expected_matches", e.count}};
    if (e.chat_mod >= 0) {
      t += "&chat=" + std::to_string(chat0);
      r["chat"] = chat0;
    } else {
      r["chats"] = o.search_chats;
    }
    measure(searches[i].first, users[2].token, [&](int) { return t; }, "results", r);
  }

  data["history_messages"] = o.history_messages;
  data["search_messages"] = o.search_messages;
  data["search_chats"] = o.search_chats;
  data["vocabulary"] = static_cast<std::int64_t>(corpus.vocabulary());
  data["incomplete_loads"] = incomplete;
  data["request_errors"] = request_errors;
  return data;
}

}  // namespace parley::bench
