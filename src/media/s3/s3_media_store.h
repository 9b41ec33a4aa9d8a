// MediaStore on an S3-compatible object store (cluster mode): object <id> is the key
// `objects/<first two hex digits>/<id>` of one bucket, path-style URLs, SigV4-signed. An
// upload is spooled to a file in a node-local directory while it is hashed; finish() asks
// whether the object exists (HEAD) and PUTs the file, streamed from disk, only if not. One
// PUT takes at most 5 GiB, far above the media limits. Calls block the calling thread (one
// HTTP connection each) and are safe from any thread; an Upload must not outlive its store's
// clock. Network failures and 5xx answers are kUnavailable.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "core/clock.h"
#include "media/media_store.h"

namespace parley::media {

namespace s3 {
class Client;
}

struct S3Options {
  std::string endpoint;  // http://host:port (plain http only; https would need an SSL stream)
  std::string bucket;
  std::string region = "us-east-1";
  std::string access_key, secret_key;
  std::string spool_dir;  // node-local directory for uploads in progress
  std::chrono::milliseconds timeout{30'000};  // each network step without progress
};

class S3MediaStore final : public MediaStore {
 public:
  // Creates spool_dir and drops the uploads a crash left in it; no network. Throws
  // std::invalid_argument for a bad endpoint or bucket name, std::runtime_error when
  // spool_dir cannot be made.
  S3MediaStore(S3Options options, const Clock& clock);
  ~S3MediaStore() override;

  // Creates the bucket unless it is there already (ours); called once at start.
  Status ensure_bucket();

  Result<std::unique_ptr<Upload>> begin() override;
  Result<std::string> read(std::string_view id, std::uint64_t offset, std::uint64_t length) override;
  Result<std::uint64_t> size(std::string_view id) override;
  Status remove(std::string_view id) override;

 private:
  std::shared_ptr<const s3::Client> client_;
  std::filesystem::path spool_;
};

}  // namespace parley::media
