// MediaStore on the local filesystem (see fs_media_store.h).
#include "media/fs/fs_media_store.h"

#include "media/write_behind.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>

#include "core/encoding.h"

namespace parley::media {

namespace fs = std::filesystem;

namespace {

Status io_error(const char* what, const fs::path& p) {
  return Status(Code::kUnavailable, std::string("media: ") + what + " " + p.string() + ": " + std::strerror(errno));
}

// fsyncs a directory, so a rename into it survives a crash.
void sync_dir(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::string random_name() {
  static std::atomic<std::uint64_t> n{0};
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::to_string(::getpid()) + "-" + std::to_string(n++) + "-" + std::to_string(rng());
}

class FsUpload final : public MediaStore::Upload {
 public:
  FsUpload(fs::path temp, fs::path objects, int fd) : temp_(std::move(temp)), objects_(std::move(objects)), fd_(fd) {
    EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
  }
  ~FsUpload() override {
    if (fd_ >= 0) ::close(fd_);
    if (!finished_) {
      std::error_code ec;
      fs::remove(temp_, ec);
    }
    EVP_MD_CTX_free(ctx_);
  }

  Status write(std::string_view bytes) override {
    if (finished_ || fd_ < 0) return Status(Code::kInvalid, "media: the upload is over");
    EVP_DigestUpdate(ctx_, bytes.data(), bytes.size());
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return io_error("cannot write", temp_);
      bytes.remove_prefix(static_cast<std::size_t>(n));
      size_ += static_cast<std::uint64_t>(n);
    }
    behind_.wrote(fd_, size_);
    return Status::Ok();
  }
  std::uint64_t size() const override { return size_; }
  std::string local_path() const override { return temp_.string(); }

  Result<std::string> finish() override {
    if (finished_ || fd_ < 0) return Status(Code::kInvalid, "media: the upload is over");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, digest, &len);
    std::string id = hex(std::string_view(reinterpret_cast<const char*>(digest), len));
    if (::fsync(fd_) != 0) return io_error("cannot sync", temp_);
    ::close(fd_);
    fd_ = -1;
    fs::path dir = objects_ / id.substr(0, 2);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Status(Code::kUnavailable, "media: cannot create " + dir.string() + ": " + ec.message());
    fs::path target = dir / id;
    // Kept once: if these bytes are stored already, the new copy goes (link() never replaces).
    if (::link(temp_.c_str(), target.c_str()) != 0 && errno != EEXIST) return io_error("cannot store", target);
    fs::remove(temp_, ec);
    sync_dir(dir);
    finished_ = true;
    return id;
  }

 private:
  fs::path temp_, objects_;
  WriteBehind behind_;
  int fd_;
  EVP_MD_CTX* ctx_ = EVP_MD_CTX_new();
  std::uint64_t size_ = 0;
  bool finished_ = false;
};

}  // namespace

FsMediaStore::FsMediaStore(fs::path root, const std::string& node)
    : root_(std::move(root)), uploads_(node.empty() ? root_ / "uploads" : root_ / "uploads" / node) {
  std::error_code ec;
  fs::create_directories(root_ / "objects", ec);
  if (!ec) fs::create_directories(uploads_, ec);
  if (ec) throw std::runtime_error("media: cannot create " + root_.string() + ": " + ec.message());
  // Uploads a crash cut short are of no use to anyone: this node's are dropped at start.
  for (const auto& entry : fs::directory_iterator(uploads_, ec))
    if (entry.is_regular_file(ec)) fs::remove(entry.path(), ec);
}

fs::path FsMediaStore::path_of(std::string_view id) const {
  return root_ / "objects" / std::string(id.substr(0, 2)) / std::string(id);
}

Result<std::unique_ptr<MediaStore::Upload>> FsMediaStore::begin() {
  fs::path temp = uploads_ / random_name();
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("cannot create", temp);
  return std::unique_ptr<Upload>(std::make_unique<FsUpload>(temp, root_ / "objects", fd));
}

Result<std::string> FsMediaStore::read(std::string_view id, std::uint64_t offset, std::uint64_t length) {
  if (!valid_id(id)) return Status(Code::kInvalid, "media: malformed id");
  fs::path p = path_of(id);
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status(Code::kNotFound, "no such media");
    return io_error("cannot open", p);
  }
  struct stat st {};
  ::fstat(fd, &st);
  const auto total = static_cast<std::uint64_t>(st.st_size);
  if (offset > total) {
    ::close(fd);
    return Status(Code::kInvalid, "media: offset past the end");
  }
  std::string out(static_cast<std::size_t>(std::min(length, total - offset)), '\0');
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(done);
  return out;
}

Result<std::uint64_t> FsMediaStore::size(std::string_view id) {
  if (!valid_id(id)) return Status(Code::kInvalid, "media: malformed id");
  std::error_code ec;
  auto n = fs::file_size(path_of(id), ec);
  if (ec) return Status(Code::kNotFound, "no such media");
  return static_cast<std::uint64_t>(n);
}

Status FsMediaStore::remove(std::string_view id) {
  if (!valid_id(id)) return Status(Code::kInvalid, "media: malformed id");
  std::error_code ec;
  if (!fs::remove(path_of(id), ec)) return Status(Code::kNotFound, "no such media");
  return Status::Ok();
}

}  // namespace parley::media
