// Messages read over HTTP (docs/protocol.md §7): a chat's history a page at a time, full-text
// search across the user's chats, and the user's starred messages. Blocking calls with no
// shared state: any thread. On failure `http` holds the status, code and message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parley/http.h"
#include "parley/message.h"

namespace parley::client {

// A page of messages, newest first. next_offset > 0: a full page came back, ask from there.
struct MessagePage {
  HttpResult http;
  std::vector<Message> messages{};
  std::int64_t next_offset = 0;  // search and starred only
  bool ok() const { return http.ok(); }
};

// GET /v1/chats/{chat}/messages: the messages with seq < before (0: the newest), at most
// `limit` (1..200). Hidden (deleted for me) and expired messages are not in it.
MessagePage history(const Endpoint& server, std::string_view token, std::int64_t chat, std::int64_t before = 0,
                    int limit = 50);

// One search result: the message and its snippet, parts at even places plain text, at odd
// places the words that matched.
struct SearchHit {
  Message message;
  std::vector<std::string> snippet{};
};
struct SearchResults {
  HttpResult http;  // 400 invalid (an empty query), 429 rate_limited (30 a minute)
  std::vector<SearchHit> hits{};
  std::int64_t next_offset = 0;  // > 0: a full page came back
  bool ok() const { return http.ok(); }
};

// GET /v1/search: messages matching `query` in all the user's chats, or in `chat` (not 0);
// `limit` 1..50, `offset` at most 1000.
SearchResults search(const Endpoint& server, std::string_view token, std::string_view query, std::int64_t chat = 0,
                     int limit = 20, int offset = 0);

// GET /v1/starred: the messages the user starred, the latest starred first.
MessagePage starred(const Endpoint& server, std::string_view token, int limit = 50, int offset = 0);

// `s` percent-encoded for a URL's query: every byte but A-Z a-z 0-9 - . _ ~ as %XX.
std::string query_escape(std::string_view s);

}  // namespace parley::client
