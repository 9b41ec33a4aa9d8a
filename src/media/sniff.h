// What an upload really is (issue 16, docs/media.md): its type read from its first bytes
// with libmagic, never taken from the client's word. The declared type must agree with
// what the bytes are (an "image" that is a script is refused), and some types are never
// taken at all (programs).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace parley::media {

enum class Kind { kImage, kVideo, kVoice, kFile };
std::string_view kind_name(Kind kind);  // "image", "video", "voice", "file"

struct Sniffed {
  Kind kind = Kind::kFile;
  std::string mime;  // as libmagic names it, e.g. "image/jpeg"
};

// `head`: the upload's first bytes (4 KiB is plenty). `declared`: the client's
// Content-Type (parameters ignored), `as`: the kind the client sends it as.
// kInvalid with the reason: a type never taken, or bytes that are not what was declared.
Result<Sniffed> sniff(std::string_view head, std::string_view declared, Kind as);

}  // namespace parley::media
