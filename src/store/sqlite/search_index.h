#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite/db.h"

namespace parley::sqlite {

// The full-text index lives in a database file of its own (`search.db` beside the store's)
// and is written by a thread of its own, `search-index`, never by the message writer
// (docs/search.md, "What the index costs a write"). FTS5 makes every transaction that touches
// it a new segment and merges segments as they pile up: inside the writer's commits that
// doubled the bytes each commit wrote, and indexing in rounds inside a batch held that batch
// (and the ticks of everyone in it) for the round: p99 at 5,000 msg/s 35 ms with the index
// against 13 ms without. So:
//
// - The writer only appends the message's `doc` (chat·2³²+seq) to `fts_queue`, in the
//   message's own transaction (a crash loses nothing), and drops what the index has taken
//   (`trim`).
// - The index thread reads the queue past its `mark` with the messages' texts, in one short
//   statement (a WAL reader of the store: it never takes the store's write lock, and holds
//   no snapshot of it while FTS5 writes, which the writer's WAL restarts would wait for),
//   then indexes them as their text was read (or removes them: deleted, emptied, expired)
//   and moves the mark, in one transaction of search.db (synchronous=NORMAL: a crash loses
//   at most the last rounds, which the queue still holds).
// - A search first waits for a round that started after it (`catch_up`), so it finds every
//   message acknowledged before it.
// - search.db missing, or not matching the store (a store restored alone), is rebuilt from
//   the messages, a chunk per transaction, by the same thread.
class SearchIndex {
 public:
  // `store_path`: the store's database (migrated); `delay`: at most this long between
  // rounds; `index_new`: off, only old words are removed (store.search_index = false).
  SearchIndex(const std::string& store_path, std::chrono::milliseconds delay, bool index_new);
  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // Writer thread, inside a write: message `doc` is to be indexed as it is at the next round.
  void queue(Db& db, std::int64_t doc);
  // Writer thread, inside a batch's transaction: drops the queue's rows the index has taken
  // (at most once a second). The row at the mark stays: ids never restart below it.
  void trim(Db& db);
  // Any thread: attaches search.db to a reader connection as `search`.
  void attach(Db& reader) const;
  // Any thread: waits (at most `timeout`) for a round that starts after the call to end;
  // false on timeout (a rebuild under way).
  bool catch_up(std::chrono::milliseconds timeout);
  // Indexes what is queued and stops the thread (idempotent; also the destructor).
  void stop();

 private:
  void loop();
  void open_or_rebuild();
  bool older_layout();  // search.db was made by an older parleyd (FTS5 with `_docsize`)
  struct Entry {
    std::int64_t id;    // in the queue (0: a rebuild's)
    std::int64_t doc;   // chat·2³²+seq, the index's rowid
    std::string body;   // as indexed (as read, until cut_into_words); empty: removed from the index
  };
  static void cut_into_words(std::vector<Entry>& entries);
  bool rebuild_chunk();  // true while more remain
  void round();
  void write(const std::vector<Entry>& entries);  // inside a transaction of search.db

  const std::string store_path_;
  const std::string path_;  // search.db: the store's name with "-search" ("parley-search.db")
  const std::chrono::milliseconds delay_;
  const bool index_new_;
  std::unique_ptr<Db> db_;  // the index thread's: search.db, the store attached as `store`
  std::atomic<std::int64_t> mark_{0};  // the queue's highest id indexed
  std::int64_t trimmed_ = 0;           // writer thread: the mark of the last trim
  std::chrono::steady_clock::time_point next_trim_{};
  bool rebuilding_ = false;  // the index thread's (and the constructor's, before it starts)
  std::mutex mu_;  // guards the three below
  std::condition_variable cv_;
  std::uint64_t asked_ = 0, done_ = 0;  // rounds asked for by searches, and the last they have had
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace parley::sqlite
