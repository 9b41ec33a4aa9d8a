// The media routes as parley-bench drives them (docs/protocol.md, "Media"): uploads
// (POST /v1/media, then PATCHes) and downloads (GET /v1/media/{id}) over one kept-alive
// HTTP/1.1 connection, blocking, every step bounded by a timeout; call() sends any other
// request on it (history-search's pages and searches). One object per worker
// thread; not thread-safe. Failures are values (`error` set), never exceptions.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "parley/http.h"

namespace parley::bench {

struct UploadSpec {
  std::string content_type = "application/octet-stream";
  std::string kind = "file";  // X-Parley-Kind
  // > 0: a POST with an empty body, then PATCHes of at most this many bytes; 0: the whole
  // file in the POST's body.
  std::size_t patch_bytes = 1 << 20;
  // > 0: the last this many bytes go in a request of their own, so that its answer time is
  // the server's work on the finished upload (checking, processing, storing) plus a round trip.
  std::size_t last_bytes = 0;
};

struct UploadResult {
  std::string id;        // the media object's id; empty on failure
  std::string error;     // why it failed
  double total_ms = 0;   // first request sent to the media object answered
  double finish_ms = 0;  // spec.last_bytes > 0: the last request's round trip
};

struct DownloadResult {
  std::uint64_t bytes = 0;  // body bytes received
  std::string head;         // the body's first bytes (up to 64)
  std::string error;
  double ms = 0;  // request sent to the last byte received
};

class MediaClient {
 public:
  MediaClient(client::Endpoint server, std::string token, double timeout_s = 60);
  ~MediaClient();

  UploadResult upload(std::string_view bytes, const UploadSpec& spec);
  DownloadResult download(const std::string& id);

  struct Answer {
    int status = 0;
    std::string body;  // at most 1 MiB
    std::string error;  // transport failure (status 0)
  };
  // One request with `body` (which may be empty) and its whole answer, on this client's
  // connection: the media routes above, and any other (history-search's GETs).
  Answer call(const char* method, const std::string& target, std::string_view body,
              std::initializer_list<std::pair<std::string_view, std::string>> headers);

 private:
  bool connect(std::string& error);
  void close();

  client::Endpoint server_;
  std::string token_;
  double timeout_s_;
  boost::asio::io_context ioc_;
  std::optional<boost::beast::tcp_stream> stream_;  // null: not connected
  boost::beast::flat_buffer buf_;
  double last_used_ms_ = 0;  // when the connection last carried a request
};

}  // namespace parley::bench
