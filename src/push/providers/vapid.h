// VAPID (RFC 8292): the application server's identity toward Web Push services. One P-256
// key pair, kept in a PEM file so it survives restarts (every browser subscription is bound
// to its public key); an ES256 JWT per request. Immutable after load: thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/time.h"
#include "push/providers/keys.h"

namespace parley::push {

class Vapid {
 public:
  // The key pair in `key_file`; when there is no such file, a new one written there
  // (PKCS#8 PEM, mode 0600). `subject` is the contact push services may use: "mailto:…"
  // or an https URL.
  static Result<Vapid> load_or_create(const std::string& key_file, std::string subject);

  // The public key as browsers take it (applicationServerKey): the uncompressed point, base64url.
  const std::string& public_key() const { return public_key_; }

  // The Authorization header for a request to `origin` ("https://push.example.net"):
  // "vapid t=<JWT {aud: origin, exp: now + 12 h, sub}>, k=<public key>".
  Result<std::string> authorization(std::string_view origin, TimeMs now) const;

 private:
  Vapid(Pkey key, std::string public_key, std::string subject)
      : key_(std::move(key)), public_key_(std::move(public_key)), subject_(std::move(subject)) {}

  Pkey key_;
  std::string public_key_;
  std::string subject_;
};

}  // namespace parley::push
