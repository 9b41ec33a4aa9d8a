// A user's own settings of a chat (docs/protocol.md §4.8): mute, archive, pin. Read from a
// `chat_state` frame, the settings answer and GET /v1/chats; changed over HTTP. Blocking
// calls with no shared state: any thread. On failure `http` holds the status, code and message.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parley/http.h"

namespace parley::client {

// muted_until: 0 not muted, -1 muted for ever, else the time the mute ends (ms since the epoch).
struct ChatState {
  std::int64_t chat = 0, muted_until = 0;
  bool archived = false, pinned = false;
};
// A `chat_state` frame, the settings answer, or an entry of GET /v1/chats (absent fields: unset).
ChatState parse_chat_state(const boost::json::object& o);

// The settings to change; at least one. mute: "8h", "1w", "always" or "off".
struct ChatSettingsChange {
  std::string mute{};
  std::optional<bool> archived{}, pinned{};
};

struct ChatSettingsResult {
  HttpResult http;  // 400 invalid: a fourth pinned chat; 403 not_member
  ChatState state{};
  bool ok() const { return http.ok(); }
};
// PUT /v1/chats/{chat}/settings: the chat's settings after the change.
ChatSettingsResult set_chat_settings(const Endpoint& server, std::string_view token, std::int64_t chat,
                                     const ChatSettingsChange& change);

}  // namespace parley::client
