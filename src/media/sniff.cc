// What an upload really is (see sniff.h), with libmagic.
#include "media/sniff.h"

#include <magic.h>

#include <array>
#include <memory>

namespace parley::media {

namespace {

// One libmagic handle per thread: a handle is not safe to share.
magic_t handle() {
  struct Closer {
    void operator()(magic_t m) const {
      if (m) magic_close(m);
    }
  };
  thread_local std::unique_ptr<std::remove_pointer_t<magic_t>, Closer> m = [] {
    magic_t h = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS);
    if (h && magic_load(h, nullptr) != 0) {
      magic_close(h);
      h = nullptr;
    }
    return std::unique_ptr<std::remove_pointer_t<magic_t>, Closer>(h);
  }();
  return m.get();
}

bool starts(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

constexpr std::array kImages{"image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "image/heif"};
constexpr std::array kVideos{"video/mp4", "video/quicktime", "video/webm", "video/3gpp", "video/x-matroska"};
// Voice notes: Opus in Ogg or WebM (what browsers record), AAC, MP3.
constexpr std::array kVoices{"audio/ogg", "audio/opus", "audio/aac", "audio/x-hx-aac-adts", "audio/mp4",
                             "audio/x-m4a", "audio/mpeg", "audio/webm", "video/webm"};
// Never taken, whatever they are sent as: programs and scripts.
constexpr std::array kRefused{"application/x-executable", "application/x-dosexec", "application/x-sharedlib",
                              "application/x-pie-executable", "application/x-mach-binary", "text/x-shellscript",
                              "application/x-msi", "application/vnd.microsoft.portable-executable"};

template <std::size_t N>
bool in(const std::array<const char*, N>& list, std::string_view mime) {
  for (const char* m : list)
    if (mime == m) return true;
  return false;
}

}  // namespace

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::kImage: return "image";
    case Kind::kVideo: return "video";
    case Kind::kVoice: return "voice";
    case Kind::kFile: return "file";
  }
  return "file";
}

Result<Sniffed> sniff(std::string_view head, std::string_view declared, Kind as) {
  magic_t m = handle();
  if (!m) return Status(Code::kUnavailable, "the file type library could not start");
  const char* found = magic_buffer(m, head.data(), head.size());
  Sniffed s;
  s.mime = found ? found : "application/octet-stream";
  s.kind = as;
  declared = declared.substr(0, declared.find(';'));
  if (in(kRefused, s.mime)) return Status(Code::kInvalid, "files of type " + s.mime + " are not taken");
  bool fits = false;
  switch (as) {
    case Kind::kImage: fits = in(kImages, s.mime); break;
    case Kind::kVideo: fits = in(kVideos, s.mime); break;
    case Kind::kVoice: fits = in(kVoices, s.mime); break;
    case Kind::kFile: fits = true; break;
  }
  if (!fits)
    return Status(Code::kInvalid, "this is " + s.mime + ", which is not taken as " + std::string(kind_name(as)));
  // The client's word must agree with the bytes' family (an "image/png" that is a PDF).
  if (!declared.empty() && declared != "application/octet-stream") {
    auto family = [](std::string_view t) { return t.substr(0, t.find('/')); };
    bool same = declared == s.mime || family(declared) == family(s.mime) ||
                (as == Kind::kVoice && (starts(declared, "audio/") || starts(declared, "video/webm")));
    if (!same)
      return Status(Code::kInvalid, "declared as " + std::string(declared) + " but the bytes are " + s.mime);
  }
  return s;
}

}  // namespace parley::media
