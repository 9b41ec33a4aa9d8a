// MediaStore on an S3-compatible object store (see s3_media_store.h).
#include "media/s3/s3_media_store.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>

#include "core/encoding.h"
#include "media/s3/s3_client.h"

namespace parley::media {

namespace fs = std::filesystem;

namespace {

// The most one PUT may carry; multipart uploads would lift it, but no media comes near it.
constexpr std::uint64_t kMaxPut = std::uint64_t{5} << 30;
constexpr const char* kSpoolPrefix = "upload-";

std::string key_of(std::string_view id) { return "objects/" + std::string(id.substr(0, 2)) + "/" + std::string(id); }

Status invalid_id() { return Status(Code::kInvalid, "media: malformed id"); }

// An answer the call did not expect: kUnavailable when the store is in trouble (5xx), else
// kInternal (a refused signature, a missing bucket: the configuration is wrong).
Status unexpected(const s3::Client& client, std::string_view method, std::string_view key, const s3::Response& r) {
  std::string message = "media: s3 " + client.describe(method, key) + " answered " + std::to_string(r.status);
  if (std::string e = r.error(); !e.empty()) message += " (" + e + ")";
  return Status(r.status >= 500 ? Code::kUnavailable : Code::kInternal, std::move(message));
}

std::string random_name() {
  static std::atomic<std::uint64_t> n{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return kSpoolPrefix + std::to_string(::getpid()) + "-" + std::to_string(n++) + "-" + std::to_string(rng());
}

class S3Upload final : public MediaStore::Upload {
 public:
  S3Upload(std::shared_ptr<const s3::Client> client, fs::path spool, int fd)
      : client_(std::move(client)), spool_(std::move(spool)), fd_(fd) {
    EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
  }
  // Finished or not, the spool file goes with the upload.
  ~S3Upload() override {
    if (fd_ >= 0) ::close(fd_);
    std::error_code ec;
    fs::remove(spool_, ec);
    EVP_MD_CTX_free(ctx_);
  }

  Status write(std::string_view bytes) override {
    if (fd_ < 0) return Status(Code::kInvalid, "media: the upload is over");
    if (bytes.size() > kMaxPut - size_) return Status(Code::kTooLarge, "media: an object is at most 5 GiB");
    EVP_DigestUpdate(ctx_, bytes.data(), bytes.size());
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        return Status(Code::kUnavailable, "media: cannot write " + spool_.string() + ": " + std::strerror(errno));
      bytes.remove_prefix(static_cast<std::size_t>(n));
      size_ += static_cast<std::uint64_t>(n);
    }
    return Status::Ok();
  }
  std::uint64_t size() const override { return size_; }
  std::string local_path() const override { return spool_.string(); }

  // After a failure (the store unreachable) finish() may be called again: the spool file
  // stays until the upload is dropped.
  Result<std::string> finish() override {
    if (done_) return Status(Code::kInvalid, "media: the upload is over");
    if (fd_ >= 0) {
      unsigned char digest[EVP_MAX_MD_SIZE];
      unsigned int len = 0;
      EVP_DigestFinal_ex(ctx_, digest, &len);
      id_ = hex(std::string_view(reinterpret_cast<const char*>(digest), len));
      int fd = fd_;
      fd_ = -1;
      if (::close(fd) != 0) return Status(Code::kUnavailable, "media: cannot write " + spool_.string());
    }
    // Stored once: bytes already there are kept. Two nodes that finish the same bytes at
    // once may both PUT; the copies are identical, so it does not matter which one stays.
    const std::string key = key_of(id_);
    auto head = client_->head(key);
    if (!head) return head.status();
    if (head->status == 404) {
      auto put = client_->put_file(key, spool_.string(), id_);
      if (!put) return put.status();
      if (put->status != 200) return unexpected(*client_, "PUT", key, *put);
    } else if (head->status != 200) {
      return unexpected(*client_, "HEAD", key, *head);
    }
    std::error_code ec;
    fs::remove(spool_, ec);
    done_ = true;
    return id_;
  }

 private:
  std::shared_ptr<const s3::Client> client_;
  fs::path spool_;
  int fd_;
  EVP_MD_CTX* ctx_ = EVP_MD_CTX_new();
  std::uint64_t size_ = 0;
  std::string id_;
  bool done_ = false;
};

}  // namespace

S3MediaStore::S3MediaStore(S3Options o, const Clock& clock)
    : client_(std::make_shared<const s3::Client>(
          s3::Client::Options{o.endpoint, o.bucket, s3::Credentials{o.access_key, o.secret_key, o.region}, o.timeout},
          clock)),
      spool_(o.spool_dir) {
  std::error_code ec;
  fs::create_directories(spool_, ec);
  if (ec) throw std::runtime_error("media: cannot create " + spool_.string() + ": " + ec.message());
  // Uploads a crash cut short are of no use to anyone: they are dropped at start.
  for (const auto& entry : fs::directory_iterator(spool_, ec))
    if (entry.path().filename().string().starts_with(kSpoolPrefix)) fs::remove(entry.path(), ec);
}

S3MediaStore::~S3MediaStore() = default;

Status S3MediaStore::ensure_bucket() {
  auto created = client_->create_bucket();
  if (!created) return created.status();
  if (created->status == 200) return Status::Ok();
  // 409 BucketAlreadyOwnedByYou from S3, BucketAlreadyExists from s3rver: it is ours if we
  // may use it.
  if (created->status == 409) {
    auto head = client_->head("");
    if (!head) return head.status();
    if (head->status == 200) return Status::Ok();
  }
  return unexpected(*client_, "PUT", "", *created);
}

Result<std::unique_ptr<MediaStore::Upload>> S3MediaStore::begin() {
  fs::path spool = spool_ / random_name();
  int fd = ::open(spool.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status(Code::kUnavailable, "media: cannot create " + spool.string() + ": " + std::strerror(errno));
  return std::unique_ptr<Upload>(std::make_unique<S3Upload>(client_, spool, fd));
}

Result<std::string> S3MediaStore::read(std::string_view id, std::uint64_t offset, std::uint64_t length) {
  if (!valid_id(id)) return invalid_id();
  length = std::min(length, std::numeric_limits<std::uint64_t>::max() - offset);
  // No byte to fetch: only whether the object is there and the offset inside it. (The empty
  // object has no byte to range over: S3 answers 416, s3rver a 206 that never ends.)
  static const std::string kEmptyObject = hex(sha256(""));
  if (length == 0 || id == kEmptyObject) {
    auto n = size(id);
    if (!n) return n.status();
    if (offset > *n) return Status(Code::kInvalid, "media: offset past the end");
    return std::string();
  }
  const std::string key = key_of(id);
  // s3rver reads "bytes=0-0" as the whole object: for that one range ask for two bytes.
  const std::uint64_t last = std::max<std::uint64_t>(offset + length - 1, 1);
  auto r = client_->get(key, offset, last, last - offset + 1);
  if (!r) return r.status();
  switch (r->status) {
    case 206:
      if (!r->content_range.starts_with("bytes " + std::to_string(offset) + "-"))
        return Status(Code::kInternal, "media: s3 " + client_->describe("GET", key) + " answered the range " +
                                           r->content_range + " for bytes " + std::to_string(offset) + "-");
      if (r->body.size() > length) r->body.resize(length);
      return std::move(r->body);
    case 200:  // the Range ignored: the whole object, which was no longer than asked for
      if (offset > r->body.size()) return Status(Code::kInvalid, "media: offset past the end");
      return r->body.substr(offset, length);
    case 404:
      return Status(Code::kNotFound, "no such media");
    case 416: {  // nothing at `offset`: at the end (no bytes) or past it (an error)
      auto n = size(id);
      if (!n) return n.status();
      if (offset == *n) return std::string();
      if (offset > *n) return Status(Code::kInvalid, "media: offset past the end");
      return unexpected(*client_, "GET", key, *r);
    }
    default:
      return unexpected(*client_, "GET", key, *r);
  }
}

Result<std::uint64_t> S3MediaStore::size(std::string_view id) {
  if (!valid_id(id)) return invalid_id();
  const std::string key = key_of(id);
  auto r = client_->head(key);
  if (!r) return r.status();
  if (r->status == 404) return Status(Code::kNotFound, "no such media");
  if (r->status != 200) return unexpected(*client_, "HEAD", key, *r);
  return r->content_length;
}

Status S3MediaStore::remove(std::string_view id) {
  if (!valid_id(id)) return invalid_id();
  // S3's DELETE answers 204 whether or not there was an object: ask first.
  auto there = size(id);
  if (!there) return there.status();
  const std::string key = key_of(id);
  auto r = client_->remove(key);
  if (!r) return r.status();
  if (r->status != 204 && r->status != 200) return unexpected(*client_, "DELETE", key, *r);
  return Status::Ok();
}

}  // namespace parley::media
