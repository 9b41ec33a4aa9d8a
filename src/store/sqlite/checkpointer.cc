#include "store/sqlite/checkpointer.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>

namespace parley::sqlite {

namespace {
// Each checkpoint ends in a database fsync that delays the commits around it: shorter
// intervals make each one smaller (p99 at 5,000 msg/s: 1 s 36 ms, 100 ms ~13 ms, 25 ms
// ~9.5 ms; the same CPU per message; bench/results/README.md).
constexpr auto kInterval = std::chrono::milliseconds(25);
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
  return {passive_.load(), restarts_.load(), wal_bytes_.load(), busy_us_.load()};
}

void Checkpointer::run_once() {
  std::error_code ec;
  if (!std::filesystem::exists(wal_path_, ec)) return;  // no WAL yet
  auto start = std::chrono::steady_clock::now();
  int wal_frames = 0, done_frames = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &done_frames);
  ++passive_;
  if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
    spdlog::warn("store: checkpoint failed: {}", sqlite3_errmsg(db_->raw()));
  }
  // The frames in use since the last restart, not the file size (a restarted WAL keeps its
  // file and is written again from the start).
  if (rc == SQLITE_OK && static_cast<std::uint64_t>(wal_frames) * frame_bytes_ >= limit_) restart_wanted_ = true;
  wal_bytes_ = std::filesystem::file_size(wal_path_, ec);
  busy_us_ += std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
}

void Checkpointer::restart_if_due(Db& writer) {
  if (!restart_wanted_.exchange(false)) return;
  auto start = std::chrono::steady_clock::now();
  int wal_frames = 0, done_frames = 0;
  int rc = sqlite3_wal_checkpoint_v2(writer.raw(), nullptr, SQLITE_CHECKPOINT_RESTART, &wal_frames, &done_frames);
  if (rc == SQLITE_OK) ++restarts_;  // else busy: asked again after the next passive round
  busy_us_ += std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace parley::sqlite
