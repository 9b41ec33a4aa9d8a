// Group commit: one thread owns the write connection. Submitters enqueue tasks; the
// thread takes everything queued (up to max_batch), runs it in one transaction, commits
// once (one fsync for the whole batch), then completes each task in order.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "core/histogram.h"
#include "core/status.h"
#include "store/sqlite/db.h"
#include "store/writer_queue.h"

namespace parley::sqlite {

class GroupCommit {
 public:
  struct Task {
    // Runs inside the transaction on the writer thread. Throwing aborts the whole batch.
    std::function<void(Db&)> run;
    // Runs after the batch committed (ok) or was rolled back (kUnavailable).
    std::function<void(const Status&)> complete;
  };
  struct Hooks {
    std::function<void(Db&)> before_commit;  // flush state accumulated by the batch
    std::function<void()> after_abort;       // forget state of a rolled-back batch
    std::function<void(Db&)> between_batches;  // after a batch's callbacks, outside any transaction
  };
  struct Stats {
    std::uint64_t batches = 0;
    std::uint64_t tasks = 0;
    std::uint64_t failed_batches = 0;
  };

  // `gap`: at least this long between the starts of two commits (0: none); see WriterQueue.
  GroupCommit(Db& db, Hooks hooks, std::size_t max_batch, std::chrono::microseconds gap);
  ~GroupCommit();

  void submit(Task task);
  // Commits everything submitted so far, then stops the thread.
  void close();
  Stats stats() const;
  const WriterHistograms& histograms() const { return histograms_; }

 private:
  void loop();

  Db& db_;
  Hooks hooks_;
  const std::chrono::microseconds gap_;
  WriterQueue<Task> queue_;
  mutable std::mutex mu_;  // guards stats_
  Stats stats_;
  WriterHistograms histograms_;
  std::thread thread_;
};

}  // namespace parley::sqlite
