// Keeps the WAL bounded while parleyd runs. The writer never checkpoints on commit
// (wal_autocheckpoint=0). This thread, on its own connection, copies committed WAL pages
// into the database every 25 ms (PASSIVE: blocks nobody; the database fsync happens here,
// off the writer). Once the WAL in use passes its limit, the writer thread restarts it
// between two batches (restart_if_due: little is left to copy by then; it waits only for
// readers, who are brief), so the next commit writes from the start of the file again.
// Restart rather than truncate: rewriting blocks the file already has costs no block
// allocation, while appending to a fresh file zeroes every new block.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "core/periodic.h"
#include "store/sqlite/db.h"

namespace parley::sqlite {

class Checkpointer {
 public:
  struct Stats {
    std::uint64_t passive = 0;    // PASSIVE checkpoints run
    std::uint64_t restarts = 0;   // restarts of the WAL
    std::uint64_t wal_bytes = 0;  // WAL file size at the last look
    std::uint64_t busy_us = 0;    // time spent checkpointing, all kinds
  };

  // `wal_limit_bytes`: the WAL in use that makes a restart due.
  Checkpointer(const std::string& path, std::uint64_t wal_limit_bytes);
  ~Checkpointer();
  // Joins the thread; the last checkpoint at close belongs to the writer's connection.
  void stop();
  Stats stats() const;
  // Writer thread, between batches: restarts the WAL on the writer's connection if due.
  void restart_if_due(Db& writer);

 private:
  void run_once();

  const std::string wal_path_;
  const std::uint64_t limit_;
  std::uint64_t frame_bytes_ = 4096 + 24;
  std::unique_ptr<Db> db_;
  std::atomic<bool> restart_wanted_{false};
  std::atomic<std::uint64_t> passive_{0}, restarts_{0}, wal_bytes_{0}, busy_us_{0};
  PeriodicThread thread_;
};

}  // namespace parley::sqlite
