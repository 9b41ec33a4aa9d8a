#include "push/providers/log_provider.h"

#include <spdlog/spdlog.h>

namespace parley::push {

namespace {

// The text on one log line: control characters (a newline in a message) become spaces.
std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return out;
}

}  // namespace

Status LogProvider::validate(std::string_view token) const {
  if (token.empty() || token.size() > 512) return Status(Code::kInvalid, "a log token is 1 to 512 bytes");
  return Status::Ok();
}

SendResult LogProvider::send(const Target& target, const Notification& n) {
  spdlog::info("push log: user={} device={} target={} event={} chat={} seq={} count={} badge={} title='{}' body='{}'",
               target.user.value, target.device.value, target.id, n.event, n.chat.value, n.seq, n.count, n.badge,
               one_line(n.title), one_line(n.body));
  return SendResult{};
}

}  // namespace parley::push
