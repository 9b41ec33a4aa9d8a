#include "store/sqlite/search_queue.h"

#include <spdlog/spdlog.h>

namespace parley::sqlite {

void SearchQueue::open(Db& db) {
  auto& q = db.prepare("SELECT count(*) FROM fts_queue");
  q.step();
  queued_.store(q.i64(0), std::memory_order_release);
  q.reset();
}

void SearchQueue::queue(Db& db, std::int64_t doc) {
  db.prepare("INSERT INTO fts_queue (doc) VALUES (?)").bind(1, doc).exec();
  queued_.fetch_add(1, std::memory_order_acq_rel);
}

void SearchQueue::index(Db& db, bool force) {
  if (!pending()) return;
  const auto now = std::chrono::steady_clock::now();
  if (!force && now < next_) return;
  next_ = now + delay_;
  try {
    db.prepare("SAVEPOINT fts_round").exec();
    // The text as it is now: an edit queued the message again (its old words already went),
    // a delete for everyone, an expiry or an emptied text leaves nothing to index. OR REPLACE:
    // a message queued twice is indexed once.
    db.prepare(
          "INSERT OR REPLACE INTO messages_fts (rowid, body) "
          "SELECT q.doc, parley_indexable(m.text) FROM (SELECT DISTINCT doc FROM fts_queue) q "
          "JOIN messages m ON m.chat_id = q.doc >> 32 AND m.seq = q.doc & 4294967295 "
          "WHERE m.text <> '' AND m.system IS NULL AND m.deleted = 0")
        .exec();
    db.prepare("DELETE FROM fts_queue").exec();
    db.prepare("RELEASE fts_round").exec();
    queued_.store(0, std::memory_order_release);
  } catch (const std::exception& e) {
    spdlog::error("store: indexing queued messages for search failed (tried again in 10 s): {}", e.what());
    try {
      db.exec("ROLLBACK TO fts_round");
      db.exec("RELEASE fts_round");
    } catch (...) {
    }
    next_ = now + std::chrono::seconds(10);
  }
}

}  // namespace parley::sqlite
