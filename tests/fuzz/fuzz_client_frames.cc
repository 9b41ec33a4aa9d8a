// Fuzz target: the WebSocket client-frame parser, proto::parse_client_frame, with the
// default limits and with tight ones. Invariants beyond "no crash, no sanitizer report":
// - an error has a non-empty code the parser is documented to return, a non-empty message,
//   and the error frame the server would send for it is valid UTF-8 JSON that reads back;
// - a parsed frame respects the limits it was parsed with (ids positive, lists and strings
//   within bounds, strings valid UTF-8 without control characters);
// - a parsed send's text and id survive message_frame, the frame its recipients get.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "check.h"
#include "core/encoding.h"
#include "proto/errors.h"
#include "proto/frames.h"

namespace json = boost::json;
using namespace parley;
using namespace parley::proto;

namespace {

void check_text(std::string_view s, std::string_view field) {
  FUZZ_CHECK(valid_utf8(s), field);
  FUZZ_CHECK(find_control(s) == std::string_view::npos, field);
}

void check_request_id(const std::string& id, const Limits& limits) {
  FUZZ_CHECK(!id.empty(), "create, change, join, leave and decline need an id");
  FUZZ_CHECK(id.size() <= limits.max_client_id, id);
  check_text(id, "id");
}

template <class Ids>
void check_ids(const Ids& ids, std::size_t max, std::string_view field) {
  FUZZ_CHECK(ids.size() <= max, field);
  for (const auto& id : ids) {
    if constexpr (std::is_integral_v<std::decay_t<decltype(id)>>) FUZZ_CHECK(id > 0, field);
    else FUZZ_CHECK(id.value > 0, field);
  }
}

void check_error(const FrameError& e, const Limits& limits) {
  FUZZ_CHECK(!e.code.empty(), e.message);
  FUZZ_CHECK(e.code == err::kBadJson || e.code == err::kBadFrame || e.code == err::kUnknownType ||
                 e.code == err::kTextTooLong,
             e.code);
  FUZZ_CHECK(!e.message.empty(), e.code);
  FUZZ_CHECK(e.id.size() <= limits.max_client_id, e.id);
  check_text(e.id, "error id");
  // What the client gets back: a text frame, so valid UTF-8 JSON.
  std::string frame = error_frame(e.code, e.message, e.id);
  json::error_code ec;
  json::value v = json::parse(frame, ec);
  FUZZ_CHECK(!ec, "error frame is not valid UTF-8 JSON: " + frame);
  FUZZ_CHECK(v.at("code").as_string() == e.code, frame);
  FUZZ_CHECK(v.at("message").as_string() == e.message, frame);
  if (!e.id.empty()) FUZZ_CHECK(v.at("id").as_string() == e.id, frame);
}

void check_send(const SendFrame& s, const Limits& limits) {
  check_request_id(s.id, limits);
  FUZZ_CHECK(s.to.has_value() != s.chat.has_value(), "exactly one of to and chat");
  if (s.to) FUZZ_CHECK(s.to->value > 0, "to");
  if (s.chat) FUZZ_CHECK(s.chat->value > 0, "chat");
  FUZZ_CHECK(!s.text.empty(), "text");
  check_text(s.text, "text");
  FUZZ_CHECK(utf8_length(s.text) <= limits.max_text_chars, "text too long");
  // The text reaches every recipient inside a msg frame.
  Message m;
  m.chat = s.chat.value_or(ChatId(1));
  m.seq = 1;
  m.sender = UserId(1);
  m.sender_device = DeviceId(1);
  m.client_id = s.id;
  m.text = s.text;
  std::string frame = message_frame(0, m);
  json::error_code ec;
  json::value v = json::parse(frame, ec);
  FUZZ_CHECK(!ec, "msg frame is not valid UTF-8 JSON: " + frame);
  FUZZ_CHECK(v.at("text").as_string() == s.text, frame);
  FUZZ_CHECK(v.at("id").as_string() == s.id, frame);
}

void check_frame(const ClientFrame& frame, const Limits& limits) {
  std::visit(
      [&](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, AuthFrame>) {
          check_text(f.token, "token");
        } else if constexpr (std::is_same_v<F, SendFrame>) {
          check_send(f, limits);
        } else if constexpr (std::is_same_v<F, SyncFrame>) {
          if (f.after) FUZZ_CHECK(*f.after >= 0, "after");
          FUZZ_CHECK(f.limit >= 0 && f.limit <= limits.max_sync_page, "limit");
        } else if constexpr (std::is_same_v<F, ReceivedFrame>) {
          FUZZ_CHECK(f.pts >= 0 && f.seq >= 0, "received");
          if (f.chat) FUZZ_CHECK(f.chat->value > 0, "received chat");
        } else if constexpr (std::is_same_v<F, ReceiptFrame>) {
          FUZZ_CHECK(f.chat.value > 0 && f.seq >= 0, "receipt");
        } else if constexpr (std::is_same_v<F, TypingFrame> || std::is_same_v<F, ChatInfoFrame>) {
          FUZZ_CHECK(f.chat.value > 0, "chat");
        } else if constexpr (std::is_same_v<F, ReceiptsFrame>) {
          FUZZ_CHECK(f.chat.value > 0 && f.seq > 0, "receipts");
        } else if constexpr (std::is_same_v<F, ViewsFrame>) {
          FUZZ_CHECK(f.chat.value > 0, "views chat");
          check_ids(f.seqs, limits.max_view_seqs, "seqs");
        } else if constexpr (std::is_same_v<F, PresenceFrame>) {
          check_ids(f.users, limits.max_presence_users, "presence users");
        } else if constexpr (std::is_same_v<F, CreateFrame>) {
          check_request_id(f.id, limits);
          FUZZ_CHECK(f.kind == ChatKind::kGroup || f.kind == ChatKind::kRoom, "kind");
          FUZZ_CHECK(!f.settings.is_public || f.kind == ChatKind::kRoom, "only rooms are public");
          check_text(f.settings.name, "name");
          check_text(f.settings.avatar, "avatar");
          check_ids(f.members, limits.max_frame_users, "members");
        } else if constexpr (std::is_same_v<F, ChangeFrame>) {
          check_request_id(f.id, limits);
          check_text(f.value, "value");
          check_ids(f.users, limits.max_frame_users, "users");
          if (f.op == ChangeOp::kJoin) {
            FUZZ_CHECK((f.chat.value > 0) != !f.value.empty(), "join: exactly one of chat and invite");
            FUZZ_CHECK(f.value.size() <= 64, "invite");
          } else {
            FUZZ_CHECK(f.chat.value > 0, "change chat");
          }
        } else if constexpr (std::is_same_v<F, DeclineFrame>) {
          check_request_id(f.id, limits);
          FUZZ_CHECK(!f.code.empty() && f.code.size() <= 64, "invite");
          check_text(f.code, "invite");
        }
      },
      frame);
}

void run(std::string_view text, const Limits& limits) {
  auto parsed = parse_client_frame(text, limits);
  if (auto* e = std::get_if<FrameError>(&parsed)) check_error(*e, limits);
  else check_frame(std::get<ClientFrame>(parsed), limits);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static const Limits defaults;
  run(text, defaults);
  // Tight limits put every bound within reach of short inputs.
  static const Limits tight{.max_text_chars = 4,
                            .max_client_id = 4,
                            .max_depth = 2,
                            .max_sync_page = 3,
                            .max_presence_users = 2,
                            .max_frame_users = 2,
                            .max_view_seqs = 2};
  run(text, tight);
  return 0;
}
