#include "auth/auth_service.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "auth/phone.h"
#include "core/encoding.h"

namespace parley::auth {

namespace {
constexpr std::size_t kTokenBytes = 32;  // 256-bit tokens
constexpr std::size_t kMaxDeviceName = 64;

Status rate_limited(TimeMs wait_ms) {
  return Status(Code::kRateLimited, "too many requests; retry in " + std::to_string((wait_ms + 999) / 1000) + " s");
}
}  // namespace

AuthService::AuthService(Options options, Store& store, Bus& bus, CodeSender& sender,
                         const Clock& clock, Random& random)
    : options_(std::move(options)),
      store_(store),
      bus_(bus),
      sender_(sender),
      clock_(clock),
      random_(random),
      per_phone_(clock, options_.codes_per_phone_per_hour, 3'600'000),
      per_ip_(clock, options_.requests_per_ip_per_minute, 60'000) {}

Result<std::string> AuthService::normalize(const std::string& phone) const {
  return normalize_phone(phone, options_.default_region);
}

Result<UserRecord> AuthService::lookup(const std::string& raw_phone) {
  auto phone = normalize(raw_phone);
  if (!phone) return phone.status();
  return store_.find_user_by_phone(*phone);
}

std::string AuthService::code_hash(const std::string& phone, const std::string& code) const {
  return sha256(phone + ":" + code);
}

void AuthService::request_code(const std::string& raw_phone, const std::string& ip,
                               std::function<void(Result<CodeRequested>)> done) {
  if (TimeMs wait = per_ip_.take(ip)) return done(rate_limited(wait));
  auto phone = normalize(raw_phone);
  if (!phone) return done(phone.status());
  if (TimeMs wait = per_phone_.take(*phone)) return done(rate_limited(wait));

  std::string code = random_.digits(6);
  AuthCode record{*phone, code_hash(*phone, code), clock_.now_ms() + options_.code_ttl_ms, 0};
  store_.put_auth_code(record, [this, phone = *phone, code, done](Status st) {
    if (!st.ok()) return done(st);
    sender_.send(phone, code, [this, phone, done](Status sent) {
      if (!sent.ok()) {
        spdlog::warn("auth: code delivery to {} failed: {}", phone, sent.message());
        return done(Status(Code::kUnavailable, "could not deliver the code; retry later"));
      }
      done(CodeRequested{phone, options_.code_ttl_ms});
    });
  });
}

void AuthService::verify(const std::string& raw_phone, const std::string& code,
                         std::string device_name, const std::string& ip,
                         std::function<void(Result<SignedIn>)> done) {
  if (TimeMs wait = per_ip_.take(ip)) return done(rate_limited(wait));
  auto phone = normalize(raw_phone);
  if (!phone) return done(phone.status());
  if (code.empty() || code.size() > 16) return done(Status(Code::kCodeInvalid, "wrong code"));
  if (device_name.size() > kMaxDeviceName || !valid_utf8(device_name))
    return done(Status(Code::kInvalid, "device_name must be UTF-8 of at most 64 bytes"));
  std::string hash = code_hash(*phone, code);
  store_.take_auth_attempt(*phone, [this, phone = *phone, hash, device_name = std::move(device_name),
                                    done](Result<AuthCode> rec) mutable {
    if (!rec) return done(rec.status());
    if (rec->attempts >= options_.code_max_attempts)
      return done(Status(Code::kTooManyAttempts, "too many wrong codes; request a new one"));
    if (rec->expires_at <= clock_.now_ms())
      return done(Status(Code::kCodeExpired, "the code has expired; request a new one"));
    if (rec->code_hash.size() != hash.size() ||
        CRYPTO_memcmp(rec->code_hash.data(), hash.data(), hash.size()) != 0)
      return done(Status(Code::kCodeInvalid, "wrong code"));
    store_.delete_auth_code(phone, [](Status) {});
    mint(phone, std::move(device_name), std::move(done));
  });
}

void AuthService::mint(const std::string& phone, std::string device_name,
                       std::function<void(Result<SignedIn>)> done) {
  if (device_name.empty()) device_name = "device";
  if (device_name.size() > kMaxDeviceName || !valid_utf8(device_name))
    return done(Status(Code::kInvalid, "device_name must be UTF-8 of at most 64 bytes"));
  store_.upsert_user(phone, [this, device_name = std::move(device_name), done](Result<UserRecord> user) mutable {
    if (!user) return done(user.status());
    std::string token = random_.token(kTokenBytes);
    NewDevice nd{user->id, std::move(device_name), sha256(token)};
    store_.create_device(std::move(nd), [user = *user, token, done](Result<DeviceRecord> dev) {
      if (!dev) return done(dev.status());
      spdlog::info("auth: user {} signed in on device {}", user.id.value, dev->id.value);
      done(SignedIn{user, *dev, token});
    });
  });
}

Result<DeviceRecord> AuthService::authenticate(const std::string& token) {
  if (token.empty() || token.size() > 128) return Status(Code::kUnauthorized, "bad token");
  auto dev = store_.find_device_by_token(sha256(token));
  if (dev && expired(*dev)) return expired_status();
  return dev;
}

bool AuthService::expired(const DeviceRecord& d) const {
  return options_.device_idle_ms > 0 &&
         clock_.now_ms() - std::max(d.created_at, d.last_active_at) > options_.device_idle_ms;
}

Status AuthService::expired_status() const {
  return Status(Code::kUnauthorized, "this device was signed out after " +
                                         std::to_string(options_.device_idle_ms / 86'400'000) +
                                         " days without use; sign in again");
}

Status AuthService::check_device(const DeviceRecord& device) {
  auto list = store_.list_devices(device.user);
  if (!list) return list.status();
  for (const auto& d : *list)
    if (d.id == device.id) {
      if (d.revoked) return Status(Code::kUnauthorized, "device revoked");
      if (expired(d)) return expired_status();
      return Status::Ok();
    }
  return Status(Code::kUnauthorized, "device revoked");
}

Result<std::vector<DeviceRecord>> AuthService::devices(UserId user) { return store_.list_devices(user); }

void AuthService::revoke(UserId user, DeviceId device, std::function<void(Status)> done) {
  store_.revoke_device(user, device, [this, user, device, done](Status st) {
    if (st.ok()) {
      auto ev = std::make_shared<BusEvent>();
      ev->kind = BusEvent::Kind::kDeviceRevoked;
      ev->device = device;
      bus_.publish(user, std::move(ev));
      spdlog::info("auth: user {} revoked device {}", user.value, device.value);
    }
    done(st);
  });
}

}  // namespace parley::auth
