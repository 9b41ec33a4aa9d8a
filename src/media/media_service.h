// Photos, videos, voice notes and files (docs/media.md): uploads staged on this node,
// checked (libmagic), processed (images: libvips; video and voice: FFmpeg's libraries),
// stored once by content (MediaStore) and recorded with their uploader (Store); who may
// read what; and the sweep of media nothing refers to. The HTTP side is net/media_http.
// Blocking and thread-safe: callers run it on the media threads, never on an io thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <semaphore>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "media/images.h"
#include "media/media_store.h"
#include "media/uploads.h"
#include "store/store.h"

namespace parley::media {

struct Options {
  std::uint64_t max_image_bytes = 16ULL << 20;
  std::uint64_t max_video_bytes = 100ULL << 20;
  std::uint64_t max_voice_bytes = 100ULL << 20;
  std::uint64_t max_file_bytes = 100ULL << 20;
  ImageLimits image;
  std::size_t uploads_in_progress = 4;  // per user, on this node
  std::int64_t uploads_per_hour = 200;  // per user, on every node (Store::take_rates)
  TimeMs upload_ttl_ms = 24LL * 3600 * 1000;
  TimeMs grace_ms = 24LL * 3600 * 1000;  // unreferenced media are kept this long after their upload
  int node = 1;  // upload ids begin with "u<node>-"
  bool operator==(const Options&) const = default;
};

struct Counters {
  std::atomic<std::uint64_t> uploads{0}, bytes_in{0}, bytes_out{0}, refused{0}, swept{0};
};

class MediaService {
 public:
  MediaService(Store& store, MediaStore& objects, const Clock& clock, Options options);

  const Options& options() const { return opt_; }
  Counters& counters() { return counters_; }
  std::size_t uploads_in_progress() const { return uploads_.open_count(); }

  // A new upload of `length` bytes of what the client calls `content_type`, sent as `kind`
  // ("" = from the content type). kInvalid (bad kind or name), kTooLarge (over the kind's
  // limit), kRateLimited (too many in progress, or this hour).
  Result<Uploads::Held> open(UserId user, std::string_view content_type, std::string_view as,
                             std::uint64_t length, std::string name);
  Result<Uploads::Held> hold(UserId user, const std::string& upload) { return uploads_.hold(user, upload); }
  Result<UploadInfo> state(UserId user, const std::string& upload) { return uploads_.state(user, upload); }
  Status cancel(UserId user, const std::string& upload) { return uploads_.cancel(user, upload); }

  // The last byte arrived: checks, processes, stores and records the upload, and drops it
  // either way. kUnsupportedMedia (naming why) for a type not taken or not as declared, or
  // an image that does not decode; kUnavailable when storing failed (upload again).
  Result<MediaRecord> finish(Uploads::Held upload);

  // `user`'s avatar becomes image `id` ("" for none): one they may read (kNoSuchMedia otherwise).
  // Whoever shares a chat with them may then read it.
  Status set_avatar(UserId user, const std::string& id);

  // The media `user` may read (kNotFound otherwise, as for no such id).
  Result<MediaRecord> readable(UserId user, const std::string& id);
  // `length` bytes of a stored object from `offset`.
  Result<std::string> read(const std::string& object, std::uint64_t offset, std::uint64_t length);
  Result<std::uint64_t> size(const std::string& object) { return objects_.size(object); }

  // One round of housekeeping: uploads past their time dropped; media nothing refers to
  // after the grace period forgotten and their bytes removed. Answers the objects removed.
  std::size_t sweep();

 private:
  std::uint64_t limit_of(Kind kind) const;
  Result<std::string> store_bytes(std::string_view bytes);
  Status record(const MediaRecord& media, UserId uploader);

  Store& store_;
  MediaStore& objects_;
  const Clock& clock_;
  const Options opt_;
  Uploads uploads_;
  Counters counters_;
  std::counting_semaphore<> processing_{2};  // images decoded at once: memory and CPU stay bounded
};

}  // namespace parley::media
