// The few S3 calls the S3 MediaStore makes, each a SigV4-signed HTTP/1.1 request with a
// path-style URL (`/<bucket>/<key>`), on a connection of its own: one per call keeps it
// simple, and an object store's latency dwarfs the handshake. Plain TCP only (http://);
// https would put a beast::ssl_stream under the same code. Every step (connect, each write,
// each read) gives up after `timeout` without progress, so no call hangs. A network failure
// is kUnavailable; any HTTP answer is a Response, whatever its status. Thread-safe (nothing
// mutable); each call blocks the calling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"
#include "media/s3/sigv4.h"

namespace parley::media::s3 {

struct Response {
  unsigned status = 0;
  std::uint64_t content_length = 0;  // the header's value (HEAD: the object's size)
  std::string content_range;         // GET with a Range: "bytes FIRST-LAST/TOTAL"
  std::string body;                  // GET: the bytes; an error: S3's XML

  // "NoSuchKey: The specified key does not exist." from an error body ("" without one).
  std::string error() const;
};

class Client {
 public:
  struct Options {
    std::string endpoint;  // http://host[:port]
    std::string bucket;
    Credentials credentials;
    std::chrono::milliseconds timeout{30'000};
  };
  // Throws std::invalid_argument for an endpoint that is not http://host[:port] or a bucket
  // name S3 refuses. `clock` dates the signatures and must outlive the client.
  Client(Options options, const Clock& clock);

  // `key` "" names the bucket itself.
  Result<Response> head(std::string_view key) const;
  // Bytes FIRST..LAST (inclusive). A 2xx body over `body_limit` bytes is kUnavailable.
  Result<Response> get(std::string_view key, std::uint64_t first, std::uint64_t last, std::uint64_t body_limit) const;
  // The file at `path`, streamed from disk with its Content-Length; `sha256_hex` is its hash.
  Result<Response> put_file(std::string_view key, const std::string& path, const std::string& sha256_hex) const;
  Result<Response> remove(std::string_view key) const;
  Result<Response> create_bucket() const;

  // "GET /bucket/key", for messages.
  std::string describe(std::string_view method, std::string_view key) const;

 private:
  std::string target(std::string_view key) const;
  template <class Request>
  void sign(Request& req, const std::string& payload_sha256) const;

  Options options_;
  std::string host_, port_, host_header_;
  const Clock& clock_;
};

}  // namespace parley::media::s3
