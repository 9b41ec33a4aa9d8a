// The queue in front of a store's single writer thread: submitters push tasks from any
// thread; the writer takes everything queued (up to max_batch) as one batch. Shared by
// the SQLite and PostgreSQL group-commit writers.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <span>
#include <vector>

#include "core/status.h"

namespace parley {

template <class Task>
class WriterQueue {
 public:
  explicit WriterQueue(std::size_t max_batch) : max_batch_(max_batch) {}

  // Queues the task; false (and the task untouched) once closed.
  bool push(Task& task) {
    std::lock_guard lk(mu_);
    if (closed_) return false;
    queue_.push_back({std::move(task), std::chrono::steady_clock::now()});
    if (queue_.size() == 1 || (lingering_ && queue_.size() >= max_batch_)) cv_.notify_one();
    return true;
  }

  // Blocks until something is queued; moves up to max_batch tasks into `batch`. Returns
  // false when closed and drained: the writer should exit. If the first task comes before
  // `not_before`, waits until then (or until max_batch tasks are queued) so that what
  // arrives meanwhile shares the commit: commits are at most one per gap, and a writer
  // idle for longer than the gap commits at once. `oldest`, if given, gets when the batch's
  // first task was queued (how long the writer kept it waiting: /metrics).
  bool take(std::vector<Task>& batch, std::chrono::steady_clock::time_point not_before = {},
            std::chrono::steady_clock::time_point* oldest = nullptr) {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return false;
    if (!closed_ && queue_.size() < max_batch_ && std::chrono::steady_clock::now() < not_before) {
      lingering_ = true;
      cv_.wait_until(lk, not_before, [&] { return queue_.size() >= max_batch_ || closed_; });
      lingering_ = false;
    }
    std::size_t n = std::min(queue_.size(), max_batch_);
    if (oldest) *oldest = queue_.front().at;
    batch.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      batch.push_back(std::move(queue_.front().task));
      queue_.pop_front();
    }
    return true;
  }

  // Later pushes fail; take() drains what is queued, then returns false.
  void close() {
    {
      std::lock_guard lk(mu_);
      closed_ = true;
    }
    cv_.notify_one();
  }

 private:
  const std::size_t max_batch_;
  struct Queued {
    Task task;
    std::chrono::steady_clock::time_point at;  // when it was queued
  };
  std::mutex mu_;  // guards queue_, closed_
  std::condition_variable cv_;
  std::deque<Queued> queue_;
  bool closed_ = false;
  bool lingering_ = false;  // the writer waits for its gap to pass
};

// One bad write fails only itself. `commit(tasks)` runs the tasks in one transaction and
// returns ok; kUnavailable when the store is away (every task gets that, and may retry); or
// another code when the store refused something in the batch. A refused batch of several
// tasks runs again one transaction per task, so the write that cannot be stored fails alone,
// with its own status, and the others are stored. The extra commits happen only after a
// refusal. `statuses` gets one status per task.
template <class Task, class Commit>
void commit_isolated(std::vector<Task>& batch, std::vector<Status>& statuses, Commit&& commit) {
  Status all = commit(std::span<Task>(batch));
  statuses.assign(batch.size(), all);
  if (all.ok() || all.code() == Code::kUnavailable || batch.size() == 1) return;
  for (std::size_t i = 0; i < batch.size(); ++i) statuses[i] = commit(std::span<Task>(&batch[i], 1));
}

}  // namespace parley
