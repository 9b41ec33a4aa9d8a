// The commands that read messages over HTTP: history (a page of a chat, oldest first, with
// the messages replies quote), search (every chat, or one) and starred.
#include <algorithm>
#include <map>

#include "cli/commands.h"
#include "cli/render.h"
#include "parley/history.h"

namespace parley::cli {

int cmd_history(Context& c, const std::string& chat_ref, std::int64_t before, int limit) {
  if (int rc = c.signed_in()) return rc;
  std::int64_t chat = 0;
  if (int rc = resolve_chat(c, chat_ref, chat)) return rc;
  auto page = client::history(c.endpoint, c.profile.token, chat, before, limit);
  if (!page.ok()) return fail(explain(page.http));
  if (page.messages.empty()) {
    print_none(before ? "no messages before #" + std::to_string(before) : "no messages yet");
    return 0;
  }
  std::map<std::int64_t, client::Message> by_seq;  // what replies quote: this page, then asked for
  for (const auto& m : page.messages) by_seq[m.seq] = m;
  std::reverse(page.messages.begin(), page.messages.end());  // the server gives newest first
  for (const auto& m : page.messages) {
    const client::Message* quoted = nullptr;
    if (m.reply_to > 0) {
      auto it = by_seq.find(m.reply_to);
      if (it == by_seq.end()) {  // older than the page: the message as it is now, if still there
        auto one = client::history(c.endpoint, c.profile.token, chat, m.reply_to + 1, 1);
        if (one.ok() && !one.messages.empty() && one.messages[0].seq == m.reply_to)
          it = by_seq.emplace(m.reply_to, one.messages[0]).first;
      }
      if (it != by_seq.end()) quoted = &it->second;
    }
    print_message(m, c.profile.user, quoted);
  }
  if (static_cast<int>(page.messages.size()) == limit)
    print_more("parley history " + chat_ref + " --before " + std::to_string(page.messages.front().seq));
  return 0;
}

int cmd_search(Context& c, const std::string& query, const std::string& chat_ref, int limit, int offset) {
  if (int rc = c.signed_in()) return rc;
  std::int64_t chat = 0;
  if (!chat_ref.empty())
    if (int rc = resolve_chat(c, chat_ref, chat)) return rc;
  auto r = client::search(c.endpoint, c.profile.token, query, chat, limit, offset);
  if (!r.ok()) return fail(explain(r.http));
  if (r.hits.empty()) print_none(offset ? "no more matches" : "no matches");
  for (const auto& hit : r.hits) print_search_hit(hit, c.profile.user);
  if (r.next_offset > 0) print_more("--offset " + std::to_string(r.next_offset));
  return 0;
}

int cmd_starred(Context& c, int offset) {
  if (int rc = c.signed_in()) return rc;
  auto page = client::starred(c.endpoint, c.profile.token, 50, offset);
  if (!page.ok()) return fail(explain(page.http));
  if (page.messages.empty()) print_none(offset ? "no more starred messages" : "no starred messages");
  for (const auto& m : page.messages) print_message(m, c.profile.user);
  if (page.next_offset > 0) print_more("--offset " + std::to_string(page.next_offset));
  return 0;
}

}  // namespace parley::cli
