#include "store/sqlite/group_commit.h"

#include <spdlog/spdlog.h>

#include <vector>

namespace parley::sqlite {

GroupCommit::GroupCommit(Db& db, Hooks hooks, std::size_t max_batch)
    : db_(db), hooks_(std::move(hooks)), queue_(max_batch), thread_([this] { loop(); }) {}

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
  while (queue_.take(batch)) {
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
