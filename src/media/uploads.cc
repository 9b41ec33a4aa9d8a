#include "media/uploads.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/encoding.h"
#include "media/write_behind.h"

namespace parley::media {

namespace fs = std::filesystem;

struct Uploads::Entry {
  UploadInfo info;
  std::string path;
  int fd = -1;
  bool held = false;
  bool dropped = false;  // cancelled or finished: the file goes when the holder lets go
  WriteBehind behind;
  ~Entry() {
    if (fd >= 0) ::close(fd);
    if (dropped) {
      std::error_code ec;
      fs::remove(path, ec);
    }
  }
};

Uploads::Uploads(std::string dir, int node) : dir_(std::move(dir)), node_(node) {
  std::error_code ec;
  fs::remove_all(dir_, ec);  // uploads of an earlier run: their state is gone with it
  fs::create_directories(dir_, ec);
}

Uploads::~Uploads() {
  std::lock_guard lock(mu_);
  for (auto& [id, e] : uploads_) e->dropped = true;
}

Uploads::Held::Held(Held&& o) noexcept : owner_(o.owner_), entry_(std::move(o.entry_)) {}
Uploads::Held::~Held() { release(); }
void Uploads::Held::release() {
  if (entry_) owner_->release(entry_);
  entry_.reset();
}
const UploadInfo& Uploads::Held::info() const { return entry_->info; }
const std::string& Uploads::Held::path() const { return entry_->path; }

Status Uploads::Held::write(std::string_view bytes) {
  auto& e = *entry_;
  if (bytes.size() > e.info.length - e.info.offset)
    return Status(Code::kTooLarge, "more bytes than Upload-Length (" + std::to_string(e.info.length) + ")");
  while (!bytes.empty()) {
    ssize_t n = ::write(e.fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // Keep the offset true to the file: what was written stays, the rest is resent.
      return Status(Code::kUnavailable, std::string("cannot stage the upload: ") + std::strerror(errno));
    }
    e.info.offset += static_cast<std::uint64_t>(n);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  e.behind.wrote(e.fd, e.info.offset);
  return Status::Ok();
}

Result<Uploads::Held> Uploads::open(UploadInfo info, std::size_t max_open) {
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1) return Status(Code::kInternal, "no randomness for an upload id");
  info.id = "u" + std::to_string(node_) + "-" + base64url(std::string_view(reinterpret_cast<char*>(raw), sizeof raw));
  info.offset = 0;
  auto e = std::make_shared<Entry>();
  e->path = dir_ + "/" + info.id;
  std::lock_guard lock(mu_);
  std::size_t mine = 0;
  for (auto& [id, other] : uploads_) mine += other->info.user == info.user;
  if (mine >= max_open)
    return Status(Code::kRateLimited, "at most " + std::to_string(max_open) + " uploads in progress; finish or cancel one");
  e->fd = ::open(e->path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (e->fd < 0) return Status(Code::kUnavailable, std::string("cannot stage the upload: ") + std::strerror(errno));
  e->info = std::move(info);
  e->held = true;
  uploads_.emplace(e->info.id, e);
  return Held(*this, e);
}

Result<Uploads::Held> Uploads::hold(UserId user, const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = uploads_.find(id);
  if (it == uploads_.end() || it->second->info.user != user) return Status(Code::kNotFound, "no such upload");
  if (it->second->held) return Status(Code::kUnavailable, "another request is writing this upload; retry");
  it->second->held = true;
  return Held(*this, it->second);
}

Result<UploadInfo> Uploads::state(UserId user, const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = uploads_.find(id);
  if (it == uploads_.end() || it->second->info.user != user) return Status(Code::kNotFound, "no such upload");
  return it->second->info;
}

Status Uploads::cancel(UserId user, const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = uploads_.find(id);
  if (it == uploads_.end() || it->second->info.user != user) return Status(Code::kNotFound, "no such upload");
  erase_locked(id);
  return Status::Ok();
}

void Uploads::finish(Held& held) {
  std::lock_guard lock(mu_);
  erase_locked(held.info().id);
}

void Uploads::erase_locked(const std::string& id) {
  auto it = uploads_.find(id);
  if (it == uploads_.end()) return;
  it->second->dropped = true;  // the file goes with the last reference (a holder's, or this one)
  uploads_.erase(it);
}

void Uploads::release(const std::shared_ptr<Entry>& entry) {
  std::lock_guard lock(mu_);
  entry->held = false;
}

std::size_t Uploads::expire(TimeMs now) {
  std::lock_guard lock(mu_);
  std::vector<std::string> gone;
  for (auto& [id, e] : uploads_)
    if (!e->held && e->info.expires_at <= now) gone.push_back(id);
  for (auto& id : gone) erase_locked(id);
  return gone.size();
}

std::size_t Uploads::open_count() const {
  std::lock_guard lock(mu_);
  return uploads_.size();
}

}  // namespace parley::media
