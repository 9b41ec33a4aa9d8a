// A push provider: how one notification reaches one device through one push service
// (Web Push, FCM, APNs, an operator's webhook gateway, the log). The domain (PushService)
// decides what to send and when; a provider only formats, signs, sends and classifies the
// answer. Adapters live in push/providers and only app names them.
//
// Threading: send() is called on the push worker threads (`push-N`), several at once; it
// blocks until the provider answered or its timeout passed, and must be thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "model/push_jobs.h"
#include "model/types.h"

namespace parley::push {

// A device's registration with one provider (`POST /v1/push/targets`): model/push_jobs.h.
using Target = PushTarget;

// What one notification says; the same for every provider. Texts are already cut to what
// the user's preview setting allows.
struct Notification {
  std::string event = "message";  // "message", "invite"
  ChatId chat;
  ChatKind kind = ChatKind::kDirect;
  Seq seq = 0;             // the last message it covers (0 for an invite)
  UserId sender;           // of the last message, or the inviter
  std::int64_t count = 1;  // messages it covers (collapsed)
  std::int64_t badge = 0;  // the user's chats with unread messages
  std::string title;       // sender's name (one-to-one), the group's name, or "parley"
  std::string body;        // "see you at 8", "Bo: see you at 8", "3 new messages", "New message"
  std::string collapse_key;  // "chat-42": a newer notification replaces an older one
  std::int64_t ttl_s = 86'400;  // how long the push service may hold it
};

struct SendResult {
  enum class Outcome {
    kSent,           // accepted by the provider
    kRetry,          // 429, 5xx, timeout, connection failure: try again later
    kInvalidTarget,  // the token is gone for good (404/410, UNREGISTERED, BadDeviceToken): remove the target
    kDropped,        // any other refusal (a 4xx): this notification will never go
  };
  Outcome outcome = Outcome::kSent;
  std::int64_t retry_after_ms = -1;  // the provider's Retry-After, when it gave one
  int http_status = 0;               // 0: no HTTP answer
  std::string detail;                // for the log
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string_view name() const = 0;
  // Checks a token or subscription a device registers (kInvalid with a reason). A Web Push
  // endpoint must also be allowed (https, a known push service host): the server POSTs to it.
  virtual Status validate(std::string_view token) const = 0;
  virtual SendResult send(const Target& target, const Notification& n) = 0;
};

}  // namespace parley::push
