// The commands on your own settings of a chat: mute (8h, 1w, always) and unmute, archive and
// unarchive, pin and unpin. One HTTP call each; other devices hear of it in a `chat_state`.
#include "cli/commands.h"
#include "cli/render.h"
#include "cli/render_people.h"
#include "parley/chat_settings.h"

namespace parley::cli {

int cmd_chat_settings(Context& c, const std::string& chat_ref, const client::ChatSettingsChange& change) {
  if (int rc = c.signed_in()) return rc;
  std::int64_t chat = 0;
  if (int rc = resolve_chat(c, chat_ref, chat)) return rc;
  auto r = client::set_chat_settings(c.endpoint, c.profile.token, chat, change);
  if (r.http.error_code() == "not_member") return fail("you are not in chat " + std::to_string(chat));
  if (!r.ok()) return fail(explain(r.http));
  print_chat_state(r.state);
  return 0;
}

}  // namespace parley::cli
