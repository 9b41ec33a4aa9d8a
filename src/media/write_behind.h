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
  static constexpr std::uint64_t kPiece = 1 << 20;

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
