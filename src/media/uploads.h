// Uploads in progress (docs/media.md): the bytes of each go straight into a MediaStore
// upload as they arrive (a file of this node: the store's own, which finish() makes the
// object without copying it), so an upload is resumable and never whole in memory. Its
// first bytes are kept aside for the type check. One request at a time writes an upload:
// it holds it. Thread-safe. A restart drops every upload in progress.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "media/media_store.h"
#include "media/sniff.h"
#include "model/ids.h"

namespace parley::media {

struct UploadInfo {
  std::string id;        // "u<node>-<random>"
  UserId user;
  std::string declared;  // the client's Content-Type
  Kind kind = Kind::kFile;
  std::string name;      // the file's name, "" for none
  std::uint64_t length = 0;
  std::uint64_t offset = 0;  // bytes received
  TimeMs expires_at = 0;
};

class Uploads {
  struct Entry;

 public:
  // Upload ids begin with "u<node>-".
  Uploads(MediaStore& objects, int node);
  ~Uploads();

  // An upload held by one request: it alone writes, until it is released (destroyed).
  class Held {
   public:
    Held(Held&&) noexcept;
    ~Held();
    const UploadInfo& info() const;
    // The first bytes (up to 4 KiB): what the type is read from.
    const std::string& head() const;
    // The store's upload: read its local_path(), finish() it.
    MediaStore::Upload& bytes();
    // Appends; kTooLarge (nothing written) past the declared length; kUnavailable on a disk error.
    Status write(std::string_view bytes);
    bool complete() const { return info().offset == info().length; }
    // Lets go of the upload now (another request may hold it next), not when the last
    // copy of this object goes.
    void release();

   private:
    friend class Uploads;
    Held(Uploads& owner, std::shared_ptr<Entry> entry) : owner_(&owner), entry_(std::move(entry)) {}
    Uploads* owner_;
    std::shared_ptr<Entry> entry_;
  };

  // A new upload of `user`, held; kRateLimited when they have `max_open` open already.
  Result<Held> open(UploadInfo info, std::size_t max_open);
  // kNotFound: no such upload of `user`'s; kUnavailable: another request holds it.
  Result<Held> hold(UserId user, const std::string& id);
  // What an upload stands at (kNotFound as above), held or not.
  Result<UploadInfo> state(UserId user, const std::string& id);
  // Drops the upload and its bytes (a held one as soon as it is released).
  Status cancel(UserId user, const std::string& id);
  void finish(Held& held);  // drops a held upload once it has been stored
  // Drops uploads that expired by `now` and are not held; answers how many.
  std::size_t expire(TimeMs now);
  std::size_t open_count() const;

 private:
  void release(const std::shared_ptr<Entry>& entry);
  void erase_locked(const std::string& id);

  MediaStore& objects_;
  const int node_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> uploads_;
};

}  // namespace parley::media
