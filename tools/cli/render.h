// What the parley CLI prints on stdout: the server's answers and events in words, one
// function per kind of output. Scripts read these lines (tests/cli_test.sh greps them),
// so their text is part of the CLI's interface. Event lines (message, receipt, typing,
// presence) are flushed at once: `listen` and `presence --follow` are read while they run.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "parley/connection.h"
#include "parley/history.h"

namespace parley::cli {

// Milliseconds since the epoch as local "YYYY-MM-DD HH:MM:SS".
std::string when(std::int64_t ms);
// A disappearing-message timer in seconds as "24h", "7d", "90d" (else hours or seconds).
std::string describe_period(std::int64_t seconds);
// A system message's event (its JSON) in words; the JSON itself if it is not one we know.
std::string describe_event(const std::string& system);
// What `p` says about the user: hidden, online, never seen or last seen when.
std::string describe(const client::Presence& p);
// A media object in brackets: "[photo 1600x1200 183 KB]", "[file report.pdf 90 KB]".
std::string describe_media(const boost::json::object& media);
// Bytes for people: "94 B", "183 KB", "5.2 MB" (powers of 1000).
std::string human_bytes(std::uint64_t bytes);

void print_signed_in(const std::string& phone, std::int64_t user, std::int64_t device);
void print_sent(const client::Ack& a);
// An upload's media object: "media <id> [photo 2x2 94 B]".
void print_uploaded(const boost::json::object& media);
void print_downloaded(const std::string& path, const std::string& mime, std::uint64_t size);
// `me`: the signed-in user, whose own messages are marked "(you)". A media message shows as
// "[photo 2x2 94 B] caption (media <id>)"; a reply starts with "(reply to #N: quote)", the
// quote from `quoted` when the caller has that message; a forward with "[Forwarded]"; then
// "(edited)", "(reactions: 👍 2, ❤️ 1)", "(starred)", "(disappears <when>)" as they apply.
void print_message(const client::Message& m, std::int64_t me, const client::Message* quoted = nullptr);
// A `changed` message: "[changed] " and the message line, or "[disappeared] chat C #S".
void print_change(const client::Message& m, std::int64_t me, const client::Message* quoted = nullptr);
// A `marked`: "[starred] chat C #S", "[unstarred] ...", or "[hidden] ..." (deleted for you).
void print_marked(const client::Marked& k);
// A search result: the message line with its snippet, the matched words in [brackets].
void print_search_hit(const client::SearchHit& hit, std::int64_t me);
// How to ask for the next page: "(more: <how>)".
void print_more(const std::string& how);
void print_none(const std::string& what);
// A message action's answer: "<what> (chat C, #S)", or "nothing to change (chat C, #S)".
void print_action(const std::string& what, std::int64_t chat, std::int64_t seq, const client::Done& d);
// A chat mode's answer: "chat C: <what>", or "chat C: already <what>".
void print_mode(std::int64_t chat, const std::string& what, const client::Done& d);
void print_receipt(const client::Receipt& r);
void print_typing(const client::Typing& t);
// With `stamped`, the line starts with the time it is printed.
void print_presence(const client::Presence& p, bool stamped);
// Each setting the server gave, one a line: "last seen and online: everyone", "name: contacts".
void print_privacy(const client::PrivacySettings& p);
void print_typing_sent(std::int64_t chat, bool stop);

void print_created(const std::string& kind, const std::string& name, const client::Done& d);
void print_changed(std::int64_t chat, const client::Done& d);
void print_joined(const client::Done& d);
// A `chat_info` answer.
void print_chat_info(std::int64_t chat, const boost::json::object& info);
// GET /v1/chats's `chats`: pinned chats first, archived ones last, otherwise in the server's
// order (latest activity first). A one-to-one chat shows the other by the name you saved,
// else theirs, else their phone; your settings show as "(pinned)", "(muted until WHEN)" or
// "(muted)" (for ever), "(archived)".
void print_chats(const boost::json::array& chats);
// GET /v1/devices's `devices`.
void print_devices(const boost::json::array& devices);
void print_revoked(std::int64_t device);

}  // namespace parley::cli
