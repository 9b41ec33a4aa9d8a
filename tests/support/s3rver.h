// A real s3rver (npm, tools/s3rver/run.mjs) on 127.0.0.1 for tests of the S3 MediaStore:
// started on a free port with its data in a fresh directory; stopped, and the directory
// removed, with the object. It checks every request's SigV4 signature (run.mjs).
#pragma once

#include <string>
#include <sys/types.h>

namespace parley::testing {

class S3rver {
 public:
  static constexpr const char* kAccessKey = "S3RVER";
  static constexpr const char* kSecretKey = "S3RVER";

  // One per test process, started on first use.
  static const S3rver& shared();

  // Waits (at most 30 s) until it listens; throws std::runtime_error with a hint when Node.js
  // or tools/s3rver/node_modules (scripts/install-deps.sh) is missing.
  S3rver();
  ~S3rver();
  S3rver(const S3rver&) = delete;
  S3rver& operator=(const S3rver&) = delete;

  const std::string& url() const { return url_; }  // http://127.0.0.1:PORT

 private:
  void stop();

  std::string dir_, url_;
  pid_t pid_ = -1;
  int out_ = -1;  // its stdout, kept open: it printed the port there
};

}  // namespace parley::testing
