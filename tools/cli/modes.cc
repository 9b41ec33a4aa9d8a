// The chat mode commands: chat-mode (temporary or permanent) and disappear (a timer for
// the messages sent from now on). One `change` request each (op `mode`).
#include <utility>

#include "cli/commands.h"
#include "cli/render.h"
#include "parley/connection.h"

namespace parley::cli {

namespace {

// The periods the server takes, in seconds.
constexpr std::pair<const char*, std::int64_t> kPeriods[] = {
    {"off", 0}, {"24h", 86400}, {"7d", 604800}, {"90d", 7776000}};

// Sets the mode of `chat_ref` with `make`, printed as `what` once done.
int set_mode(Context& c, const std::string& chat_ref, const std::string& what,
             const std::function<std::string(client::Connection&, std::int64_t chat)>& make) {
  if (int rc = c.signed_in()) return rc;
  std::int64_t chat = 0;
  if (int rc = resolve_chat(c, chat_ref, chat)) return rc;
  client::Done d;
  if (int rc = request(c, [&](client::Connection& cn) { return make(cn, chat); }, &d)) return rc;
  print_mode(chat, what, d);
  return 0;
}

}  // namespace

int cmd_chat_mode(Context& c, const std::string& chat_ref, bool temporary) {
  return set_mode(c, chat_ref,
                  temporary ? "temporary (each message leaves the server once every device has it)" : "permanent",
                  [&](client::Connection& cn, std::int64_t chat) { return cn.set_temporary(chat, temporary); });
}

int cmd_disappear(Context& c, const std::string& chat_ref, const std::string& period) {
  for (auto [name, seconds] : kPeriods) {
    if (period != name) continue;
    return set_mode(c, chat_ref, seconds ? "new messages disappear after " + period : "new messages do not disappear",
                    [s = seconds](client::Connection& cn, std::int64_t chat) { return cn.set_disappearing(chat, s); });
  }
  return fail("the period must be 24h, 7d, 90d or off, not " + period);
}

}  // namespace parley::cli
