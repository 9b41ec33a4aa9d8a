#include "proto/frames.h"

#include <boost/json.hpp>
#include <charconv>

#include "core/encoding.h"
#include "proto/errors.h"
#include "proto/json_out.h"
#include "model/media_object.h"
#include "model/membership.h"
#include "model/message_actions.h"

namespace parley::proto {

namespace json = boost::json;

namespace {

using Parsed = std::variant<ClientFrame, FrameError>;

FrameError bad(std::string_view code, std::string message, std::string id = {}) {
  return FrameError{code, std::move(message), std::move(id)};
}

FrameError control_error(std::string_view key, char c, std::string id) {
  return bad(err::kBadFrame,
             "field '" + std::string(key) + "' contains the control character " + code_point_name(c) +
                 " (only tab and newline are allowed)",
             std::move(id));
}

// Field readers: nullopt when absent; FrameError when present with the wrong type.
struct Fields {
  const json::object& o;
  std::string id;  // for error reporting

  std::optional<FrameError> error;

  std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t min = 0) {
    auto* v = o.if_contains(key);
    if (!v) {
      if (required && !error) error = bad(err::kBadFrame, "missing field '" + std::string(key) + "'", id);
      return std::nullopt;
    }
    std::int64_t out;
    if (v->is_int64()) out = v->get_int64();
    else if (v->is_uint64() && v->get_uint64() <= INT64_MAX) out = static_cast<std::int64_t>(v->get_uint64());
    else {
      if (!error) error = bad(err::kBadFrame, "field '" + std::string(key) + "' must be an integer", id);
      return std::nullopt;
    }
    if (out < min) {
      if (!error) error = bad(err::kBadFrame, "field '" + std::string(key) + "' must be >= " + std::to_string(min), id);
      return std::nullopt;
    }
    return out;
  }

  std::optional<bool> boolean(std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v) return std::nullopt;
    if (!v->is_bool()) {
      if (!error) error = bad(err::kBadFrame, "field '" + std::string(key) + "' must be true or false", id);
      return std::nullopt;
    }
    return v->get_bool();
  }

  std::optional<std::string> string(std::string_view key, bool required) {
    auto* v = o.if_contains(key);
    if (!v) {
      if (required && !error) error = bad(err::kBadFrame, "missing field '" + std::string(key) + "'", id);
      return std::nullopt;
    }
    if (!v->is_string()) {
      if (!error) error = bad(err::kBadFrame, "field '" + std::string(key) + "' must be a string", id);
      return std::nullopt;
    }
    std::string_view s = v->get_string();
    if (auto at = find_control(s); at != std::string_view::npos) {
      if (!error) error = control_error(key, s[at], id);
      return std::nullopt;
    }
    return std::string(s);
  }
};

// `media`: {"id": "<64 hex>", "name": "..."}; fills s or says what is wrong.
std::optional<FrameError> parse_media(const json::value& v, SendFrame& s) {
  auto wrong = [&](std::string what) { return bad(err::kBadFrame, "field 'media' " + what, s.id); };
  if (!v.is_object()) return wrong("must be an object with a media 'id'");
  Fields m{v.get_object(), s.id, {}};
  auto id = m.string("id", true);
  auto name = m.string("name", false);
  if (m.error) return wrong("must hold a string 'id' and optionally a string 'name'");
  if (!media_object::valid_id(*id)) return wrong("'id' must be a media id (64 hex digits)");
  if (name && !media_object::valid_name(*name))
    return wrong("'name' must be 1 to 255 bytes without '/', '\\' or control characters");
  s.media_id = std::move(*id);
  s.media_name = name.value_or("");
  return std::nullopt;
}

// `forward`: {"chat": C, "seq": S}.
std::optional<std::pair<ChatId, Seq>> parse_forward(Fields& f) {
  auto* v = f.o.if_contains("forward");
  if (!v) return std::nullopt;
  if (v->is_object()) {
    Fields fw{v->get_object(), f.id, {}};
    auto chat = fw.integer("chat", true, 1);
    auto seq = fw.integer("seq", true, 1);
    if (!fw.error) return std::pair{ChatId(*chat), *seq};
  }
  if (!f.error) f.error = bad(err::kBadFrame, "field 'forward' must be {\"chat\": C, \"seq\": S}", f.id);
  return std::nullopt;
}

std::variant<std::vector<std::int64_t>, FrameError> id_array(Fields& f, std::string_view key, std::size_t max,
                                                             bool required);
constexpr std::size_t kMaxMentions = 50;

Parsed parse_send(Fields& f, const Limits& limits) {
  const bool with_media = f.o.contains("media");
  const bool forwarding = f.o.contains("forward");
  auto text = f.string("text", !with_media && !forwarding);
  auto to = f.integer("to", false, 1);
  auto chat = f.integer("chat", false, 1);
  auto background = f.boolean("background");
  auto reply_to = f.integer("reply_to", false, 1);
  auto forward = parse_forward(f);
  if (f.error) return *f.error;
  auto mentions = id_array(f, "mentions", kMaxMentions, false);
  if (auto* e = std::get_if<FrameError>(&mentions)) return *e;
  if (forward && ((text && !text->empty()) || with_media || reply_to || f.o.contains("mentions")))
    return bad(err::kBadFrame, "a forward carries the message it copies: no 'text', 'media', 'reply_to' or 'mentions'", f.id);
  if (f.id.empty()) return bad(err::kBadFrame, "missing field 'id' (client message id)");
  if (to.has_value() == chat.has_value()) return bad(err::kBadFrame, "exactly one of 'to' and 'chat' is required", f.id);
  if (!text) text.emplace();
  if (text->empty() && !with_media && !forward) return bad(err::kBadFrame, "field 'text' is empty", f.id);
  if (utf8_length(*text) > limits.max_text_chars)
    return bad(err::kTextTooLong, "text is longer than " + std::to_string(limits.max_text_chars) + " characters", f.id);
  SendFrame s;
  s.id = f.id;
  if (to) s.to = UserId(*to);
  if (chat) s.chat = ChatId(*chat);
  s.text = std::move(*text);
  s.background = background.value_or(false);
  s.reply_to = reply_to.value_or(0);
  s.forward = forward;
  for (auto id : std::get<std::vector<std::int64_t>>(mentions)) s.mentions.push_back(UserId(id));
  if (with_media)
    if (auto e = parse_media(f.o.at("media"), s)) return *e;
  return ClientFrame{std::move(s)};
}

// "edit", "delete", "react", "star" (docs/protocol.md, "Message actions").
Parsed parse_action(Fields& f, const Limits& limits, std::string_view type) {
  auto chat = f.integer("chat", true, 1);
  auto seq = f.integer("seq", true, 1);
  if (f.error) return *f.error;
  if (f.id.empty()) return bad(err::kBadFrame, "missing field 'id' (client id of the request)");
  ActionFrame a{f.id, ChatId(*chat), *seq, ActionOp::kEdit, {}};
  if (type == "edit") {
    auto text = f.string("text", true);
    if (f.error) return *f.error;
    if (utf8_length(*text) > limits.max_text_chars)
      return bad(err::kTextTooLong, "text is longer than " + std::to_string(limits.max_text_chars) + " characters", f.id);
    a.value = std::move(*text);
  } else if (type == "delete") {
    auto who = f.string("for", true);
    if (f.error) return *f.error;
    if (*who != "everyone" && *who != "me") return bad(err::kBadFrame, "field 'for' must be \"everyone\" or \"me\"", f.id);
    a.op = *who == "everyone" ? ActionOp::kDeleteForEveryone : ActionOp::kDeleteForMe;
  } else if (type == "react") {
    auto emoji = f.string("emoji", true);
    if (f.error) return *f.error;
    if (!emoji->empty() && !message_actions::is_reaction(*emoji))
      return bad(err::kBadFrame, "field 'emoji' must be one emoji, or \"\" to remove the reaction", f.id);
    a.op = ActionOp::kReact;
    a.value = std::move(*emoji);
  } else {
    auto starred = f.boolean("starred");
    if (f.error) return *f.error;
    a.op = starred.value_or(true) ? ActionOp::kStar : ActionOp::kUnstar;
  }
  return ClientFrame{std::move(a)};
}

Parsed parse_presence_users(Fields& f, const Limits& limits, bool unsubscribe) {
  auto* v = f.o.if_contains("users");
  if (!v) return bad(err::kBadFrame, "missing field 'users'", f.id);
  if (!v->is_array()) return bad(err::kBadFrame, "field 'users' must be an array of user ids", f.id);
  const auto& a = v->get_array();
  if (a.size() > limits.max_presence_users)
    return bad(err::kBadFrame, "field 'users' may hold at most " + std::to_string(limits.max_presence_users) + " ids",
               f.id);
  PresenceFrame p;
  p.unsubscribe = unsubscribe;
  for (const auto& u : a) {
    if (!(u.is_int64() && u.get_int64() > 0) && !(u.is_uint64() && u.get_uint64() <= INT64_MAX))
      return bad(err::kBadFrame, "field 'users' must hold positive integer user ids", f.id);
    p.users.push_back(UserId(u.is_int64() ? u.get_int64() : static_cast<std::int64_t>(u.get_uint64())));
  }
  return ClientFrame{std::move(p)};
}

// A positive integer id array named `key`, at most `max` long.
std::variant<std::vector<std::int64_t>, FrameError> id_array(Fields& f, std::string_view key, std::size_t max,
                                                             bool required) {
  std::vector<std::int64_t> out;
  auto* v = f.o.if_contains(key);
  if (!v) {
    if (required) return bad(err::kBadFrame, "missing field '" + std::string(key) + "'", f.id);
    return out;
  }
  if (!v->is_array()) return bad(err::kBadFrame, "field '" + std::string(key) + "' must be an array of ids", f.id);
  const auto& a = v->get_array();
  if (a.size() > max)
    return bad(err::kBadFrame, "field '" + std::string(key) + "' may hold at most " + std::to_string(max) + " ids", f.id);
  for (const auto& u : a) {
    if (!(u.is_int64() && u.get_int64() > 0) && !(u.is_uint64() && u.get_uint64() <= INT64_MAX))
      return bad(err::kBadFrame, "field '" + std::string(key) + "' must hold positive integers", f.id);
    out.push_back(u.is_int64() ? u.get_int64() : static_cast<std::int64_t>(u.get_uint64()));
  }
  return out;
}

std::vector<UserId> users_of(const std::vector<std::int64_t>& ids) {
  std::vector<UserId> out;
  for (auto id : ids) out.push_back(UserId(id));
  return out;
}

Parsed parse_create(Fields& f, const Limits& limits) {
  auto kind = f.string("kind", true);
  auto name = f.string("name", true);
  auto avatar = f.string("avatar", false);
  auto can_add = f.boolean("members_can_add");
  auto everyone = f.boolean("everyone_posts");
  auto is_public = f.boolean("public");
  if (f.error) return *f.error;
  if (f.id.empty()) return bad(err::kBadFrame, "missing field 'id' (client id of the request)");
  auto members = id_array(f, "members", limits.max_frame_users, false);
  if (auto* e = std::get_if<FrameError>(&members)) return *e;
  CreateFrame c;
  c.id = f.id;
  if (*kind == "group") c.kind = ChatKind::kGroup;
  else if (*kind == "room") c.kind = ChatKind::kRoom;
  else return bad(err::kBadFrame, "field 'kind' must be \"group\" or \"room\"", f.id);
  c.settings.name = std::move(*name);
  c.settings.avatar = avatar.value_or("");
  c.settings.members_can_add = can_add.value_or(false);
  c.settings.everyone_posts = everyone.value_or(c.kind == ChatKind::kGroup);
  if (is_public.value_or(false) && c.kind != ChatKind::kRoom)
    return bad(err::kBadFrame, "only rooms can be public", f.id);
  c.settings.is_public = is_public.value_or(false);
  c.members = users_of(std::get<std::vector<std::int64_t>>(members));
  return ClientFrame{std::move(c)};
}

Parsed parse_change(Fields& f, const Limits& limits, std::string_view type) {
  ChangeFrame c;
  c.id = f.id;
  if (f.id.empty()) return bad(err::kBadFrame, "missing field 'id' (client id of the request)");
  if (type == "join") {
    auto chat = f.integer("chat", false, 1);
    auto invite = f.string("invite", false);
    if (f.error) return *f.error;
    if (chat.has_value() == invite.has_value()) return bad(err::kBadFrame, "exactly one of 'chat' and 'invite' is required", f.id);
    c.op = ChangeOp::kJoin;
    if (chat) c.chat = ChatId(*chat);
    if (invite) {
      if (invite->empty() || invite->size() > 64) return bad(err::kBadFrame, "field 'invite' must be 1 to 64 bytes", f.id);
      c.value = std::move(*invite);
    }
    return ClientFrame{std::move(c)};
  }
  auto chat = f.integer("chat", true, 1);
  if (f.error) return *f.error;
  c.chat = ChatId(*chat);
  if (type == "leave") {
    c.op = ChangeOp::kLeave;
    return ClientFrame{std::move(c)};
  }
  auto op = f.string("op", true);
  auto name = f.string("name", false);
  auto avatar = f.string("avatar", false);
  c.members_can_add = f.boolean("members_can_add");
  c.everyone_posts = f.boolean("everyone_posts");
  c.temporary = f.boolean("temporary");
  auto disappear = f.integer("disappear", false);
  if (f.error) return *f.error;
  static const std::pair<std::string_view, ChangeOp> kOps[] = {
      {"add", ChangeOp::kAdd},       {"remove", ChangeOp::kRemove}, {"promote", ChangeOp::kPromote},
      {"demote", ChangeOp::kDemote}, {"leave", ChangeOp::kLeave},   {"rename", ChangeOp::kRename},
      {"avatar", ChangeOp::kAvatar}, {"settings", ChangeOp::kSettings}, {"mode", ChangeOp::kMode}};
  auto it = std::find_if(std::begin(kOps), std::end(kOps), [&](const auto& p) { return p.first == *op; });
  if (it == std::end(kOps))
    return bad(err::kBadFrame, "field 'op' must be add, remove, promote, demote, leave, rename, avatar, settings or mode",
               f.id);
  if (disappear) {
    // Off, 24 hours, 7 days or 90 days, in seconds.
    if (*disappear != 0 && *disappear != 86'400 && *disappear != 604'800 && *disappear != 7'776'000)
      return bad(err::kBadFrame, "field 'disappear' must be 0, 86400, 604800 or 7776000 (seconds)", f.id);
    c.disappear_ms = *disappear * 1000;
  }
  c.op = it->second;
  if (c.op == ChangeOp::kAdd || c.op == ChangeOp::kRemove || c.op == ChangeOp::kPromote || c.op == ChangeOp::kDemote) {
    auto users = id_array(f, "users", limits.max_frame_users, true);
    if (auto* e = std::get_if<FrameError>(&users)) return *e;
    c.users = users_of(std::get<std::vector<std::int64_t>>(users));
  } else if (c.op == ChangeOp::kRename) {
    if (!name) return bad(err::kBadFrame, "missing field 'name'", f.id);
    c.value = std::move(*name);
  } else if (c.op == ChangeOp::kAvatar) {
    if (!avatar) return bad(err::kBadFrame, "missing field 'avatar'", f.id);
    c.value = std::move(*avatar);
  } else if (c.op == ChangeOp::kSettings && !c.members_can_add && !c.everyone_posts) {
    return bad(err::kBadFrame, "name 'members_can_add' or 'everyone_posts'", f.id);
  } else if (c.op == ChangeOp::kMode && !c.temporary && !c.disappear_ms) {
    return bad(err::kBadFrame, "name 'temporary' or 'disappear'", f.id);
  }
  return ClientFrame{std::move(c)};
}

}  // namespace

std::optional<Visibility> parse_visibility(std::string_view name) {
  if (name == "everyone") return Visibility::kEveryone;
  if (name == "contacts") return Visibility::kContacts;
  if (name == "nobody") return Visibility::kNobody;
  return std::nullopt;
}

std::string_view visibility_name(Visibility v) {
  switch (v) {
    case Visibility::kEveryone: return "everyone";
    case Visibility::kContacts: return "contacts";
    case Visibility::kNobody: return "nobody";
  }
  return "everyone";
}

namespace {

}  // namespace

std::variant<ClientFrame, FrameError> parse_client_frame(std::string_view text, const Limits& limits) {
  json::parse_options opt;
  opt.max_depth = static_cast<std::size_t>(limits.max_depth);
  json::error_code ec;
  // A frame of a few hundred bytes parses without touching the heap: the tree lives in
  // `storage`, the parser's scratch space in `scratch` (larger frames spill to the heap).
  unsigned char storage[4096];
  unsigned char scratch[1024];
  json::monotonic_resource mr(storage, sizeof storage);
  json::parser parser(json::storage_ptr(), opt, scratch, sizeof scratch);
  parser.reset(&mr);
  std::size_t used = parser.write(text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = json::error::extra_data;
  json::value v = ec ? json::value() : parser.release();
  if (ec) return bad(err::kBadJson, "frame is not valid UTF-8 JSON: " + ec.message());
  if (!v.is_object()) return bad(err::kBadFrame, "frame must be a JSON object");
  const auto& o = v.get_object();
  Fields f{o, {}, std::nullopt};
  if (auto* id = o.if_contains("id"); id && id->is_string() && id->get_string().size() <= limits.max_client_id) {
    std::string_view s = id->get_string();
    if (auto at = find_control(s); at != std::string_view::npos) return control_error("id", s[at], {});
    f.id = std::string(s);
  }
  else if (id && o.if_contains("type") && o.at("type") == "send")
    return bad(err::kBadFrame, "field 'id' must be a string of at most " + std::to_string(limits.max_client_id) + " bytes");
  auto type = f.string("type", true);
  if (f.error) return *f.error;

  if (*type == "send") return parse_send(f, limits);
  if (*type == "auth") {
    auto token = f.string("token", true);
    if (f.error) return *f.error;
    return ClientFrame{AuthFrame{std::move(*token)}};
  }
  if (*type == "sync") {
    auto after = f.integer("after", false);
    auto limit = f.integer("limit", false, 1);
    if (f.error) return *f.error;
    SyncFrame s;
    s.after = after;
    s.limit = static_cast<int>(std::min<std::int64_t>(limit.value_or(0), limits.max_sync_page));
    return ClientFrame{s};
  }
  if (*type == "received") {
    auto chat = f.integer("chat", false, 1);
    auto pts = f.integer("pts", !chat.has_value());
    auto seq = f.integer("seq", chat.has_value());
    if (f.error) return *f.error;
    ReceivedFrame r;
    if (chat) {
      r.chat = ChatId(*chat);
      r.seq = *seq;
    } else {
      r.pts = *pts;
    }
    return ClientFrame{r};
  }
  if (*type == "edit" || *type == "delete" || *type == "react" || *type == "star") return parse_action(f, limits, *type);
  if (*type == "create") return parse_create(f, limits);
  if (*type == "change" || *type == "join" || *type == "leave") return parse_change(f, limits, *type);
  if (*type == "chat_info") {
    auto chat = f.integer("chat", true, 1);
    if (f.error) return *f.error;
    return ClientFrame{ChatInfoFrame{ChatId(*chat)}};
  }
  if (*type == "receipts") {
    auto chat = f.integer("chat", true, 1);
    auto seq = f.integer("seq", true, 1);
    if (f.error) return *f.error;
    return ClientFrame{ReceiptsFrame{ChatId(*chat), *seq}};
  }
  if (*type == "views") {
    auto chat = f.integer("chat", true, 1);
    if (f.error) return *f.error;
    auto seqs = id_array(f, "seqs", limits.max_view_seqs, true);
    if (auto* e = std::get_if<FrameError>(&seqs)) return *e;
    return ClientFrame{ViewsFrame{ChatId(*chat), std::get<std::vector<std::int64_t>>(seqs)}};
  }
  if (*type == "delivered" || *type == "read") {
    auto chat = f.integer("chat", true, 1);
    auto seq = f.integer("seq", true);
    if (f.error) return *f.error;
    auto background = f.boolean("background");
    if (f.error) return *f.error;
    return ClientFrame{ReceiptFrame{*type == "read", ChatId(*chat), *seq, background.value_or(false)}};
  }
  if (*type == "ping") return ClientFrame{PingFrame{}};
  if (*type == "heartbeat") {
    auto active = f.boolean("active");
    if (f.error) return *f.error;
    return ClientFrame{HeartbeatFrame{active.value_or(true)}};
  }
  if (*type == "active") return ClientFrame{HeartbeatFrame{true}};
  if (*type == "typing") {
    auto chat = f.integer("chat", true, 1);
    auto typing = f.boolean("typing");
    if (f.error) return *f.error;
    return ClientFrame{TypingFrame{ChatId(*chat), typing.value_or(true)}};
  }
  if (*type == "presence_subscribe") return parse_presence_users(f, limits, false);
  if (*type == "presence_unsubscribe") return parse_presence_users(f, limits, true);
  if (*type == "privacy") {
    PrivacyFrame p;
    for (auto [key, into] : {std::pair{"last_seen", &p.last_seen}, std::pair{"group_add", &p.group_add},
                             std::pair{"name", &p.name}, std::pair{"about", &p.about}, std::pair{"photo", &p.photo}}) {
      auto value = f.string(key, false);
      if (f.error) return *f.error;
      if (!value) continue;
      *into = parse_visibility(*value);
      if (!*into)
        return bad(err::kBadFrame, std::string("field '") + key + "' must be \"everyone\", \"contacts\" or \"nobody\"", f.id);
    }
    return ClientFrame{p};
  }
  if (*type == "decline") {
    auto code = f.string("invite", true);
    if (f.error) return *f.error;
    if (f.id.empty()) return bad(err::kBadFrame, "missing field 'id' (client id of the request)");
    if (code->empty() || code->size() > 64) return bad(err::kBadFrame, "field 'invite' must be 1 to 64 bytes", f.id);
    return ClientFrame{DeclineFrame{f.id, std::move(*code)}};
  }
  // At most 64 bytes of it, cut between characters: the error frame must stay UTF-8.
  std::size_t shown = std::min<std::size_t>(type->size(), 64);
  while (shown < type->size() && (static_cast<unsigned char>((*type)[shown]) & 0xC0) == 0x80) --shown;
  return bad(err::kUnknownType, "unknown frame type '" + type->substr(0, shown) + "'", f.id);
}

std::string hello_frame(const Hello& h, const Limits& limits) {
  json::object o;
  o["type"] = "hello";
  o["protocol"] = kProtocolVersion;
  o["user"] = h.user.value;
  o["device"] = h.device.value;
  o["head"] = h.head;
  o["position"] = h.position;
  o["server_time"] = h.server_time;
  o["max_text_chars"] = limits.max_text_chars;
  o["presence"] = {{"heartbeat_ms", h.heartbeat_ms}, {"online_ms", h.online_ms}, {"typing_ms", h.typing_ms}};
  return json::serialize(o);
}

std::string presence_frame(UserId user, bool visible, bool online, TimeMs last_seen) {
  std::string out;
  JsonOut o(out, "presence", 80);
  o.num("user", user.value);
  if (visible) {
    o.boolean("online", online);
    if (last_seen > 0) o.num("last_seen", last_seen);
  }
  return std::move(o.close());
}

std::string typing_frame(ChatId chat, UserId user, bool typing) {
  std::string out;
  return std::move(JsonOut(out, "typing", 80).num("chat", chat.value).num("user", user.value).boolean("typing", typing).close());
}

std::optional<std::string> control_in(const json::value& v) {
  auto check = [](std::string_view s) -> std::optional<std::string> {
    if (auto at = find_control(s); at != std::string_view::npos)
      return "the body contains the control character " + code_point_name(s[at]) + " (only tab and newline are allowed)";
    return std::nullopt;
  };
  if (v.is_string()) return check(v.get_string());
  if (v.is_array())
    for (const auto& e : v.get_array())
      if (auto bad = control_in(e)) return bad;
  if (v.is_object())
    for (const auto& [k, e] : v.get_object()) {
      if (auto bad = check(k)) return bad;
      if (auto bad = control_in(e)) return bad;
    }
  return std::nullopt;
}

std::string privacy_frame(const PresenceRecord& settings) {
  json::object o;
  o["type"] = "privacy";
  o["last_seen"] = visibility_name(settings.last_seen_visibility);
  o["group_add"] = visibility_name(settings.group_add);
  o["name"] = visibility_name(settings.name);
  o["about"] = visibility_name(settings.about);
  o["photo"] = visibility_name(settings.photo);
  return json::serialize(o);
}

namespace {

std::string message_fields(std::string_view type, Pts pts, const Message& m) {
  std::string out;
  JsonOut o(out, type, 160 + m.client_id.size() + m.text.size() + m.system.size() + m.media.size() + m.reactions.size());
  if (pts > 0) o.num("pts", pts);
  o.num("chat", m.chat.value).num("seq", m.seq).num("from", m.sender.value).num("device", m.sender_device.value);
  o.str("id", m.client_id).num("ts", m.ts).str("text", m.text);
  if (!m.system.empty()) {
    json::error_code ec;
    auto event = json::parse(m.system, ec);  // written by this server; checked all the same
    if (!ec) o.raw("system", json::serialize(event));
  }
  if (!m.media.empty()) o.raw("media", m.media);  // written by this server (model/media_object)
  // What happened to it since (docs/protocol.md, "Message actions"); absent when nothing did.
  if (m.reply_to > 0) o.num("reply_to", m.reply_to);
  if (m.forwarded > 0) o.num("forwarded", m.forwarded);
  if (m.edited_at > 0 && m.deleted == 0) o.num("edited", m.edited_at);
  if (m.deleted == kExpired) o.boolean("expired", true);
  else if (m.deleted > 0) o.num("deleted", m.deleted);
  if (!m.reactions.empty()) o.raw("reactions", m.reactions);  // written by this server (model/message_actions)
  if (m.expires_at > 0) o.num("expires_at", m.expires_at);
  if (m.starred) o.boolean("starred", true);
  return std::move(o.close());
}

}  // namespace

std::string message_frame(Pts pts, const Message& m) { return message_fields("msg", pts, m); }

std::string changed_frame(Pts pts, const Message& m) { return message_fields("changed", pts, m); }

std::string marked_frame(Pts pts, ChatId chat, Seq seq, bool starred, bool hidden) {
  std::string out;
  JsonOut o(out, "marked", 96);
  o.num("pts", pts).num("chat", chat.value).num("seq", seq).boolean("starred", starred).boolean("hidden", hidden);
  return std::move(o.close());
}

std::string pts_field(Pts pts) {
  char buf[32] = "\"pts\":";
  auto end = std::to_chars(buf + 6, buf + sizeof buf - 1, pts).ptr;
  *end++ = ',';
  return std::string(buf, end);
}

std::string with_pts(std::string_view frame, Pts pts) {
  std::string field = pts_field(pts), out;
  out.reserve(frame.size() + field.size());
  out += frame.substr(0, kPtsAt);
  out += field;
  out += frame.substr(kPtsAt);
  return out;
}

std::string receipt_all_frame(Pts pts, ChatId chat, Seq delivered, Seq read) {
  std::string out;
  JsonOut o(out, "receipt", 112);
  o.num("pts", pts).num("chat", chat.value).boolean("all", true).num("delivered", delivered).num("read", read);
  return std::move(o.close());
}

std::string membership_frame(Pts pts, const MembershipUpdate& m) {
  json::object o;
  o["type"] = "membership";
  o["pts"] = pts;
  o["chat"] = m.chat.value;
  o["kind"] = "room";
  o["member"] = m.member;
  o["seq"] = m.seq;
  return json::serialize(o);
}

std::string done_frame(std::string_view id, ChatId chat, Seq seq, bool changed, bool duplicate,
                       const std::vector<UserId>& invited) {
  json::object o;
  o["type"] = "done";
  o["id"] = id;
  o["chat"] = chat.value;
  if (seq > 0) o["seq"] = seq;
  o["changed"] = changed;
  if (duplicate) o["duplicate"] = true;
  if (!invited.empty()) {
    json::array a;
    for (UserId u : invited) a.push_back(u.value);
    o["invited"] = std::move(a);
  }
  return json::serialize(o);
}

std::string invite_frame(const GroupInvite& invite, std::string_view state) {
  json::object o;
  o["type"] = "invite";
  o["state"] = state;
  o["chat"] = invite.chat.value;
  o["code"] = invite.code;
  if (state == "pending") {
    o["name"] = invite.chat_name;
    o["from"] = invite.inviter.value;
    o["expires_at"] = invite.expires_at;
  }
  return json::serialize(o);
}

namespace {
std::string_view role_name(Role r) { return r == Role::kAdmin ? "admin" : "member"; }
}  // namespace

std::string chat_info_frame(const ChatInfo& info) {
  json::object o;
  o["type"] = "chat_info";
  o["chat"] = info.chat.value;
  o["kind"] = membership::kind_name(info.kind);
  o["name"] = info.settings.name;
  if (!info.settings.avatar.empty()) o["avatar"] = info.settings.avatar;
  o["members_can_add"] = info.settings.members_can_add;
  if (info.kind == ChatKind::kRoom) o["public"] = info.settings.is_public;
  o["everyone_posts"] = info.settings.everyone_posts;
  if (info.settings.temporary) o["temporary"] = true;
  if (info.settings.disappear_ms > 0) o["disappear"] = info.settings.disappear_ms / 1000;
  o["created_by"] = info.created_by.value;
  o["created_at"] = info.created_at;
  o["last_seq"] = info.last_seq;
  o["member_count"] = info.member_count;
  o["role"] = info.member ? role_name(info.my_role) : "none";
  if (!info.invite.empty()) o["invite"] = info.invite;
  json::array members;
  for (const auto& m : info.members) {
    json::object member{{"user", m.user.value}, {"role", role_name(m.role)}, {"joined", m.joined},
                        {"delivered", m.delivered}, {"read", m.read}};
    if (!m.phone.empty()) member["phone"] = m.phone;
    members.push_back(std::move(member));
  }
  o["members"] = std::move(members);
  return json::serialize(o);
}

std::string receipts_frame(ChatId chat, Seq seq, const std::vector<MemberInfo>& members) {
  json::array delivered, read, pending, times;
  for (const auto& m : members) {
    if (m.joined >= seq) continue;  // joined after the message: it was never theirs
    if (m.read >= seq) read.push_back(m.user.value);
    else if (m.delivered >= seq) delivered.push_back(m.user.value);
    else pending.push_back(m.user.value);
    if (m.delivered < seq || (!m.delivered_at && !m.read_at)) continue;
    json::object t{{"user", m.user.value}};  // when it reached them, where that is known
    if (m.delivered_at) t["delivered"] = m.delivered_at;
    if (m.read >= seq && m.read_at) t["read"] = m.read_at;
    times.push_back(std::move(t));
  }
  json::object o;
  o["type"] = "receipts";
  o["chat"] = chat.value;
  o["seq"] = seq;
  o["read"] = std::move(read);
  o["delivered"] = std::move(delivered);
  o["pending"] = std::move(pending);
  if (!times.empty()) o["times"] = std::move(times);
  return json::serialize(o);
}

std::string views_frame(ChatId chat, const std::vector<std::pair<Seq, std::int64_t>>& counts) {
  json::array views;
  for (auto [seq, n] : counts) views.push_back(json::object{{"seq", seq}, {"count", n}});
  json::object o;
  o["type"] = "views";
  o["chat"] = chat.value;
  o["views"] = std::move(views);
  return json::serialize(o);
}

std::string receipt_frame(Pts pts, const ReceiptState& r) {
  std::string out;
  JsonOut o(out, "receipt", 112);
  o.num("pts", pts).num("chat", r.chat.value).num("user", r.member.value).num("delivered", r.delivered).num("read", r.read);
  return std::move(o.close());
}

std::string update_frame(const Update& u) {
  switch (u.kind) {
    case UpdateKind::kMessage: return message_frame(u.pts, u.message);
    case UpdateKind::kReceipt: return receipt_frame(u.pts, u.receipt);
    case UpdateKind::kReceiptAll: return receipt_all_frame(u.pts, u.receipt.chat, u.receipt.delivered, u.receipt.read);
    case UpdateKind::kMembership: return membership_frame(u.pts, u.membership);
    case UpdateKind::kChanged: return changed_frame(u.pts, u.message);
    case UpdateKind::kMarked: return marked_frame(u.pts, u.message.chat, u.message.seq, u.starred, u.hidden);
  }
  return receipt_frame(u.pts, u.receipt);
}

std::string ack_frame(const Message& m, bool duplicate) {
  std::string out;
  JsonOut o(out, "ack", 96 + m.client_id.size());
  o.str("id", m.client_id).num("chat", m.chat.value).num("seq", m.seq).num("ts", m.ts);
  if (duplicate) o.boolean("duplicate", true);
  return std::move(o.close());
}

std::string synced_frame(Pts pts, Pts head, bool truncated) {
  std::string out;
  JsonOut o(out, "synced", 64);
  o.num("pts", pts).num("head", head);
  if (truncated) o.boolean("truncated", true);
  return std::move(o.close());
}

std::string error_frame(std::string_view code, std::string_view message, std::string_view id,
                        std::optional<std::int64_t> retry_after_ms) {
  json::object o;
  o["type"] = "error";
  o["code"] = code;
  o["message"] = message;
  if (!id.empty()) o["id"] = id;
  if (retry_after_ms) o["retry_after_ms"] = *retry_after_ms;
  return json::serialize(o);
}

std::string pong_frame(TimeMs now) {
  json::object o;
  o["type"] = "pong";
  o["ts"] = now;
  return json::serialize(o);
}

}  // namespace parley::proto
