#include "parley/history.h"

#include <boost/json.hpp>

namespace parley::client {

namespace json = boost::json;

namespace {

// The page's `messages` and `next_offset` from a successful answer.
void read_page(MessagePage& page) {
  const auto* o = page.http.json.if_object();
  if (!page.ok() || !o) return;
  if (auto* msgs = o->if_contains("messages"); msgs && msgs->is_array())
    for (const auto& m : msgs->get_array())
      if (m.is_object()) page.messages.push_back(parse_message(m.get_object()));
  if (auto* next = o->if_contains("next_offset"); next && next->is_int64()) page.next_offset = next->get_int64();
}

}  // namespace

std::string query_escape(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

MessagePage history(const Endpoint& server, std::string_view token, std::int64_t chat, std::int64_t before,
                    int limit) {
  std::string target = "/v1/chats/" + std::to_string(chat) + "/messages?limit=" + std::to_string(limit);
  if (before > 0) target += "&before=" + std::to_string(before);
  MessagePage page{http_call(server, "GET", target, {}, token)};
  read_page(page);
  return page;
}

SearchResults search(const Endpoint& server, std::string_view token, std::string_view query, std::int64_t chat,
                     int limit, int offset) {
  std::string target = "/v1/search?q=" + query_escape(query) + "&limit=" + std::to_string(limit);
  if (chat > 0) target += "&chat=" + std::to_string(chat);
  if (offset > 0) target += "&offset=" + std::to_string(offset);
  SearchResults out{http_call(server, "GET", target, {}, token)};
  const auto* o = out.http.json.if_object();
  if (!out.ok() || !o) return out;
  if (auto* results = o->if_contains("results"); results && results->is_array())
    for (const auto& r : results->get_array()) {
      const auto* ro = r.if_object();
      if (!ro) continue;
      SearchHit hit;
      if (auto* m = ro->if_contains("message"); m && m->is_object()) hit.message = parse_message(m->get_object());
      if (auto* sn = ro->if_contains("snippet"); sn && sn->is_array())
        for (const auto& part : sn->get_array())
          hit.snippet.emplace_back(part.is_string() ? std::string(part.get_string()) : std::string());
      out.hits.push_back(std::move(hit));
    }
  if (auto* next = o->if_contains("next_offset"); next && next->is_int64()) out.next_offset = next->get_int64();
  return out;
}

MessagePage starred(const Endpoint& server, std::string_view token, int limit, int offset) {
  std::string target = "/v1/starred?limit=" + std::to_string(limit);
  if (offset > 0) target += "&offset=" + std::to_string(offset);
  MessagePage page{http_call(server, "GET", target, {}, token)};
  read_page(page);
  return page;
}

}  // namespace parley::client
