// The development provider: each notification is one info line in the log (user, device,
// chat, count, title, body) and counts as sent. Never the token. Thread-safe.
#pragma once

#include "push/provider.h"

namespace parley::push {

struct LogOptions {
  bool enabled = true;
  bool operator==(const LogOptions&) const = default;
};

class LogProvider final : public Provider {
 public:
  std::string_view name() const override { return "log"; }
  Status validate(std::string_view token) const override;
  SendResult send(const Target& target, const Notification& n) override;
};

}  // namespace parley::push
