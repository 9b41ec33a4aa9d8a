// Sign-in by phone and one-time code, device tokens, device management.
// Thread-safe. Callbacks run on store or sender threads: callers post back to their own.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "auth/code_sender.h"
#include "auth/rate_limiter.h"
#include "bus/bus.h"
#include "core/clock.h"
#include "store/store.h"

namespace parley::auth {

struct Options {
  std::string default_region = "US";
  TimeMs code_ttl_ms = 5 * 60 * 1000;
  int code_max_attempts = 5;
  int codes_per_phone_per_hour = 5;   // per phone and requesting network; 3x this per phone overall
  int requests_per_ip_per_minute = 60;
  int wrong_codes_per_hour = 10;      // per phone and network, across codes; 5x this per phone overall
  int sms_per_hour = 1000;            // codes sent, all numbers together (the operator's SMS budget)
  int sms_per_country_per_hour = 200; // codes sent to one calling code
  TimeMs device_idle_ms = 180LL * 86'400'000;  // a device unused this long is signed out; 0 = never
  bool operator==(const Options&) const = default;
};

struct CodeRequested {
  std::string phone;  // E.164
  TimeMs expires_in_ms = 0;
};

struct SignedIn {
  UserRecord user;
  DeviceRecord device;
  std::string token;  // shown once; only its hash is stored
};

class AuthService {
 public:
  AuthService(Options options, Store& store, Bus& bus, CodeSender& sender, const Clock& clock,
              Random& random);

  void request_code(const std::string& phone, const std::string& ip,
                    std::function<void(Result<CodeRequested>)> done);
  void verify(const std::string& phone, const std::string& code, std::string device_name,
              const std::string& ip, std::function<void(Result<SignedIn>)> done);
  // Creates the user if needed and a device with a fresh token, without a code (admin).
  void mint(const std::string& phone, std::string device_name,
            std::function<void(Result<SignedIn>)> done);

  // The unrevoked device holding `token`; kUnauthorized otherwise (also for a device
  // unused for longer than device_idle_ms: it is signed out).
  Result<DeviceRecord> authenticate(const std::string& token);
  // Whether `device` is still signed in, read again from the store: kUnauthorized once it
  // is revoked or idle-expired. Sessions ask after subscribing to the bus, after a bus
  // outage and on a revoke event, so a revoke that raced them (or whose event was lost, or
  // forged) is decided by the store.
  Status check_device(const DeviceRecord& device);
  Result<std::vector<DeviceRecord>> devices(UserId user);
  // Revokes and tells the device's live sessions to close.
  void revoke(UserId user, DeviceId device, std::function<void(Status)> done);

  Result<std::string> normalize(const std::string& phone) const;
  // The registered user with this phone (any format normalize accepts).
  Result<UserRecord> lookup(const std::string& phone);

  struct Stats {
    std::uint64_t codes_sent = 0, sms_budget_refusals = 0;
  };
  Stats stats() const { return {codes_sent_, sms_refused_}; }

 private:
  std::string code_hash(const std::string& phone, const std::string& code) const;
  void send_code(const std::string& phone, std::function<void(Result<CodeRequested>)> done);
  void check_code(const std::string& phone, const std::string& net, const std::string& hash, std::string device_name,
                  std::function<void(Result<SignedIn>)> done);
  std::vector<RateLimit> wrong_code_limits(const std::string& phone, const std::string& net) const;
  bool expired(const DeviceRecord& d) const;
  Status expired_status() const;

  const Options options_;
  Store& store_;
  Bus& bus_;
  CodeSender& sender_;
  const Clock& clock_;
  Random& random_;
  std::atomic<std::uint64_t> codes_sent_{0}, sms_refused_{0};
  std::atomic<TimeMs> last_budget_alert_{0};
};

}  // namespace parley::auth
