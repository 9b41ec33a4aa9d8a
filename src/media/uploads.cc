#include "media/uploads.h"

#include <openssl/rand.h>

#include "core/encoding.h"

namespace parley::media {

struct Uploads::Entry {
  UploadInfo info;
  std::unique_ptr<MediaStore::Upload> bytes;  // dropped unfinished, it leaves nothing behind
  std::string head;
  bool held = false;
};

Uploads::Uploads(MediaStore& objects, int node) : objects_(objects), node_(node) {}

Uploads::~Uploads() = default;

Uploads::Held::Held(Held&& o) noexcept : owner_(o.owner_), entry_(std::move(o.entry_)) {}
Uploads::Held::~Held() { release(); }
void Uploads::Held::release() {
  if (entry_) owner_->release(entry_);
  entry_.reset();
}
const UploadInfo& Uploads::Held::info() const { return entry_->info; }
const std::string& Uploads::Held::head() const { return entry_->head; }
MediaStore::Upload& Uploads::Held::bytes() { return *entry_->bytes; }

Status Uploads::Held::write(std::string_view bytes) {
  auto& e = *entry_;
  if (bytes.size() > e.info.length - e.info.offset)
    return Status(Code::kTooLarge, "more bytes than Upload-Length (" + std::to_string(e.info.length) + ")");
  constexpr std::size_t kHead = 4096;
  if (e.head.size() < kHead) e.head.append(bytes.substr(0, kHead - e.head.size()));
  if (Status st = e.bytes->write(bytes); !st.ok()) {
    // What the store took is in it; the offset stays true to that, the rest is resent.
    e.info.offset = e.bytes->size();
    return Status(Code::kUnavailable, "cannot keep the upload: " + st.message());
  }
  e.info.offset = e.bytes->size();
  return Status::Ok();
}

Result<Uploads::Held> Uploads::open(UploadInfo info, std::size_t max_open) {
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof raw) != 1) return Status(Code::kInternal, "no randomness for an upload id");
  info.id = "u" + std::to_string(node_) + "-" + base64url(std::string_view(reinterpret_cast<char*>(raw), sizeof raw));
  info.offset = 0;
  auto bytes = objects_.begin();
  if (!bytes) return bytes.status();
  auto e = std::make_shared<Entry>();
  e->bytes = std::move(*bytes);
  std::lock_guard lock(mu_);
  std::size_t mine = 0;
  for (auto& [id, other] : uploads_) mine += other->info.user == info.user;
  if (mine >= max_open)
    return Status(Code::kRateLimited, "at most " + std::to_string(max_open) + " uploads in progress; finish or cancel one");
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
  uploads_.erase(id);  // its bytes go with the last reference (a holder's, or this one)
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
