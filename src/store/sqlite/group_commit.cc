#include "store/sqlite/group_commit.h"

#include <spdlog/spdlog.h>

#include <sqlite3.h>

#include <algorithm>
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

// Whether a failed write is the store's fault (the disk, memory, a lock: retry later) or
// the write's own (a constraint, a value SQLite refuses: retrying cannot help).
Status GroupCommit::failure(const std::exception& e) {
  const auto* se = dynamic_cast<const SqliteError*>(&e);
  int code = se ? (se->code() & 0xFF) : SQLITE_ERROR;
  switch (code) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
    case SQLITE_ERROR:
      return Status(Code::kInternal, "the store refused this write; it will not succeed if sent again");
    default:
      return Status(Code::kUnavailable, "store write failed; retry");
  }
}

Status GroupCommit::commit(std::span<Task> tasks) {
  try {
    db_.prepare("BEGIN IMMEDIATE").exec();  // cached: no parse per batch
    for (auto& t : tasks) t.run(db_);
    if (hooks_.before_commit) hooks_.before_commit(db_);
    db_.prepare("COMMIT").exec();
    db_.reset_all();  // a statement left mid-result would keep a snapshot, and the WAL could never restart
    return Status::Ok();
  } catch (const std::exception& e) {
    spdlog::error("store: {} write(s) rolled back: {}", tasks.size(), e.what());
    db_.reset_all();
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
    }
    if (hooks_.after_abort) hooks_.after_abort();
    return failure(e);
  }
}

void GroupCommit::loop() {
  std::vector<Task> batch;
  std::vector<Status> statuses;
  std::chrono::steady_clock::time_point next_commit{};
  std::chrono::steady_clock::time_point oldest;
  while (queue_.take(batch, next_commit, &oldest)) {
    auto start = std::chrono::steady_clock::now();
    histograms_.wait_seconds.observe(std::chrono::duration<double>(start - oldest).count());
    next_commit = start + gap_;
    commit_isolated(batch, statuses, [this](std::span<Task> tasks) { return commit(tasks); });
    histograms_.batch_size.observe(static_cast<double>(batch.size()));
    histograms_.commit_seconds.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    {
      std::lock_guard lk(mu_);
      ++stats_.batches;
      stats_.tasks += batch.size();
      if (std::any_of(statuses.begin(), statuses.end(), [](const Status& s) { return !s.ok(); })) ++stats_.failed_batches;
    }
    {
      HandoffBatch handoff;  // one wake-up per io thread for the whole batch
      for (std::size_t i = 0; i < batch.size(); ++i) batch[i].complete(statuses[i]);
    }
    batch.clear();
    if (hooks_.between_batches) hooks_.between_batches(db_);
  }
}

}  // namespace parley::sqlite
