#include "parley/media.h"

#include "parley/history.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <fstream>
#include <optional>
#include <thread>

namespace parley::client {

namespace json = boost::json;

namespace {

// Waits before the next try: 200 ms, doubling, at most 3 s.
void back_off(int failures) {
  std::this_thread::sleep_for(std::chrono::milliseconds(std::min(3000, 200 << std::min(failures, 4))));
}

std::optional<std::uint64_t> number(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::uint64_t field(const json::value& v, std::string_view key) {
  if (auto* o = v.if_object())
    if (auto* f = o->if_contains(key)) {
      if (f->is_int64() && f->get_int64() >= 0) return static_cast<std::uint64_t>(f->get_int64());
      if (f->is_uint64()) return f->get_uint64();
    }
  return 0;
}

// X-Parley-Name is percent-encoded UTF-8: everything but unreserved characters is escaped.
// A failure found on this side: no request answered it.
HttpResult local_failure(std::string message) {
  HttpResult r;
  r.error = std::move(message);
  return r;
}

// One upload: the stream, where it has been read to, and the steps of the protocol.
class Uploader {
 public:
  Uploader(const Endpoint& server, std::string_view token, std::istream& in, std::uint64_t length,
           const UploadOptions& opt)
      : server_(server), token_(token), in_(in), base_(in.tellg()), length_(length), opt_(opt) {}

  UploadResult run() {
    UploadResult res;
    // At most two rounds: an upload lost just as it finished (the server no longer knows it)
    // is sent again; the same bytes are stored once.
    for (int round = 0; round < 2; ++round) {
      bool restart = false;
      res.http = send(restart);
      if (auto* o = res.http.json.if_object(); o && res.http.ok())
        if (auto* m = o->if_contains("media"); m && m->is_object()) {
          res.media = m->get_object();
          return res;
        }
      if (!restart) break;
    }
    if (res.http.ok()) res.http = local_failure("the server's answer holds no media object");
    return res;
  }

 private:
  StreamRequest request(std::string method, std::string target) const {
    StreamRequest rq;
    rq.method = std::move(method);
    rq.target = std::move(target);
    rq.bearer = token_;
    rq.timeout_ms = opt_.timeout_ms;
    return rq;
  }

  bool seekable() const { return base_ != std::streampos(-1); }

  // Positions the stream at `offset` bytes into the upload.
  bool seek(std::uint64_t offset) {
    if (offset == read_) return true;
    if (!seekable()) return false;
    in_.clear();
    in_.seekg(base_ + static_cast<std::streamoff>(offset));
    if (!in_) return false;
    read_ = offset;
    return true;
  }

  // Sends `bytes` from `offset` as the body of `rq`.
  HttpResult send_body(StreamRequest rq, std::uint64_t offset, std::uint64_t bytes) {
    if (!seek(offset)) return local_failure("cannot resume: the input cannot seek back");
    rq.body = &in_;
    rq.body_length = bytes;
    rq.on_sent = [this, offset](std::uint64_t sent) {
      read_ = offset + sent;
      if (opt_.on_progress) opt_.on_progress(read_, length_);
    };
    auto r = http_stream(server_, rq);
    if (read_ != offset + bytes) read_ = kUnknown;  // cut short: a piece may have been read, not sent
    return r;
  }

  // The whole protocol once: open, then PATCH until finished. `restart`: the upload vanished
  // after a lost connection (perhaps finished); starting over may succeed.
  HttpResult send(bool& restart) {
    auto open = request("POST", "/v1/media");
    open.headers = {{"Content-Type", opt_.content_type}, {"Upload-Length", std::to_string(length_)}};
    if (!opt_.kind.empty()) open.headers.emplace_back("X-Parley-Kind", opt_.kind);
    if (!opt_.name.empty()) open.headers.emplace_back("X-Parley-Name", query_escape(opt_.name));
    const bool whole = length_ <= opt_.chunk_bytes;  // one request, no resuming
    HttpResult r;
    for (int failures = 0;;) {
      r = whole ? send_body(open, 0, length_) : http_stream(server_, open);
      if (r.status != 0 || ++failures >= opt_.attempts || (whole && !seekable())) break;
      back_off(failures);
    }
    if (!r.ok() || r.status != 201) return r;
    const std::string id = r.json.is_object() && r.json.at("upload").is_string()
                               ? std::string(r.json.at("upload").get_string())
                               : std::string();
    if (id.empty() || id.find_first_of("/?#% ") != std::string::npos)
      return local_failure("the server's answer names no upload");
    const std::string target = "/v1/media/uploads/" + id;
    std::uint64_t offset = field(r.json, "offset");
    int failures = 0;
    bool lost = false;  // the last failure was the connection's
    for (;;) {
      auto patch = request("PATCH", target);
      patch.headers = {{"Upload-Offset", std::to_string(offset)}};
      r = send_body(patch, offset, std::min(opt_.chunk_bytes, length_ - offset));
      if (r.ok()) {
        if (r.json.is_object() && r.json.get_object().contains("media")) return r;
        const std::uint64_t now = field(r.json, "offset");
        if (now <= offset) return local_failure("the upload made no progress");
        offset = now;
        failures = 0;
        lost = false;
        continue;
      }
      if (r.status == 404 && lost) restart = true;  // finished or dropped while we were away
      if (r.status == 409) {  // it stands elsewhere: go on from there
        offset = field(r.json, "offset");
        if (++failures >= opt_.attempts) return r;
        continue;
      }
      const bool transient = r.status == 0 || r.status == 429 || r.status / 100 == 5;
      if (!transient || !seekable() || ++failures >= opt_.attempts) return r;
      lost = true;
      back_off(failures);
      auto where = http_stream(server_, request("HEAD", target));
      if (where.status == 404) {
        restart = true;
        return where;
      }
      if (auto at = number(where.header("Upload-Offset")); where.ok() && at && *at <= length_) offset = *at;
    }
  }

  const Endpoint& server_;
  const std::string token_;
  std::istream& in_;
  const std::streampos base_;
  static constexpr std::uint64_t kUnknown = ~std::uint64_t(0);
  std::uint64_t read_ = 0;  // where in_ stands in the upload; kUnknown: seek before reading
  const std::uint64_t length_;
  const UploadOptions& opt_;
};

// The object's whole size from a download's answer: Content-Range's total, or Content-Length.
std::uint64_t object_size(const HttpResult& r) {
  std::string range = r.header("Content-Range");
  if (auto slash = range.rfind('/'); slash != std::string::npos)
    if (auto n = number(std::string_view(range).substr(slash + 1))) return *n;
  if (auto n = number(r.header("Content-Length"))) return *n;
  return 0;
}

}  // namespace

bool valid_media_id(std::string_view id) {
  return id.size() == 64 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

UploadResult upload(const Endpoint& server, std::string_view token, std::istream& in, std::uint64_t length,
                    const UploadOptions& options) {
  return Uploader(server, token, in, length, options).run();
}

UploadResult upload_file(const Endpoint& server, std::string_view token, const std::filesystem::path& path,
                         UploadOptions options) {
  std::error_code ec;
  const auto length = std::filesystem::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) return {local_failure("cannot read " + path.string() + (ec ? ": " + ec.message() : "")), {}};
  if (options.name.empty()) options.name = path.filename().string();
  return upload(server, token, in, length, options);
}

namespace {
std::string media_target(std::string_view id, bool preview) {
  return "/v1/media/" + std::string(id) + (preview ? "/preview" : "");
}
}  // namespace

MediaHead media_head(const Endpoint& server, std::string_view token, std::string_view id, bool preview,
                     int timeout_ms) {
  MediaHead head;
  if (!valid_media_id(id)) {
    head.http = local_failure("not a media id (64 hex digits): " + std::string(id));
    return head;
  }
  StreamRequest rq;
  rq.method = "HEAD";
  rq.target = media_target(id, preview);
  rq.bearer = token;
  rq.timeout_ms = timeout_ms;
  head.http = http_stream(server, rq);
  head.size = object_size(head.http);
  head.mime = head.http.header("Content-Type");
  return head;
}

DownloadResult download(const Endpoint& server, std::string_view token, std::string_view id, std::ostream& out,
                        const DownloadOptions& options) {
  DownloadResult res;
  if (!valid_media_id(id)) {
    res.http = local_failure("not a media id (64 hex digits): " + std::string(id));
    return res;
  }
  std::uint64_t at = options.offset;  // where `out` ends in the object
  for (int failures = 0;;) {
    StreamRequest rq;
    rq.target = media_target(id, options.preview);
    rq.bearer = token;
    rq.timeout_ms = options.timeout_ms;
    if (at > 0) rq.headers = {{"Range", "bytes=" + std::to_string(at) + "-"}};
    const std::uint64_t asked = at;
    std::uint64_t skip = 0;  // a whole answer to a range request: the bytes `out` has
    bool first = true;
    rq.on_body = [&](const HttpResult& answer, std::string_view piece) {
      if (first) {
        first = false;
        res.size = object_size(answer);
        if (answer.status == 200) skip = asked;
      }
      const auto dropped = static_cast<std::size_t>(std::min<std::uint64_t>(skip, piece.size()));
      piece.remove_prefix(dropped);
      skip -= dropped;
      if (!out.write(piece.data(), static_cast<std::streamsize>(piece.size()))) return false;
      at += piece.size();
      res.written += piece.size();
      if (options.on_progress) options.on_progress(at, res.size);
      return true;
    };
    const std::uint64_t before = at;
    res.http = http_stream(server, rq);
    if (res.http.ok() || res.http.status == 416) {
      res.size = object_size(res.http);
      res.mime = res.http.header("Content-Type");
      res.complete = at == res.size;
      if (!res.complete && res.http.status == 416)
        res.http.error = "the partial file is longer than the media (" + std::to_string(res.size) + " bytes)";
      return res;
    }
    if (res.http.status != 0 || !out) return res;  // refused, or the output failed: trying again will not help
    if (at > before) failures = 0;
    if (++failures >= options.attempts) return res;
    back_off(failures);
  }
}

}  // namespace parley::client
