// MediaStore on the local filesystem (one-node mode): objects under
// <root>/objects/<first two hex digits>/<id>, uploads in progress under <root>/uploads. An
// object is written to its upload file, fsynced, then renamed into place (and its directory
// fsynced), so a crash leaves either the whole object or none of it.
#pragma once

#include <filesystem>
#include <string>

#include "media/media_store.h"

namespace parley::media {

class FsMediaStore final : public MediaStore {
 public:
  // Creates the directories when missing; throws std::runtime_error when it cannot.
  // `node`: on a directory several nodes share, each keeps its uploads in progress under
  // uploads/<node> (and drops only its own leftovers at start).
  explicit FsMediaStore(std::filesystem::path root, const std::string& node = {});

  Result<std::unique_ptr<Upload>> begin() override;
  Result<std::string> read(std::string_view id, std::uint64_t offset, std::uint64_t length) override;
  Result<std::uint64_t> size(std::string_view id) override;
  Status remove(std::string_view id) override;

 private:
  std::filesystem::path path_of(std::string_view id) const;

  std::filesystem::path root_;
  std::filesystem::path uploads_;
};

}  // namespace parley::media
