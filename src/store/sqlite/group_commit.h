// Group commit: one thread owns the write connection. Submitters enqueue tasks; the
// thread takes everything queued (up to max_batch), runs it in one transaction, commits
// once (one fsync for the whole batch), then completes each task in order.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <thread>

#include "core/histogram.h"
#include "core/status.h"
#include "store/sqlite/db.h"
#include "store/writer_queue.h"

namespace parley::sqlite {

class GroupCommit {
 public:
  struct Task {
    // Runs inside the transaction on the writer thread. Throwing rolls the batch back; the
    // batch's tasks then run one transaction each, so only the task that throws fails.
    std::function<void(Db&)> run;
    // Runs after the task committed (ok) or was rolled back: kUnavailable when the store
    // failed (retry), kInternal when the store refused this task's write.
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
  WriterHistograms& histograms() { return histograms_; }  // the store's hooks observe into it too

 private:
  void loop();
  Status commit(std::span<Task> tasks);
  static Status failure(const std::exception& e);

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
