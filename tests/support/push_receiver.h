// The local push services (tools/push-receiver/run.mjs, Node.js) on 127.0.0.1 for tests of
// push notifications: started in a fresh directory, which holds its test CA, the FCM service
// account and the APNs key it checks signatures against; stopped, and the directory
// removed, with the object. Every request it receives is verified and recorded; the control
// calls below read the records and tell it how to answer.
#pragma once

#include <sys/types.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <string>

namespace parley::testing {

class PushReceiver {
 public:
  static constexpr const char* kApnsKeyId = "KEYID12345";
  static constexpr const char* kApnsTeamId = "TEAMID1234";
  static constexpr const char* kFcmProject = "parley-test";

  // Waits (at most 30 s) until it listens; throws std::runtime_error if it cannot start.
  explicit PushReceiver(std::string webhook_secret = "parley-push-receiver-secret");
  ~PushReceiver();
  PushReceiver(const PushReceiver&) = delete;
  PushReceiver& operator=(const PushReceiver&) = delete;

  unsigned short http_port() const { return http_; }
  unsigned short https_port() const { return https_; }
  unsigned short h2_port() const { return h2_; }
  std::string http_url() const { return "http://127.0.0.1:" + std::to_string(http_); }
  std::string https_url() const { return "https://127.0.0.1:" + std::to_string(https_); }
  std::string apns_url() const { return "https://127.0.0.1:" + std::to_string(h2_); }  // HTTP/2 only
  std::string webhook_url(bool tls = false) const {
    return (tls ? https_url() : http_url()) + "/_matrix/push/v1/notify";
  }
  std::string fcm_url() const { return http_url(); }

  const std::string& ca_file() const { return ca_file_; }
  const std::string& fcm_service_account() const { return fcm_account_; }  // token_uri points here
  const std::string& apns_key_file() const { return apns_key_; }
  const std::string& webhook_secret() const { return webhook_secret_; }

  // A new Web Push subscription, as a browser gives it: {"endpoint","keys":{"p256dh","auth"}},
  // its endpoint on the TLS port when `tls`. Serialised, as a Target's token holds it.
  std::string new_subscription(bool tls = false) const;
  // Every request recorded since the start or the last reset():
  // [{provider, target, status_returned, verified, why, payload, headers, at}, ...].
  boost::json::array received() const;
  // received() once it holds at least `n` records (or whatever it holds at the deadline).
  boost::json::array wait_received(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(15)) const;
  // {"provider":"webhook"|"webpush"|"fcm"|"fcm_token"|"apns","status":500,"times":2,"retry_after":"1"},
  // {"provider":…,"stall":true|false}, {"provider":"webhook","rejected":true}. Throws if refused.
  void behave(const boost::json::object& behaviour) const;
  // Forgets the records and behaviours; stalled requests are answered.
  void reset() const;

 private:
  void stop();

  std::string dir_, webhook_secret_, ca_file_, fcm_account_, apns_key_;
  unsigned short http_ = 0, https_ = 0, h2_ = 0;
  pid_t pid_ = -1;
  int out_ = -1;  // its stdout, kept open: it printed its ports there
};

}  // namespace parley::testing
