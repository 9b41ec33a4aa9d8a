// The idle read connections of a store: a lease takes one (or opens a new one) and gives
// it back when done, keeping at most max_idle. Shared by the SQLite and PostgreSQL stores.
#pragma once

#include <cstddef>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/no_wait.h"

namespace parley {

template <class C>
class ReaderPool {
 public:
  // `open` makes a new connection (and may throw); `keep` runs at release and says
  // whether the connection may be reused (it may also reset it).
  ReaderPool(std::size_t max_idle, std::function<std::unique_ptr<C>()> open, std::function<bool(C&)> keep)
      : max_idle_(max_idle), open_(std::move(open)), keep_(std::move(keep)) {}

  class Lease {
   public:
    explicit Lease(ReaderPool& pool) : pool_(pool), conn_(pool.take()) {}
    ~Lease() { pool_.give_back(std::move(conn_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    C& operator*() { return *conn_; }

   private:
    ReaderPool& pool_;
    std::unique_ptr<C> conn_;
  };

  // Drops every idle connection (e.g. the server they point at restarted).
  void clear() {
    std::lock_guard lk(mu_);
    idle_.clear();
  }

 private:
  std::unique_ptr<C> take() {
    if (no_wait::waited()) {
      static std::atomic<bool> told{false};
      if (!told.exchange(true)) spdlog::warn("store: read on an io thread; it stalls every connection there (a bug)");
    }
    {
      std::lock_guard lk(mu_);
      if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return c;
      }
    }
    return open_();
  }
  void give_back(std::unique_ptr<C> c) {
    if (!keep_(*c)) return;
    std::lock_guard lk(mu_);
    if (idle_.size() < max_idle_) idle_.push_back(std::move(c));
  }

  const std::size_t max_idle_;
  const std::function<std::unique_ptr<C>()> open_;
  const std::function<bool(C&)> keep_;
  std::mutex mu_;  // guards idle_
  std::vector<std::unique_ptr<C>> idle_;
};

}  // namespace parley
