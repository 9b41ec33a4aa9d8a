// Batched hand-offs between threads. A thread that produces work for other threads in
// bursts (the store writer completing a batch) opens a HandoffBatch; targets that would
// wake their thread for each item while it is open (an io thread's mailbox) defer the
// wake-up to its end instead: one wake-up per target per batch, not one per item.
// Items are never held back from a target that is woken anyway; only the wake-up waits.
#pragma once

#include <algorithm>
#include <vector>

namespace parley {

class Deferrable {
 public:
  virtual ~Deferrable() = default;
  // Called on the producing thread when its batch closes: wake the target if needed.
  virtual void flush() = 0;
};

class HandoffBatch {
 public:
  HandoffBatch() : outer_(current_) { current_ = this; }
  ~HandoffBatch() {
    current_ = outer_;
    for (Deferrable* d : pending_) d->flush();
  }
  HandoffBatch(const HandoffBatch&) = delete;
  HandoffBatch& operator=(const HandoffBatch&) = delete;

  // True (and `d` flushed when the open batch closes) if a batch is open on this thread.
  static bool defer(Deferrable& d) {
    if (!current_) return false;
    auto& p = current_->pending_;
    if (std::find(p.begin(), p.end(), &d) == p.end()) p.push_back(&d);
    return true;
  }

 private:
  static inline thread_local HandoffBatch* current_ = nullptr;
  HandoffBatch* outer_;
  std::vector<Deferrable*> pending_;  // a handful: one per io thread
};

}  // namespace parley
