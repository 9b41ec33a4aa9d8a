// Writing big files without holding back everyone else's fsync (docs/media.md): every
// piece written is sent to the disk at once and the piece before it waited for, so the
// writer (a media thread) pays for its own writes and the page cache never holds
// megabytes of it. Without this, an upload's data waits in the page cache and the next
// fsync of the store's log (ext4 writes data before the journal) waits behind it: one
// upload would hold back every message tick.
#pragma once

#include <fcntl.h>

#include <cstdint>

namespace parley::media {

class WriteBehind {
 public:
  // Small enough that a sync of the store's WAL queued behind a piece at the disk waits
  // little for it: with 1 MiB pieces, eight uploads at 2,000 msg/s raised the ticks' p99 by
  // 43-65 %, with 128 KiB by 2-9 %; uploads go ~20 % slower flat out (bench/results, 2026-11-27).
  static constexpr std::uint64_t kPiece = 128 << 10;

  // `written`: the file's size now (bytes written from offset 0, in order).
  void wrote(int fd, std::uint64_t written) {
    while (written - started_ >= kPiece) {
      ::sync_file_range(fd, static_cast<off_t>(started_), kPiece, SYNC_FILE_RANGE_WRITE);
      if (started_ >= kPiece)
        ::sync_file_range(fd, static_cast<off_t>(started_ - kPiece), kPiece,
                          SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
      started_ += kPiece;
    }
  }

 private:
  std::uint64_t started_ = 0;  // bytes sent to the disk
};

}  // namespace parley::media
