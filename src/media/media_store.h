// Where the bytes of photos, videos, voice notes and files live (issue 16), behind one
// interface: the filesystem in one-node mode (media/fs), an S3-compatible object store in
// cluster mode (media/s3). Content-addressed: an object's id is the SHA-256 of its bytes in
// lowercase hex, so the same bytes uploaded twice are stored once. Who may read an object
// is not this module's business: the domain checks that before it asks (docs/media.md).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace parley::media {

// An object id: 64 lowercase hex digits. Anything else is refused before it reaches a path.
bool valid_id(std::string_view id);

class MediaStore {
 public:
  virtual ~MediaStore() = default;

  // One object being written, a piece at a time (never whole in memory). Its id is known
  // when it is finished. Dropped unfinished, it leaves nothing behind.
  class Upload {
   public:
    virtual ~Upload() = default;
    virtual Status write(std::string_view bytes) = 0;
    virtual std::uint64_t size() const = 0;
    // The file on this machine that holds the bytes written so far (to read them before
    // finish(): a photo to process, a video to probe).
    virtual std::string local_path() const = 0;
    // Keeps the bytes under their SHA-256 and returns it; bytes already stored under that id
    // are kept as they are (the new copy is dropped).
    virtual Result<std::string> finish() = 0;
  };
  virtual Result<std::unique_ptr<Upload>> begin() = 0;

  // `length` bytes of object `id` from `offset` (fewer at its end). kNotFound: no such
  // object; kInvalid: a malformed id, or an offset past the end.
  virtual Result<std::string> read(std::string_view id, std::uint64_t offset, std::uint64_t length) = 0;
  virtual Result<std::uint64_t> size(std::string_view id) = 0;
  // kNotFound when there was nothing to remove.
  virtual Status remove(std::string_view id) = 0;
};

}  // namespace parley::media
