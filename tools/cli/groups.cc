// The group and room commands: create, change (add, remove, promote, demote, leave,
// rename), join a room, and info. Each is one request on a short connection.
#include <boost/json.hpp>

#include "cli/commands.h"
#include "cli/render.h"
#include "parley/session.h"

namespace parley::cli {

namespace json = boost::json;

int cmd_create(Context& c, const std::string& kind, const std::string& name, const std::vector<std::string>& who,
               bool everyone_posts, bool is_public) {
  std::vector<std::int64_t> members;
  if (int rc = resolve_users(c, who, members)) return rc;
  json::object extra;
  if (kind == "room" && everyone_posts) extra["everyone_posts"] = true;
  if (kind == "room" && is_public) extra["public"] = true;
  client::Done d;
  if (int rc = request(c, [&](client::Connection& cn) { return cn.create_chat(kind, name, members, extra); }, &d)) return rc;
  print_created(kind, name, d);
  return 0;
}

int cmd_change(Context& c, std::int64_t chat, const std::string& op, const std::vector<std::string>& who,
               const std::string& value) {
  std::vector<std::int64_t> users;
  if (int rc = resolve_users(c, who, users)) return rc;
  json::object extra;
  if (op == "rename") extra["name"] = value;
  client::Done d;
  if (int rc = request(c, [&](client::Connection& cn) {
        return op == "leave" ? cn.leave_chat(chat) : cn.change_chat(chat, op, users, extra);
      }, &d))
    return rc;
  print_changed(chat, d);
  return 0;
}

int cmd_join(Context& c, const std::string& room) {
  bool by_id = !room.empty() && room.find_first_not_of("0123456789") == std::string::npos;
  client::Done d;
  if (int rc = request(c, [&](client::Connection& cn) {
        return by_id ? cn.join_room(std::stoll(room)) : cn.join_room_by_invite(room);
      }, &d))
    return rc;
  print_joined(d);
  return 0;
}

int cmd_info(Context& c, std::int64_t chat) {
  if (int rc = c.signed_in()) return rc;
  client::Session s(one_shot_options(c));
  client::Error e;
  auto info = s.query([&](client::Connection& cn) { cn.chat_info(chat); }, "chat_info", &e, 15000);
  if (!info) return fail(e.code.empty() ? "no answer from the server in 15 s" : e.code + ": " + e.message);
  print_chat_info(chat, *info);
  return 0;
}

}  // namespace parley::cli
