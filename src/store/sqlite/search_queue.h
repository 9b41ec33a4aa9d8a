#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "store/sqlite/db.h"

namespace parley::sqlite {

// The full-text index is written in rounds, not in every commit (docs/search.md, "What the
// index costs a write"). FTS5 makes each transaction that touches it a new index segment and
// merges segments as they pile up: at a few hundred small commits a second that doubled the
// bytes every commit wrote to the WAL, and with them the writer's CPU and the tick latency.
// So a new or edited message is only queued, one row appended to `fts_queue` in the
// message's own transaction, and the writer indexes everything queued in one statement at
// most every `delay` (inside a batch's transaction, before its COMMIT), and before any
// search, so a search still finds every message acknowledged before it.
class SearchQueue {
 public:
  explicit SearchQueue(std::chrono::milliseconds delay) : delay_(delay) {}

  // Writer thread: counts what an earlier run left queued (a crash loses nothing: the queue
  // is a table).
  void open(Db& db);
  // Writer thread, inside a write: message `doc` (chat·2³²+seq) is to be indexed as its
  // text is when the queue is next indexed (a message deleted or emptied meanwhile is skipped).
  void queue(Db& db, std::int64_t doc);
  // Writer thread, inside a transaction: indexes the queue when `delay` has passed since
  // the last round (now, with `force`). A failure rolls back only the indexing (a savepoint)
  // and is tried again later: it never fails the batch it rides on.
  void index(Db& db, bool force = false);
  // Writer thread: the batch rolled back, and with it what it queued or indexed; the next
  // round looks at the table again.
  void aborted() { queued_.store(1, std::memory_order_release); }
  // Whether messages wait to be indexed (writer thread; elsewhere only a hint: a round
  // clears it before its batch commits).
  bool pending() const { return queued_.load(std::memory_order_acquire) > 0; }

 private:
  const std::chrono::milliseconds delay_;
  std::atomic<std::int64_t> queued_{0};
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace parley::sqlite
