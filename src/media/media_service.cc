#include "media/media_service.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <future>

#include "core/encoding.h"
#include "media/av.h"
#include "model/media_object.h"

namespace parley::media {

namespace {

constexpr std::size_t kChunk = 1 << 20;  // bytes handed to the store at once
constexpr int kSweepPage = 100;

// Waits for a store write (the media threads may block; io threads never run this).
template <class T, class Start>
Result<T> wait(Start start) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  start([promise](Result<T> r) { promise->set_value(std::move(r)); });
  return future.get();
}

// The same, for a write that reports only a Status.
template <class Start>
Status wait_status(Start start) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  start(DoneStatus([promise](Status st) { promise->set_value(std::move(st)); }));
  return future.get();
}

std::optional<Kind> kind_of(std::string_view kind, std::string_view content_type) {  // "" = from the type
  if (kind == "image") return Kind::kImage;
  if (kind == "video") return Kind::kVideo;
  if (kind == "voice") return Kind::kVoice;
  if (kind == "file") return Kind::kFile;
  if (!kind.empty()) return std::nullopt;
  if (content_type.starts_with("image/")) return Kind::kImage;
  if (content_type.starts_with("video/")) return Kind::kVideo;
  if (content_type.starts_with("audio/")) return Kind::kVoice;
  return Kind::kFile;
}

std::string mib(std::uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

Result<std::string> read_file(const std::string& path, std::uint64_t offset, std::uint64_t length) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kUnavailable, "cannot read the staged upload");
  in.seekg(static_cast<std::streamoff>(offset));
  std::string out(length, '\0');
  in.read(out.data(), static_cast<std::streamsize>(length));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

}  // namespace

MediaService::MediaService(Store& store, MediaStore& objects, const Clock& clock, Options options)
    : store_(store), objects_(objects), clock_(clock), opt_(std::move(options)), uploads_(objects, opt_.node) {}

std::uint64_t MediaService::limit_of(Kind kind) const {
  switch (kind) {
    case Kind::kImage: return opt_.max_image_bytes;
    case Kind::kVideo: return opt_.max_video_bytes;
    case Kind::kVoice: return opt_.max_voice_bytes;
    case Kind::kFile: return opt_.max_file_bytes;
  }
  return opt_.max_file_bytes;
}

Result<Uploads::Held> MediaService::open(UserId user, std::string_view content_type, std::string_view as,
                                         std::uint64_t length, std::string name) {
  auto kind = kind_of(as, content_type);
  if (!kind) return Status(Code::kInvalid, "X-Parley-Kind must be image, video, voice or file");
  if (length == 0) return Status(Code::kInvalid, "Upload-Length must be 1 or more");
  if (!name.empty() && !media_object::valid_name(name))
    return Status(Code::kInvalid, "X-Parley-Name must be 1 to 255 bytes without '/', '\\' or control characters");
  if (length > limit_of(*kind))
    return Status(Code::kTooLarge, std::string(media::kind_name(*kind)) + "s may be at most " + mib(limit_of(*kind)));
  // Per hour, on every node: the store counts. Uploads in progress: this node's count.
  RateLimit hourly{"media:" + std::to_string(user.value), 3600 * 1000, opt_.uploads_per_hour};
  auto verdict = wait<RateVerdict>([&](auto done) { store_.take_rates({hourly}, clock_.now_ms(), true, done); });
  if (!verdict) return verdict.status();
  if (verdict->wait_ms > 0)
    return Status(Code::kRateLimited, "at most " + std::to_string(opt_.uploads_per_hour) + " uploads an hour; retry in " +
                                          std::to_string(verdict->wait_ms / 1000) + " s");
  UploadInfo info;
  info.user = user;
  info.declared = std::string(content_type);
  info.kind = *kind;
  info.name = std::move(name);
  info.length = length;
  info.expires_at = clock_.now_ms() + opt_.upload_ttl_ms;
  return uploads_.open(std::move(info), opt_.uploads_in_progress);
}

Result<std::string> MediaService::store_bytes(std::string_view bytes) {
  auto up = objects_.begin();
  if (!up) return up.status();
  for (std::size_t at = 0; at < bytes.size(); at += kChunk)
    if (Status st = (*up)->write(bytes.substr(at, kChunk)); !st.ok()) return st;
  return (*up)->finish();
}

Status MediaService::record(const MediaRecord& m, UserId uploader) {
  return wait_status([&](DoneStatus done) { store_.record_media(m, uploader, std::move(done)); });
}

Result<MediaRecord> MediaService::finish(Uploads::Held up) {
  const UploadInfo info = up.info();
  const std::string path = up.bytes().local_path();
  struct Drop {  // whatever happens, the upload is over
    Uploads& uploads;
    Uploads::Held& held;
    ~Drop() { uploads.finish(held); }
  } drop{uploads_, up};
  auto refuse = [&](const Status& why) {
    counters_.refused++;
    return Status(Code::kUnsupportedMedia, why.message());
  };

  auto sniffed = sniff(up.head(), info.declared, info.kind);
  if (!sniffed) return refuse(sniffed.status());

  MediaRecord m;
  m.kind = std::string(kind_name(sniffed->kind));
  m.mime = sniffed->mime;
  m.name = info.name;
  m.uploaded_at = clock_.now_ms();
  std::optional<ProcessedImage> image;
  if (sniffed->kind == Kind::kImage) {
    processing_.acquire();
    struct Release {
      std::counting_semaphore<>& s;
      ~Release() { s.release(); }
    } release{processing_};
    // The upload's own bytes are not kept: the stored photo is the processed one.
    auto bytes = read_file(path, 0, info.length);  // bounded by max_image_bytes
    if (!bytes) return bytes.status();
    auto processed = process_image(*bytes, opt_.image);
    if (!processed) return refuse(processed.status());
    image = std::move(*processed);
    auto id = store_bytes(image->full);
    if (!id) return id.status();
    auto preview = store_bytes(image->preview);
    if (!preview) return preview.status();
    m.id = *id;
    m.preview = *preview;
    m.mime = "image/jpeg";
    m.size = static_cast<std::int64_t>(image->full.size());
    m.width = image->width;
    m.height = image->height;
    m.thumbnail = base64(image->thumbnail);
  } else {
    if (sniffed->kind == Kind::kVideo || sniffed->kind == Kind::kVoice) {
      // Stored as sent whatever FFmpeg makes of it (libmagic said what it is); what it
      // reads (duration, size, poster frame, waveform) is shown before the download.
      auto av = sniffed->kind == Kind::kVideo ? probe_video(path) : probe_voice(path);
      if (!av) {
        spdlog::info("media: no details of a {} upload: {}", m.kind, av.status().message());
      } else {
        m.duration_ms = av->duration_ms;
        m.width = av->width;
        m.height = av->height;
        if (!av->waveform.empty()) m.waveform = base64(av->waveform);
        if (!av->preview.empty()) {
          auto preview = store_bytes(av->preview);
          if (!preview) return preview.status();
          m.preview = *preview;
          m.thumbnail = base64(av->thumbnail);
        }
      }
    }
    auto id = up.bytes().finish();  // the staged file becomes the object: no copy
    if (!id) return id.status();
    m.id = *id;
    m.size = static_cast<std::int64_t>(info.length);
  }
  if (Status st = record(m, info.user); !st.ok()) return st;
  // A sweep may have removed these very bytes between storing and recording them: the
  // record now protects them. A photo is stored again; other bytes went with the upload,
  // so the client is asked to upload again (a race with a 24-hour-old copy, rare).
  if (auto size = objects_.size(m.id); !size && size.status().code() == Code::kNotFound) {
    spdlog::info("media: {} was swept while it was uploaded again", m.id);
    if (!image) return Status(Code::kUnavailable, "the upload collided with a cleanup; upload it again");
    auto again = store_bytes(image->full);
    if (again) again = store_bytes(image->preview);
    if (!again) return again.status();
  }
  counters_.uploads++;
  counters_.bytes_in += info.length;
  return m;
}

Status MediaService::set_avatar(UserId user, const std::string& id) {
  if (!id.empty()) {
    auto m = readable(user, id);
    if (!m && m.status().code() != Code::kNotFound) return m.status();
    if (!m || m->kind != "image") return Status(Code::kNoSuchMedia, "no such image (upload it first)");
  }
  return wait_status([&](DoneStatus done) { store_.set_user_avatar(user, id, std::move(done)); });
}

Result<MediaRecord> MediaService::readable(UserId user, const std::string& id) {
  if (!valid_id(id)) return Status(Code::kNotFound, "no such media");
  return store_.readable_media(user, id);
}

Result<std::string> MediaService::read(const std::string& object, std::uint64_t offset, std::uint64_t length) {
  auto r = objects_.read(object, offset, length);
  if (r) counters_.bytes_out += r->size();
  return r;
}

std::size_t MediaService::sweep() {
  const TimeMs now = clock_.now_ms();
  if (std::size_t n = uploads_.expire(now)) spdlog::info("media: {} unfinished uploads expired", n);
  std::size_t removed = 0;
  for (;;) {
    auto gone = wait<std::vector<std::string>>(
        [&](auto done) { store_.sweep_media(now - opt_.grace_ms, kSweepPage, done); });
    if (!gone) {
      spdlog::warn("media: sweep failed: {}", gone.status().message());
      break;
    }
    for (const auto& object : *gone) {
      Status st = objects_.remove(object);
      if (st.ok() || st.code() == Code::kNotFound) ++removed;
      else spdlog::warn("media: cannot remove {}: {}", object, st.message());
    }
    if (gone->size() < static_cast<std::size_t>(kSweepPage)) break;
  }
  counters_.swept += removed;
  if (removed) spdlog::info("media: swept {} objects nothing refers to", removed);
  return removed;
}

}  // namespace parley::media
