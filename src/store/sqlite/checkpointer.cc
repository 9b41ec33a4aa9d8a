#include "store/sqlite/checkpointer.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace parley::sqlite {

namespace {
// Each checkpoint ends in a database fsync that delays the commits around it: shorter
// intervals make each one smaller (p99 at 5,000 msg/s: 1 s 36 ms, 100 ms ~13 ms, 25 ms
// ~9.5 ms; the same CPU per message; bench/results/README.md).
constexpr auto kInterval = std::chrono::milliseconds(25);
// How long a restart waits for readers still on the old WAL (the writer waits meanwhile).
// Readers that begin while it waits read the database file, not the WAL, so only reads
// older than the restart hold it: a few ms covers a history page or a search.
constexpr int kRestartWaitMs = 5;
// Before a restart is asked for, passes follow each other (at most this many) until one finds
// fewer than kFewFrames new frames to copy: the restart, which holds the writer, then copies
// and syncs little (mean hold at 5,000 msg/s 3.8-4.1 -> 1.9-2.5 ms; bench/results/README.md).
// Flat out, where each pass copies a lot, they stop after kCatchUpFor: the WAL grows meanwhile.
constexpr int kCatchUpPasses = 4;
constexpr int kFewFrames = 64;
constexpr auto kCatchUpFor = std::chrono::milliseconds(10);
}

Checkpointer::Checkpointer(const std::string& path, std::uint64_t wal_limit_bytes)
    : wal_path_(path + "-wal"), limit_(wal_limit_bytes), db_(std::make_unique<Db>(path, false)) {
  db_->exec("PRAGMA journal_mode=WAL");  // a fresh connection checkpoints nothing until it knows the WAL
  auto& q = db_->prepare("PRAGMA page_size");
  frame_bytes_ = (q.step() ? static_cast<std::uint64_t>(q.i64(0)) : 4096) + 24;  // a WAL frame: header + page
  q.reset();
  thread_.start("checkpoint", kInterval, [this] { run_once(); });
}

Checkpointer::~Checkpointer() { stop(); }

void Checkpointer::stop() { thread_.stop(); }

Checkpointer::Stats Checkpointer::stats() const {
  return {passive_.load(), restarts_.load(), foiled_.load(), wal_bytes_.load(), busy_us_.load()};
}

bool Checkpointer::passive(int& frames, int& copied) {
  frames = 0;
  copied = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);
  ++passive_;
  if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
    spdlog::warn("store: checkpoint failed: {}", sqlite3_errmsg(db_->raw()));
  }
  return rc == SQLITE_OK;
}

void Checkpointer::catch_up(int copied) {
  const auto until = std::chrono::steady_clock::now() + kCatchUpFor;
  for (int i = 0, frames = 0, before = copied; i < kCatchUpPasses && passive(frames, copied); ++i) {
    if (copied - before < kFewFrames || std::chrono::steady_clock::now() >= until) return;
    before = copied;
  }
}

void Checkpointer::run_once() {
  std::error_code ec;
  if (!std::filesystem::exists(wal_path_, ec)) return;  // no WAL yet
  auto start = std::chrono::steady_clock::now();
  // The frames in use since the last restart, not the file size (a restarted WAL keeps its
  // file and is written again from the start).
  int frames = 0, copied = 0;
  bool ok = passive(frames, copied);
  if (ok && frames < last_frames_) ++restarts_;  // restarted since the last look (by the writer)
  if (ok && over(frames, limit_)) {
    catch_up(copied);
    restart_wanted_ = true;
  }
  if (ok) overdue_ = over(frames, overdue_bytes(limit_));
  if (ok) last_frames_ = frames;
  wal_bytes_ = std::filesystem::file_size(wal_path_, ec);
  busy_us_ += std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
}

void Checkpointer::bound_file(Db& writer) const {
  // Not to the limit itself: the WAL is always a little past it when a restart is due, and a
  // file cut back to the limit at every restart grows again in every cycle: each cut frees
  // blocks and each regrowth allocates them, and the fsyncs of both wait for ext4's journal
  // (the cut alone took 2-8 ms of the writer's time).
  writer.exec(("PRAGMA journal_size_limit=" + std::to_string(overdue_bytes(limit_))).c_str());
}

std::optional<double> Checkpointer::restart_if_due(Db& writer) {
  if (!restart_wanted_.exchange(false)) return std::nullopt;
  // Readers foiled the last tries: fewer tries while they last, unless the WAL has grown half
  // as large again as its limit (then every round tries, each holding the writer 5 ms at most).
  if (skip_ > 0 && !overdue_.load()) {
    --skip_;
    return std::nullopt;
  }
  auto start = std::chrono::steady_clock::now();
  int wal_frames = 0, done_frames = 0;
  const int was = writer.busy_wait_limit(kRestartWaitMs);
  int rc = sqlite3_wal_checkpoint_v2(writer.raw(), nullptr, SQLITE_CHECKPOINT_RESTART, &wal_frames, &done_frames);
  writer.busy_wait_limit(was);
  if (rc == SQLITE_BUSY) {  // a reader began before the last frames were copied and is still reading
    ++foiled_;
    foiled_in_a_row_ = std::min(foiled_in_a_row_ + 1, 5);
    skip_ = (1 << foiled_in_a_row_) - 1;  // 1, 3, 7, 15, 31 rounds (each ~25 ms) before the next try
  } else {
    foiled_in_a_row_ = 0;
  }
  auto held = std::chrono::steady_clock::now() - start;
  busy_us_ += std::chrono::duration_cast<std::chrono::microseconds>(held).count();
  return std::chrono::duration<double>(held).count();
}

}  // namespace parley::sqlite
