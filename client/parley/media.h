// Photos, videos, voice notes and files over HTTP (docs/protocol.md §7, Media): uploads sent
// in chunks and resumed after a failure, downloads streamed and resumed with a Range. Never
// holds a file whole in memory. Blocking calls with no shared state: any thread.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "parley/http.h"

namespace parley::client {

struct UploadOptions {
  std::string content_type = "application/octet-stream";  // the client's belief; the server reads the bytes
  std::string kind;  // image | video | voice | file; empty: the server's choice from content_type
  std::string name;  // the file's name recipients see; empty: none
  std::uint64_t chunk_bytes = 1 << 20;  // per PATCH; a file no larger goes whole in the POST
  int attempts = 5;                     // tries of a step that fails without progress
  int timeout_ms = 30000;               // per network step without progress
  std::function<void(std::uint64_t sent, std::uint64_t total)> on_progress{};
};

struct UploadResult {
  HttpResult http;             // the last answer: on failure, its status, code and message
  boost::json::object media{};  // the media object (id, kind, mime, size, ...); empty on failure
  bool ok() const { return !media.empty(); }
};

// Uploads the `length` bytes of `in` from its current position. A failed PATCH is resumed
// from where the server stands (HEAD), which needs `in` to seek back; a stream that cannot
// seek is sent once, without resuming.
UploadResult upload(const Endpoint& server, std::string_view token, std::istream& in, std::uint64_t length,
                    const UploadOptions& options);
// The file at `path`; an empty options.name becomes the file's name.
UploadResult upload_file(const Endpoint& server, std::string_view token, const std::filesystem::path& path,
                         UploadOptions options);

struct DownloadOptions {
  bool preview = false;      // the 320 px JPEG preview instead of the object
  std::uint64_t offset = 0;  // bytes the caller already has (a partial file): only the rest is asked for
  int attempts = 5;
  int timeout_ms = 30000;
  std::function<void(std::uint64_t received, std::uint64_t total)> on_progress{};  // offset included
};

struct DownloadResult {
  HttpResult http;            // the last answer: on failure, its status (404: no such media, or not yours)
  bool complete = false;      // `out` now ends where the object ends
  std::uint64_t size = 0;     // the whole object's bytes
  std::uint64_t written = 0;  // bytes this call wrote to `out` (the object from `offset` on)
  std::string mime;           // the Content-Type served
  bool ok() const { return complete; }
};

// Writes media `id` (or its preview) to `out` from options.offset on, resuming with a
// Range request when the connection drops. An offset at the end is complete at once.
DownloadResult download(const Endpoint& server, std::string_view token, std::string_view id, std::ostream& out,
                        const DownloadOptions& options);

// What download() would fetch, without its bytes (a HEAD): ok() when the caller may have it.
struct MediaHead {
  HttpResult http;  // 404: no such media, or not the caller's to download
  std::uint64_t size = 0;
  std::string mime;
  bool ok() const { return http.ok(); }
};
MediaHead media_head(const Endpoint& server, std::string_view token, std::string_view id, bool preview = false,
                     int timeout_ms = 30000);

// 64 lowercase hex digits: the only ids put in a URL.
bool valid_media_id(std::string_view id);

}  // namespace parley::client
