#include "parley/message.h"

#include <boost/json.hpp>

namespace parley::client {

namespace json = boost::json;

namespace fields {
std::int64_t i64(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  if (!v) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return 0;
}
std::string str(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
bool flag(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_bool() && v->get_bool();
}
}  // namespace fields

using fields::flag;
using fields::i64;
using fields::str;

Message parse_message(const json::object& o) {
  Message m;
  m.pts = i64(o, "pts");
  m.chat = i64(o, "chat");
  m.seq = i64(o, "seq");
  m.from = i64(o, "from");
  m.device = i64(o, "device");
  m.ts = i64(o, "ts");
  m.id = str(o, "id");
  m.text = str(o, "text");
  if (auto* sys = o.if_contains("system")) m.system = json::serialize(*sys);
  if (auto* media = o.if_contains("media"); media && media->is_object()) m.media = media->get_object();
  m.reply_to = i64(o, "reply_to");
  m.forwarded = i64(o, "forwarded");
  m.edited = i64(o, "edited");
  m.deleted = i64(o, "deleted");
  m.expired = flag(o, "expired");
  if (auto* rs = o.if_contains("reactions"); rs && rs->is_array())
    for (const auto& r : rs->get_array()) {
      if (!r.is_object()) continue;
      const auto& ro = r.get_object();
      Reaction reaction{str(ro, "emoji"), i64(ro, "count")};
      if (auto* users = ro.if_contains("users"); users && users->is_array())
        for (const auto& u : users->get_array())
          if (u.is_int64()) reaction.users.push_back(u.get_int64());
      m.reactions.push_back(std::move(reaction));
    }
  m.expires_at = i64(o, "expires_at");
  m.starred = flag(o, "starred");
  return m;
}

}  // namespace parley::client
