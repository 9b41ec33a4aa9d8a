// Push targets and jobs as the stores keep them (docs/push.md). The decisions (when a job
// is sent, dropped or retried) are push::PushService's; the stores keep the rows.
#pragma once

#include <cstdint>
#include <string>

#include "model/types.h"

namespace parley {

// A device's registration with one push provider.
struct PushTarget {
  std::int64_t id = 0;
  UserId user;
  DeviceId device;
  std::string provider;  // "webpush", "fcm", "apns", "webhook", "log"
  // fcm, apns, webhook, log: the token. webpush: the subscription as JSON,
  // {"endpoint":"https://…","keys":{"p256dh":"<base64url>","auth":"<base64url>"}}.
  std::string token;
  TimeMs created_at = 0;
};

// Something to tell a user: queued for each of their targets, collapsed per target, chat
// and event while it waits (count adds up; seq, sender and preview are the newest).
struct PushEvent {
  UserId user;
  ChatId chat;
  std::string event = "message";  // "message", "invite"
  Seq seq = 0;
  UserId sender;
  std::int64_t count = 1;
  std::string preview;  // the message's text, or "" (media: the kind, "📷 Photo")
  TimeMs at = 0;
};

// A queued job, claimed by one node until `lease_until`.
struct PushJob {
  std::int64_t id = 0;
  PushTarget target;
  ChatId chat;
  std::string event;
  Seq seq = 0;
  UserId sender;
  std::int64_t count = 0;
  std::string preview;
  TimeMs first_at = 0;  // when its first event came
  int attempts = 0;     // sends tried before this one
  std::int64_t version = 0;  // moves with every event collapsed into it
};

// What became of a claimed job.
struct PushFinish {
  enum class What {
    kDone,        // sent, or dropped: it goes (events collapsed into it meanwhile stay, due again)
    kRetry,       // try again at `retry_at`
    kDropTarget,  // the target is gone for good: it and all its jobs go
    kRelease,     // not tried: its lease would end before a send could (another worker takes it)
  };
  What what = What::kDone;
  TimeMs retry_at = 0;
  TimeMs now = 0;
  TimeMs collapse_ms = 0;  // kDone with newer events: due again this long after now
};

// What the push service reads about a user and a chat when a job is due.
struct PushContext {
  TimeMs muted_until = 0;
  Seq my_read = 0;
  bool previews = true;
  std::int64_t badge = 0;  // chats with unread messages
  ChatKind kind = ChatKind::kDirect;
  std::string chat_name;
};

}  // namespace parley
