#include "parley/chat_settings.h"

#include <boost/json.hpp>

#include "parley/message.h"

namespace parley::client {

namespace json = boost::json;

ChatState parse_chat_state(const json::object& o) {
  return ChatState{fields::i64(o, "chat"), fields::i64(o, "muted_until"), fields::flag(o, "archived"),
                   fields::flag(o, "pinned")};
}

ChatSettingsResult set_chat_settings(const Endpoint& server, std::string_view token, std::int64_t chat,
                                     const ChatSettingsChange& change) {
  json::object o;
  if (!change.mute.empty()) o["mute"] = change.mute;
  if (change.archived) o["archived"] = *change.archived;
  if (change.pinned) o["pinned"] = *change.pinned;
  ChatSettingsResult out{
      http_call(server, "PUT", "/v1/chats/" + std::to_string(chat) + "/settings", json::serialize(o), token)};
  if (const auto* answer = out.ok() ? out.http.json.if_object() : nullptr) out.state = parse_chat_state(*answer);
  return out;
}

}  // namespace parley::client
