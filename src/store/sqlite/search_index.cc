#include "store/sqlite/search_index.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <string_view>
#include <vector>

#include "core/thread_name.h"
#include "model/search_text.h"
#include "store/sqlite/schema.h"

namespace parley::sqlite {

namespace {

// Messages read from the store at a time (a rebuild's chunk, a round's step), then indexed in
// one transaction of search.db.
constexpr int kChunk = 2000;
// After a failed round (disk full, a corrupt search.db, ...): tried again this much later.
constexpr auto kRetry = std::chrono::seconds(10);
// What sets the index's table apart from an older parleyd's (older_layout()).
constexpr std::string_view kLayout = "columnsize=0";

std::string index_path(const std::string& store_path) {
  std::filesystem::path p(store_path);
  return p.replace_filename(p.stem().string() + "-search" + p.extension().string()).string();
}

void remove_files(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

void roll_back(Db& db) {
  if (!sqlite3_get_autocommit(db.raw())) {
    try {
      db.exec("ROLLBACK");
    } catch (...) {
    }
  }
  db.reset_all();
}

}  // namespace

SearchIndex::SearchIndex(const std::string& store_path, std::chrono::milliseconds delay, bool index_new)
    : store_path_(store_path), path_(index_path(store_path)), delay_(delay), index_new_(index_new) {
  try {
    open_or_rebuild();
  } catch (const std::exception& e) {
    // Only derived data: a search.db that cannot be used is made again from the messages.
    spdlog::error("store: search index {} cannot be used ({}); it is rebuilt from the messages", path_, e.what());
    db_.reset();
    remove_files(path_);
    open_or_rebuild();
  }
  thread_ = std::thread([this] { loop(); });  // readers may attach search.db from now on: it exists
}

SearchIndex::~SearchIndex() { stop(); }

void SearchIndex::stop() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SearchIndex::open_or_rebuild() {
  db_ = std::make_unique<Db>(path_, false);
  if (older_layout()) {
    spdlog::info("store: search index {} has an older layout; it is made again", path_);
    db_.reset();
    remove_files(path_);  // not DROP TABLE: that would write every page it frees (secure_delete)
    db_ = std::make_unique<Db>(path_, false);
  }
  db_->exec("PRAGMA journal_mode=WAL");
  db_->exec("PRAGMA synchronous=NORMAL");  // derived data: a crash loses rounds the queue still holds
  db_->exec("PRAGMA journal_size_limit=67108864");  // the WAL cut back to 64 MiB after a checkpoint
  db_->exec(
      "CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), mark INTEGER NOT NULL, "
      "rebuild_chat INTEGER, rebuild_seq INTEGER)");
  db_->exec(("CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(body, " + std::string(kLayout) +
             ", tokenize = \"unicode61 remove_diacritics 2 categories 'L* N* Co M*'\")")
                .c_str());
  db_->prepare("ATTACH DATABASE ? AS store").bind(1, store_path_).exec();
  db_->exec("BEGIN");
  try {
    auto& s = db_->prepare("SELECT mark, rebuild_chat IS NOT NULL FROM state");
    const bool has = s.step();
    const std::int64_t mark = has ? s.i64(0) : 0;
    const bool resuming = has && s.i64(1) != 0;
    s.reset();
    auto& q = db_->prepare("SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM store.fts_queue");
    q.step();
    const std::int64_t lo = q.i64(0), hi = q.i64(1);
    q.reset();
    // The writer keeps the queue's row at the mark it trimmed to: a search.db that has taken
    // less than that, or more than the queue ever held, belongs to another copy of the store.
    const bool matches = has && mark <= hi && (lo == 0 || lo <= mark + 1);
    if (!matches) {
      if (has) spdlog::warn("store: search index {} does not match the store; rebuilding it", path_);
      db_->exec("DELETE FROM messages_fts");
      db_->prepare("INSERT OR REPLACE INTO state (id, mark, rebuild_chat, rebuild_seq) VALUES (1, ?, 0, 0)")
          .bind(1, hi)
          .exec();
    }
    db_->exec("COMMIT");
    rebuilding_ = !matches || resuming;
    mark_.store(matches ? mark : hi, std::memory_order_release);
    if (rebuilding_ && (has || hi > 0))  // (a new store has nothing to index: no word of it)
      spdlog::info("store: indexing every message for search in {} (in the background)", path_);
  } catch (...) {
    roll_back(*db_);
    throw;
  }
}

// `columnsize=0`: FTS5 keeps no per-message word count (its `_docsize` table, one more B-tree
// insert per message; the index thread spends ~19 % less CPU without it). `bm25` then counts a
// matching message's words when it ranks it, from the text the index keeps: a search with
// tens of thousands of matches takes ~15-20 % longer (bench/results/README.md, 2026-11-27).
// An index made before (with `_docsize`) is made again, as a lost one would be.
bool SearchIndex::older_layout() {
  auto& q = db_->prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'messages_fts'");
  const bool older = q.step() && q.text(0).find(kLayout) == std::string::npos;
  q.reset();
  return older;
}

void SearchIndex::loop() {
  set_thread_name("search-index");
  // Behind the message path: a tick matters more than a search being a moment fresher.
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
  std::unique_lock lk(mu_);
  while (true) {
    const std::uint64_t asked = asked_;
    const bool stopping = stopping_;
    lk.unlock();
    bool more = false, failed = false;
    try {
      if (rebuilding_ && !stopping) more = rebuild_chunk();
      if (!more && !rebuilding_) round();
    } catch (const std::exception& e) {
      spdlog::error("store: indexing messages for search failed (tried again in {} s): {}", kRetry.count(), e.what());
      roll_back(*db_);
      failed = true;
    }
    lk.lock();
    if (!failed && !rebuilding_) done_ = std::max(done_, asked);
    cv_.notify_all();
    if (stopping) break;
    if (!more)
      cv_.wait_for(lk, failed ? std::chrono::duration_cast<std::chrono::milliseconds>(kRetry) : delay_,
                   [&] { return stopping_ || asked_ > done_; });
  }
}

// Both below read from the store in one short statement (one WAL snapshot, in memory), and
// only then cut the texts into words and write search.db: a snapshot of the store held while
// that work runs would make the writer's WAL restarts wait for it (p99 at 5,000 msg/s
// 80-200 ms with rounds of 1-3 s).

bool SearchIndex::rebuild_chunk() {
  auto& at = db_->prepare("SELECT rebuild_chat, rebuild_seq FROM state");
  at.step();
  const std::int64_t chat = at.i64(0), seq = at.i64(1);
  at.reset();
  std::vector<Entry> entries;
  std::int64_t last_chat = chat, last_seq = seq;
  {
    auto& q = db_->prepare(
        "SELECT chat_id, seq, CASE WHEN text <> '' AND system IS NULL AND deleted = 0 THEN text END "
        "FROM store.messages WHERE (chat_id, seq) > (?1, ?2) ORDER BY chat_id, seq LIMIT ?3");
    q.bind(1, chat).bind(2, seq).bind(3, kChunk);
    while (q.step()) {
      last_chat = q.i64(0), last_seq = q.i64(1);
      if (!q.is_null(2)) entries.push_back({0, last_chat * 4294967296 + last_seq, std::string(q.text(2))});
    }
    q.reset();
  }
  cut_into_words(entries);
  const bool more = last_chat != chat || last_seq != seq;
  db_->exec("BEGIN");
  write(entries);
  if (more)
    db_->prepare("UPDATE state SET rebuild_chat = ?, rebuild_seq = ?").bind(1, last_chat).bind(2, last_seq).exec();
  else
    db_->exec("UPDATE state SET rebuild_chat = NULL, rebuild_seq = NULL");
  db_->exec("COMMIT");
  if (!more) {
    rebuilding_ = false;
    if (chat != 0 || !entries.empty()) spdlog::info("store: every message is indexed for search");
  }
  return more;
}

void SearchIndex::round() {
  while (true) {
    const std::int64_t from = mark_.load(std::memory_order_acquire);
    std::vector<Entry> entries;
    std::int64_t to = from;
    {
      // The text as it is now: an edit queued the message again, a delete for everyone, an
      // expiry or an emptied text leaves nothing (with the index off, nothing is added).
      auto& q = db_->prepare(
          "SELECT q.id, q.doc, CASE WHEN m.text <> '' AND m.system IS NULL AND m.deleted = 0 THEN m.text END "
          "FROM store.fts_queue q "
          "LEFT JOIN store.messages m ON m.chat_id = q.doc >> 32 AND m.seq = q.doc & 4294967295 "
          "WHERE q.id > ? ORDER BY q.id LIMIT ?");
      q.bind(1, from).bind(2, kChunk);
      while (q.step()) {
        to = q.i64(0);
        entries.push_back({to, q.i64(1), index_new_ && !q.is_null(2) ? std::string(q.text(2)) : std::string()});
      }
      q.reset();
    }
    if (entries.empty()) return;
    cut_into_words(entries);
    db_->exec("BEGIN");
    write(entries);
    db_->prepare("UPDATE state SET mark = ?").bind(1, to).exec();
    db_->exec("COMMIT");
    mark_.store(to, std::memory_order_release);
    if (entries.size() < static_cast<std::size_t>(kChunk)) return;
  }
}

void SearchIndex::cut_into_words(std::vector<Entry>& entries) {
  // Only once the store's read has ended: a read open on its WAL keeps the writer from
  // restarting it (flat out, tokenising a chunk inside the read let the WAL grow to 87 MiB
  // against its 32 MiB limit).
  for (auto& e : entries)
    if (!e.body.empty()) e.body = search_text::indexable(e.body);
}

void SearchIndex::write(const std::vector<Entry>& entries) {
  // In queue order: a message queued twice ends as its last read says.
  for (const auto& e : entries) {
    if (e.body.empty())
      db_->prepare("DELETE FROM messages_fts WHERE rowid = ?").bind(1, e.doc).exec();
    else
      db_->prepare("INSERT OR REPLACE INTO messages_fts (rowid, body) VALUES (?, ?)").bind(1, e.doc).bind(2, e.body).exec();
  }
}

bool SearchIndex::catch_up(std::chrono::milliseconds timeout) {
  std::unique_lock lk(mu_);
  const std::uint64_t want = ++asked_;
  cv_.notify_all();
  return cv_.wait_for(lk, timeout, [&] { return done_ >= want; });
}

void SearchIndex::queue(Db& db, std::int64_t doc) {
  db.prepare("INSERT INTO fts_queue (doc) VALUES (?)").bind(1, doc).exec();
}

void SearchIndex::trim(Db& db) {
  const std::int64_t mark = mark_.load(std::memory_order_acquire);
  const auto now = std::chrono::steady_clock::now();
  if (mark <= trimmed_ || now < next_trim_) return;
  next_trim_ = now + std::chrono::seconds(1);
  db.prepare("DELETE FROM fts_queue WHERE id < ?").bind(1, mark).exec();
  trimmed_ = mark;
}

void SearchIndex::attach(Db& reader) const {
  reader.prepare("ATTACH DATABASE ? AS search").bind(1, path_).exec();
}

}  // namespace parley::sqlite
