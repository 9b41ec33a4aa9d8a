#include "store/sqlite/group_commit.h"

#include <spdlog/spdlog.h>

#include <vector>

namespace parley::sqlite {

GroupCommit::GroupCommit(Db& db, Hooks hooks, std::size_t max_batch)
    : db_(db), hooks_(std::move(hooks)), max_batch_(max_batch), thread_([this] { loop(); }) {}

GroupCommit::~GroupCommit() { close(); }

void GroupCommit::submit(Task task) {
  {
    std::lock_guard lk(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(task));
      if (queue_.size() == 1) cv_.notify_one();
      return;
    }
  }
  task.complete(Status(Code::kUnavailable, "store is shutting down"));
}

void GroupCommit::close() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

GroupCommit::Stats GroupCommit::stats() const {
  std::lock_guard lk(mu_);
  return stats_;
}

void GroupCommit::loop() {
  std::vector<Task> batch;
  for (;;) {
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping and drained
      std::size_t n = std::min(queue_.size(), max_batch_);
      batch.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    Status status;
    try {
      db_.exec("BEGIN IMMEDIATE");
      for (auto& t : batch) t.run(db_);
      if (hooks_.before_commit) hooks_.before_commit(db_);
      db_.exec("COMMIT");
    } catch (const std::exception& e) {
      spdlog::error("store: batch of {} writes rolled back: {}", batch.size(), e.what());
      try {
        db_.exec("ROLLBACK");
      } catch (...) {
      }
      if (hooks_.after_abort) hooks_.after_abort();
      status = Status(Code::kUnavailable, "store write failed; retry");
    }
    {
      std::lock_guard lk(mu_);
      ++stats_.batches;
      stats_.tasks += batch.size();
      if (!status.ok()) ++stats_.failed_batches;
    }
    for (auto& t : batch) t.complete(status);
    batch.clear();
  }
}

}  // namespace parley::sqlite
