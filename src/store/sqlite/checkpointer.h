// Keeps the WAL bounded while parleyd runs. The writer never checkpoints on commit
// (wal_autocheckpoint=0). This thread, on its own connection, copies committed WAL pages
// into the database every 25 ms (PASSIVE: blocks nobody; the database fsync happens here,
// off the writer). Once the WAL in use passes its limit, the writer restarts it between two
// batches (restart_if_due), so the next commit writes from the start of the file again;
// only the writer can, and it waits meanwhile: for the last commits to be copied, for a sync
// of the WAL and of the database (most of the 1-5 ms a restart takes under load, measured
// by parley_store_wal_restart_seconds; passes back to back before the restart is asked for
// leave it little to copy), and for readers still on the old WAL, 5 ms at most:
// a long read (a big history page, a slow search) makes the restart fail, never holds the
// writer for its length; after each failure in a row the next try waits longer (1 to 31
// rounds of 25 ms), so a long read costs the writer a few 5 ms waits, and the WAL grows
// past its limit only while that read lasts.
// Restart rather than truncate: rewriting blocks the file already has costs no block
// allocation, while appending to a fresh file zeroes every new block.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/periodic.h"
#include "store/sqlite/db.h"

namespace parley::sqlite {

class Checkpointer {
 public:
  struct Stats {
    std::uint64_t passive = 0;    // PASSIVE checkpoints run
    std::uint64_t restarts = 0;   // restarts of the WAL
    std::uint64_t foiled = 0;     // restarts that failed because a reader was still on the WAL
    std::uint64_t wal_bytes = 0;  // WAL file size at the last look
    std::uint64_t busy_us = 0;    // time spent checkpointing, all kinds
  };

  // `wal_limit_bytes`: the WAL in use that makes a restart due.
  Checkpointer(const std::string& path, std::uint64_t wal_limit_bytes);
  // Half as large again as the limit: past it, foiled restarts no longer back off, and a
  // restarted WAL file is cut back to it (journal_size_limit; below it the file is kept, so
  // the moderate-load cycle neither frees nor allocates blocks).
  static std::uint64_t overdue_bytes(std::uint64_t wal_limit_bytes) { return wal_limit_bytes + wal_limit_bytes / 2; }
  ~Checkpointer();
  // Joins the thread; the last checkpoint at close belongs to the writer's connection.
  void stop();
  Stats stats() const;
  // On the writer's connection, before its first write: a restarted WAL file past
  // overdue_bytes (flat out, or after a long read held its restarts back) is cut back to that.
  void bound_file(Db& writer) const;
  // Writer thread, between batches: restarts the WAL on the writer's connection if due.
  // Returns how long the writer was held (seconds), nullopt when no restart was due.
  std::optional<double> restart_if_due(Db& writer);

 private:
  void run_once();
  // One PASSIVE checkpoint: false if it failed. `frames`: the WAL's frames in use.
  // `copied`: the frames copied into the database, of those.
  bool passive(int& frames, int& copied);
  // More passes, each copying what came in during the one before, until one finds little new
  // (`copied`: where the last pass left off).
  void catch_up(int copied);
  bool over(int frames, std::uint64_t bytes) const { return static_cast<std::uint64_t>(frames) * frame_bytes_ >= bytes; }

  const std::string wal_path_;
  const std::uint64_t limit_;
  std::uint64_t frame_bytes_ = 4096 + 24;
  std::unique_ptr<Db> db_;
  std::atomic<bool> restart_wanted_{false};
  std::atomic<bool> overdue_{false};  // the WAL is half as large again as its limit: no backing off
  int last_frames_ = 0;       // checkpoint thread: frames in use at the last pass
  int foiled_in_a_row_ = 0;   // writer thread: restarts in a row that readers kept busy
  int skip_ = 0;              // writer thread: restart requests to let pass before the next try
  std::atomic<std::uint64_t> passive_{0}, restarts_{0}, foiled_{0}, wal_bytes_{0}, busy_us_{0};
  PeriodicThread thread_;
};

}  // namespace parley::sqlite
