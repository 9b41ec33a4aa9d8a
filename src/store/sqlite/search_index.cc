#include "store/sqlite/search_index.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <limits>

#include "core/thread_name.h"
#include "store/sqlite/schema.h"

namespace parley::sqlite {

namespace {

// A rebuild indexes this many messages per transaction: each holds a read snapshot of the
// store (which a WAL restart waits for) for a few tens of milliseconds only.
constexpr int kRebuildChunk = 2000;
// After a failed round (disk full, a corrupt search.db, ...): tried again this much later.
constexpr auto kRetry = std::chrono::seconds(10);

std::string index_path(const std::string& store_path) {
  std::filesystem::path p(store_path);
  return p.replace_filename(p.stem().string() + "-search" + p.extension().string()).string();
}

std::int64_t one(Stmt& q) {
  std::int64_t v = q.step() && !q.is_null(0) ? q.i64(0) : 0;
  q.reset();
  return v;
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
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
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
  db_->exec("PRAGMA journal_mode=WAL");
  db_->exec("PRAGMA synchronous=NORMAL");  // derived data: a crash loses rounds the queue still holds
  db_->exec("PRAGMA journal_size_limit=67108864");  // the WAL cut back to 64 MiB after a checkpoint
  register_functions(*db_);
  db_->exec(
      "CREATE TABLE IF NOT EXISTS state (id INTEGER PRIMARY KEY CHECK (id = 1), mark INTEGER NOT NULL, "
      "rebuild_chat INTEGER, rebuild_seq INTEGER)");
  db_->exec(
      "CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(body, "
      "tokenize = \"unicode61 remove_diacritics 2 categories 'L* N* Co M*'\")");
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
    if (rebuilding_) spdlog::info("store: indexing every message for search in {} (in the background)", path_);
  } catch (...) {
    roll_back(*db_);
    throw;
  }
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
      if (!db_) open_or_rebuild();
      if (rebuilding_ && !stopping) more = rebuild_chunk();
      if (!more && !rebuilding_) round();
    } catch (const std::exception& e) {
      spdlog::error("store: indexing messages for search failed (tried again in {} s): {}", kRetry.count(), e.what());
      if (db_) roll_back(*db_);
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

bool SearchIndex::rebuild_chunk() {
  db_->exec("BEGIN");
  auto& at = db_->prepare("SELECT rebuild_chat, rebuild_seq FROM state");
  at.step();
  const std::int64_t chat = at.i64(0), seq = at.i64(1);
  at.reset();
  auto& end = db_->prepare(
      "SELECT chat_id, seq FROM store.messages WHERE (chat_id, seq) > (?1, ?2) ORDER BY chat_id, seq LIMIT 1 OFFSET ?3");
  end.bind(1, chat).bind(2, seq).bind(3, kRebuildChunk - 1);
  const bool more = end.step();
  const std::int64_t to_chat = more ? end.i64(0) : std::numeric_limits<std::int64_t>::max();
  const std::int64_t to_seq = more ? end.i64(1) : std::numeric_limits<std::int64_t>::max();
  end.reset();
  db_->prepare(
         "INSERT OR REPLACE INTO messages_fts (rowid, body) "
         "SELECT chat_id * 4294967296 + seq, parley_indexable(text) FROM store.messages "
         "WHERE (chat_id, seq) > (?1, ?2) AND (chat_id, seq) <= (?3, ?4) "
         "AND text <> '' AND system IS NULL AND deleted = 0")
      .bind(1, chat).bind(2, seq).bind(3, to_chat).bind(4, to_seq)
      .exec();
  if (more)
    db_->prepare("UPDATE state SET rebuild_chat = ?, rebuild_seq = ?").bind(1, to_chat).bind(2, to_seq).exec();
  else
    db_->exec("UPDATE state SET rebuild_chat = NULL, rebuild_seq = NULL");
  db_->exec("COMMIT");
  if (!more) {
    rebuilding_ = false;
    spdlog::info("store: every message is indexed for search");
  }
  return more;
}

void SearchIndex::round() {
  db_->exec("BEGIN");  // deferred: search.db's write lock only; the store is only read
  const std::int64_t from = mark_.load(std::memory_order_acquire);
  const std::int64_t to = one(db_->prepare("SELECT coalesce(max(id), 0) FROM store.fts_queue"));
  if (to <= from) {
    db_->exec("COMMIT");
    return;
  }
  // Old words always go: an edited message was queued again, a deleted, emptied or expired
  // one leaves nothing (and with the index off, store.search_index = false, nothing is added).
  db_->prepare(
         "DELETE FROM messages_fts WHERE rowid IN (SELECT q.doc FROM store.fts_queue q "
         "LEFT JOIN store.messages m ON m.chat_id = q.doc >> 32 AND m.seq = q.doc & 4294967295 "
         "WHERE q.id > ?1 AND q.id <= ?2 AND (?3 = 0 OR m.chat_id IS NULL OR m.text = '' OR m.system IS NOT NULL "
         "OR m.deleted <> 0))")
      .bind(1, from).bind(2, to).bind(3, index_new_ ? 1 : 0)
      .exec();
  if (index_new_)
    db_->prepare(
           "INSERT OR REPLACE INTO messages_fts (rowid, body) "
           "SELECT q.doc, parley_indexable(m.text) FROM (SELECT DISTINCT doc FROM store.fts_queue "
           "WHERE id > ?1 AND id <= ?2) q "
           "JOIN store.messages m ON m.chat_id = q.doc >> 32 AND m.seq = q.doc & 4294967295 "
           "WHERE m.text <> '' AND m.system IS NULL AND m.deleted = 0")
        .bind(1, from).bind(2, to)
        .exec();
  db_->prepare("UPDATE state SET mark = ?").bind(1, to).exec();
  db_->exec("COMMIT");
  mark_.store(to, std::memory_order_release);
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
