#include "store/sqlite/group_commit.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <vector>

#include "core/handoff.h"
#include "core/thread_name.h"

namespace parley::sqlite {

GroupCommit::GroupCommit(Db& db, Hooks hooks, std::size_t max_batch, std::chrono::microseconds gap)
    : db_(db), hooks_(std::move(hooks)), gap_(gap), queue_(max_batch), thread_([this] {
        set_thread_name("writer");
        loop();
      }) {}

GroupCommit::~GroupCommit() { close(); }

void GroupCommit::submit(Task task) {
  if (!queue_.push(task)) task.complete(Status(Code::kUnavailable, "store is shutting down"));
}

void GroupCommit::close() {
  queue_.close();
  if (thread_.joinable()) thread_.join();
}

GroupCommit::Stats GroupCommit::stats() const {
  std::lock_guard lk(mu_);
  return stats_;
}

void GroupCommit::loop() {
  std::vector<Task> batch;
  std::chrono::steady_clock::time_point next_commit{};
  while (queue_.take(batch, next_commit)) {
    Status status;
    auto start = std::chrono::steady_clock::now();
    next_commit = start + gap_;
    try {
      db_.prepare("BEGIN IMMEDIATE").exec();  // cached: no parse per batch
      for (auto& t : batch) t.run(db_);
      if (hooks_.before_commit) hooks_.before_commit(db_);
      db_.prepare("COMMIT").exec();
      db_.reset_all();  // a statement left mid-result would keep a snapshot, and the WAL could never restart
    } catch (const std::exception& e) {
      spdlog::error("store: batch of {} writes rolled back: {}", batch.size(), e.what());
      try {
        db_.exec("ROLLBACK");
      } catch (...) {
      }
      if (hooks_.after_abort) hooks_.after_abort();
      status = Status(Code::kUnavailable, "store write failed; retry");
    }
    histograms_.batch_size.observe(static_cast<double>(batch.size()));
    histograms_.commit_seconds.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    {
      std::lock_guard lk(mu_);
      ++stats_.batches;
      stats_.tasks += batch.size();
      if (!status.ok()) ++stats_.failed_batches;
    }
    {
      HandoffBatch handoff;  // one wake-up per io thread for the whole batch
      for (auto& t : batch) t.complete(status);
    }
    batch.clear();
    if (hooks_.between_batches) hooks_.between_batches(db_);
  }
}

}  // namespace parley::sqlite
