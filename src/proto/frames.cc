#include "proto/frames.h"

#include <boost/json.hpp>

#include "core/encoding.h"
#include "proto/errors.h"

namespace parley::proto {

namespace json = boost::json;

namespace {

using Parsed = std::variant<ClientFrame, FrameError>;

FrameError bad(std::string_view code, std::string message, std::string id = {}) {
  return FrameError{code, std::move(message), std::move(id)};
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
    return std::string(v->get_string());
  }
};

Parsed parse_send(Fields& f, const Limits& limits) {
  auto text = f.string("text", true);
  auto to = f.integer("to", false, 1);
  auto chat = f.integer("chat", false, 1);
  auto background = f.boolean("background");
  if (f.error) return *f.error;
  if (f.id.empty()) return bad(err::kBadFrame, "missing field 'id' (client message id)");
  if (to.has_value() == chat.has_value()) return bad(err::kBadFrame, "exactly one of 'to' and 'chat' is required", f.id);
  if (text->empty()) return bad(err::kBadFrame, "field 'text' is empty", f.id);
  if (utf8_length(*text) > limits.max_text_chars)
    return bad(err::kTextTooLong, "text is longer than " + std::to_string(limits.max_text_chars) + " characters", f.id);
  SendFrame s;
  s.id = f.id;
  if (to) s.to = UserId(*to);
  if (chat) s.chat = ChatId(*chat);
  s.text = std::move(*text);
  s.background = background.value_or(false);
  return ClientFrame{std::move(s)};
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
  json::monotonic_resource mr;
  json::value v = json::parse(text, ec, &mr, opt);
  if (ec) return bad(err::kBadJson, "frame is not valid UTF-8 JSON: " + ec.message());
  if (!v.is_object()) return bad(err::kBadFrame, "frame must be a JSON object");
  const auto& o = v.get_object();
  Fields f{o, {}, std::nullopt};
  if (auto* id = o.if_contains("id"); id && id->is_string() && id->get_string().size() <= limits.max_client_id)
    f.id = std::string(id->get_string());
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
    auto pts = f.integer("pts", true);
    if (f.error) return *f.error;
    return ClientFrame{ReceivedFrame{*pts}};
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
    auto last_seen = f.string("last_seen", false);
    if (f.error) return *f.error;
    PrivacyFrame p;
    if (last_seen) {
      p.last_seen = parse_visibility(*last_seen);
      if (!p.last_seen) return bad(err::kBadFrame, "field 'last_seen' must be \"everyone\", \"contacts\" or \"nobody\"", f.id);
    }
    return ClientFrame{p};
  }
  return bad(err::kUnknownType, "unknown frame type '" + type->substr(0, 64) + "'", f.id);
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
  json::object o;
  o["type"] = "presence";
  o["user"] = user.value;
  if (visible) {
    o["online"] = online;
    if (last_seen > 0) o["last_seen"] = last_seen;
  }
  return json::serialize(o);
}

std::string typing_frame(ChatId chat, UserId user, bool typing) {
  json::object o;
  o["type"] = "typing";
  o["chat"] = chat.value;
  o["user"] = user.value;
  o["typing"] = typing;
  return json::serialize(o);
}

std::string privacy_frame(Visibility last_seen) {
  json::object o;
  o["type"] = "privacy";
  o["last_seen"] = visibility_name(last_seen);
  return json::serialize(o);
}

std::string message_frame(Pts pts, const Message& m) {
  json::object o;
  o["type"] = "msg";
  o["pts"] = pts;
  o["chat"] = m.chat.value;
  o["seq"] = m.seq;
  o["from"] = m.sender.value;
  o["device"] = m.sender_device.value;
  o["id"] = m.client_id;
  o["ts"] = m.ts;
  o["text"] = m.text;
  return json::serialize(o);
}

std::string receipt_frame(Pts pts, const ReceiptState& r) {
  json::object o;
  o["type"] = "receipt";
  o["pts"] = pts;
  o["chat"] = r.chat.value;
  o["user"] = r.member.value;
  o["delivered"] = r.delivered;
  o["read"] = r.read;
  return json::serialize(o);
}

std::string update_frame(const Update& u) {
  return u.kind == UpdateKind::kMessage ? message_frame(u.pts, u.message) : receipt_frame(u.pts, u.receipt);
}

std::string ack_frame(const Message& m, bool duplicate) {
  json::object o;
  o["type"] = "ack";
  o["id"] = m.client_id;
  o["chat"] = m.chat.value;
  o["seq"] = m.seq;
  o["ts"] = m.ts;
  if (duplicate) o["duplicate"] = true;
  return json::serialize(o);
}

std::string synced_frame(Pts pts, Pts head, bool truncated) {
  json::object o;
  o["type"] = "synced";
  o["pts"] = pts;
  o["head"] = head;
  if (truncated) o["truncated"] = true;
  return json::serialize(o);
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
