// A message as the server describes it, in a `msg` or `changed` frame and in the HTTP reads
// (history, search, starred): docs/protocol.md §3 and "Message actions". parse_message reads
// one such JSON object; a field the server left out keeps its default.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string_view>
#include <string>
#include <vector>

namespace parley::client {

// One emoji's reactions to a message. `users` is empty in rooms (counts only).
struct Reaction {
  std::string emoji;
  std::int64_t count = 0;
  std::vector<std::int64_t> users{};
};

// A message. pts is 0 for a room's message (rooms are read by seq, outside the log) and in
// the HTTP reads. A system message (group membership or settings) has its event in `system`
// (JSON). A photo, video, voice note or file has its media object in `media` (docs/protocol.md
// §7: id, kind, mime, size, width, height, duration_ms, name, thumbnail...); `text` is then the
// caption, "" for none. What happened to it since it was sent is in the fields after `media`:
// 0 / false / empty when it did not.
struct Message {
  std::int64_t pts = 0, chat = 0, seq = 0, from = 0, device = 0, ts = 0;
  std::string id, text, system;
  boost::json::object media{};
  std::int64_t reply_to = 0;    // the seq (same chat) this message answers
  std::int64_t forwarded = 0;   // hops: 1 = forwarded once
  std::int64_t edited = 0;      // ms of the last edit
  std::int64_t deleted = 0;     // the user who deleted it for everyone (text and media gone)
  bool expired = false;         // it disappeared (timer, temporary chat): remove it from view
  std::vector<Reaction> reactions{};  // in first-use order
  std::int64_t expires_at = 0;  // ms when a disappearing message goes
  bool starred = false;         // the reader starred it (HTTP reads only)
};

// Parses a message object (a `msg` or `changed` frame, or one message of an HTTP read).
Message parse_message(const boost::json::object& o);

// Fields of a server frame or answer, lenient: 0, "" or false when absent or of another type.
namespace fields {
std::int64_t i64(const boost::json::object& o, std::string_view key);
std::string str(const boost::json::object& o, std::string_view key);
bool flag(const boost::json::object& o, std::string_view key);
}  // namespace fields

}  // namespace parley::client
