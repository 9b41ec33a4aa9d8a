#include "auth/auth_service.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "auth/phone.h"
#include "core/encoding.h"
#include "model/device_names.h"

namespace parley::auth {

namespace {
constexpr std::size_t kTokenBytes = 32;  // 256-bit tokens
constexpr std::size_t kMaxDeviceName = device_names::kMaxBytes;
constexpr TimeMs kHour = 3'600'000;

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
      random_(random) {}

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

// Sign-in limits are counted in the store (Store::take_rates), so they hold across nodes and
// restarts. Requests and wrong codes are counted per phone *and requesting network*: someone
// who floods a victim's number from elsewhere spends their own budget, not the victim's,
// who can still sign in from their own network. Each also has a larger per-phone cap, and
// the codes sent are capped in total and per country (SMS pumping).
void AuthService::request_code(const std::string& raw_phone, const std::string& ip,
                               std::function<void(Result<CodeRequested>)> done) {
  auto phone = normalize(raw_phone);
  std::string net = network_of(ip);
  std::vector<RateLimit> limits{{"ip:" + net, 60'000, options_.requests_per_ip_per_minute}};
  if (phone) {
    limits.push_back({"code:" + *phone + ":" + net, kHour, options_.codes_per_phone_per_hour});
    limits.push_back({"code:" + *phone, kHour, 3LL * options_.codes_per_phone_per_hour});
  }
  store_.take_rates(limits, clock_.now_ms(), true, [this, phone, done](Result<RateVerdict> v) {
    if (!v) return done(v.status());
    if (v->wait_ms) return done(rate_limited(v->wait_ms));
    if (!phone) return done(phone.status());
    // The SMS budget: counted only for codes that will really be sent.
    std::vector<RateLimit> budget{{"sms", kHour, options_.sms_per_hour},
                                  {"sms:" + calling_code(*phone), kHour, options_.sms_per_country_per_hour}};
    store_.take_rates(budget, clock_.now_ms(), true, [this, phone = *phone, done](Result<RateVerdict> b) {
      if (!b) return done(b.status());
      if (b->wait_ms) {
        sms_refused_++;
        TimeMs now = clock_.now_ms(), last = last_budget_alert_.load();
        if (now - last >= 60'000 && last_budget_alert_.compare_exchange_strong(last, now))
          spdlog::error("auth: ALERT: the {} SMS budget is spent (auth.{} = {}); sign-in codes are refused for {} s. "
                        "SMS pumping? See parley_sms_budget_refusals_total.",
                        b->refused == 0 ? "hourly" : "hourly per-country (+" + calling_code(phone) + ")",
                        b->refused == 0 ? "sms_per_hour" : "sms_per_country_per_hour",
                        b->refused == 0 ? options_.sms_per_hour : options_.sms_per_country_per_hour,
                        (b->wait_ms + 999) / 1000);
        return done(Status(Code::kUnavailable, "sign-in codes are paused for now; retry later"));
      }
      send_code(phone, done);
    });
  });
}

void AuthService::send_code(const std::string& phone, std::function<void(Result<CodeRequested>)> done) {
  std::string code = random_.digits(6);
  AuthCode record{phone, code_hash(phone, code), clock_.now_ms() + options_.code_ttl_ms, 0};
  store_.put_auth_code(record, [this, phone, code, done](Status st) {
    if (!st.ok()) return done(st);
    sender_.send(phone, code, [this, phone, done](Status sent) {
      if (!sent.ok()) {
        spdlog::warn("auth: code delivery to {} failed: {}", phone, sent.message());
        return done(Status(Code::kUnavailable, "could not deliver the code; retry later"));
      }
      codes_sent_++;
      done(CodeRequested{phone, options_.code_ttl_ms});
    });
  });
}

std::vector<RateLimit> AuthService::wrong_code_limits(const std::string& phone, const std::string& net) const {
  return {{"bad:" + phone + ":" + net, kHour, options_.wrong_codes_per_hour},
          {"bad:" + phone, kHour, 5LL * options_.wrong_codes_per_hour}};
}

void AuthService::verify(const std::string& raw_phone, const std::string& code,
                         std::string device_name, const std::string& ip,
                         std::function<void(Result<SignedIn>)> done) {
  auto phone = normalize(raw_phone);
  if (!phone) return done(phone.status());
  if (code.empty() || code.size() > 16) return done(Status(Code::kCodeInvalid, "wrong code"));
  if (device_name.size() > kMaxDeviceName || !valid_utf8(device_name))
    return done(Status(Code::kInvalid, "device_name must be UTF-8 of at most 64 bytes"));
  std::string net = network_of(ip);
  // Counts the request against the address; checks, without counting, that this phone
  // has wrong codes left from this network (wrong ones are counted once known wrong).
  store_.take_rates({{"ip:" + net, 60'000, options_.requests_per_ip_per_minute}}, clock_.now_ms(), true,
                    [this, phone = *phone, net, hash = code_hash(*phone, code), device_name = std::move(device_name),
                     done](Result<RateVerdict> v) mutable {
                      if (!v) return done(v.status());
                      if (v->wait_ms) return done(rate_limited(v->wait_ms));
                      store_.take_rates(wrong_code_limits(phone, net), clock_.now_ms(), false,
                                        [this, phone, net, hash, device_name = std::move(device_name),
                                         done](Result<RateVerdict> w) mutable {
                                          if (!w) return done(w.status());
                                          if (w->wait_ms)
                                            return done(Status(Code::kTooManyAttempts,
                                                               "too many wrong codes; retry in " +
                                                                   std::to_string((w->wait_ms + 59'999) / 60'000) +
                                                                   " min"));
                                          check_code(phone, net, hash, std::move(device_name), std::move(done));
                                        });
                    });
}

void AuthService::check_code(const std::string& phone, const std::string& net, const std::string& hash,
                             std::string device_name, std::function<void(Result<SignedIn>)> done) {
  store_.take_auth_attempt(phone, [this, phone, net, hash, device_name = std::move(device_name),
                                   done](Result<AuthCode> rec) mutable {
    if (!rec) return done(rec.status());
    if (rec->attempts >= options_.code_max_attempts)
      return done(Status(Code::kTooManyAttempts, "too many wrong codes; request a new one"));
    if (rec->expires_at <= clock_.now_ms())
      return done(Status(Code::kCodeExpired, "the code has expired; request a new one"));
    if (rec->code_hash.size() != hash.size() ||
        CRYPTO_memcmp(rec->code_hash.data(), hash.data(), hash.size()) != 0) {
      // A wrong code counts against this phone from this network, whatever code comes next.
      return store_.take_rates(wrong_code_limits(phone, net), clock_.now_ms(), true,
                               [done](Result<RateVerdict>) { done(Status(Code::kCodeInvalid, "wrong code")); });
    }
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
