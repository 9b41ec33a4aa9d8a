#include "push/providers/vapid.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json/object.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/encoding.h"
#include "push/providers/jwt.h"

namespace parley::push {

namespace {

constexpr std::int64_t kJwtLifetimeS = 12 * 3600;

// Publishes `pem` at `path` (mode 0600) complete or not at all: written and synced under a
// temporary name, then hard-linked into place, which fails with EEXIST if `path` exists.
bool write_new_key_file(const std::string& path, const std::string& pem) {
  std::string tmp = path + ".tmp.XXXXXX";
  int fd = ::mkostemp(tmp.data(), O_CLOEXEC);  // mode 0600
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < pem.size()) {
    ssize_t n = ::write(fd, pem.data() + done, pem.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  bool ok = done == pem.size() && ::fsync(fd) == 0;
  ::close(fd);
  ok = ok && ::link(tmp.c_str(), path.c_str()) == 0;
  const int saved = errno;
  ::unlink(tmp.c_str());
  errno = saved;
  return ok;
}

Result<Pkey> create_key(const std::string& path) {
  auto key = generate_p256();
  if (!key) return key.status();
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (!write_new_key_file(path, private_key_pem(key->get()))) {
    if (errno == EEXIST) {  // another process made it first: use theirs
      auto pem = read_small_file(path);
      if (!pem) return pem.status();
      return private_key_from_pem(*pem);
    }
    return Status(Code::kInvalid, "cannot write the VAPID key file " + path + ": " + std::strerror(errno));
  }
  return key;
}

}  // namespace

Result<Vapid> Vapid::load_or_create(const std::string& key_file, std::string subject) {
  if (key_file.empty()) return Status(Code::kInvalid, "no VAPID key file given");
  if (!subject.starts_with("mailto:") && !subject.starts_with("https://"))
    return Status(Code::kInvalid, "the VAPID subject must be a mailto: or https: URL, not '" + subject + "'");
  Result<Pkey> key = Status(Code::kInternal, "unset");
  if (std::filesystem::exists(key_file)) {
    auto pem = read_small_file(key_file);
    if (!pem) return pem.status();
    key = private_key_from_pem(*pem);
    if (!key) return Status(Code::kInvalid, "the VAPID key file " + key_file + " holds no private key");
  } else {
    key = create_key(key_file);
    if (!key) return key.status();
  }
  std::string point = p256_point(key->get());
  if (point.empty()) return Status(Code::kInvalid, "the VAPID key in " + key_file + " is not a P-256 key");
  return Vapid(std::move(*key), base64url(point), std::move(subject));
}

Result<std::string> Vapid::authorization(std::string_view origin, TimeMs now) const {
  boost::json::object claims{
      {"aud", origin},
      {"exp", now / 1000 + kJwtLifetimeS},
      {"sub", subject_},
  };
  auto jwt = make_jwt(JwtAlg::kES256, key_.get(), claims);
  if (!jwt) return jwt.status();
  return "vapid t=" + *jwt + ", k=" + public_key_;
}

}  // namespace parley::push
