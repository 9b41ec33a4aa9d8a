// Wire protocol v1: JSON text frames over WebSocket (docs/protocol.md).
// parse_client_frame validates a client frame completely (types, lengths, UTF-8, depth);
// the serialise functions build server frames. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/ids.h"
#include "model/types.h"

namespace boost::json {
class value;
}  // namespace boost::json

namespace parley::proto {

inline constexpr int kProtocolVersion = 1;

struct Limits {
  std::size_t max_text_chars = 4096;  // code points in a message text
  std::size_t max_client_id = 64;     // bytes in a client message id
  int max_depth = 8;                  // JSON nesting
  int max_sync_page = 1000;
  std::size_t max_presence_users = 1000;  // ids in one presence_subscribe frame
  std::size_t max_frame_users = 256;      // user ids in one create or change frame
  std::size_t max_view_seqs = 100;        // seqs in one views frame
  bool operator==(const Limits&) const = default;
};

struct AuthFrame { std::string token; };
struct SendFrame {
  std::string id;  // client message id
  std::optional<UserId> to;
  std::optional<ChatId> chat;
  std::string text;              // with media: the caption, may be empty
  std::string media_id, media_name;  // a photo, video, voice note or file (docs/media.md)
  bool background = false;  // sent by the app on its own (a resend): not user activity
  Seq reply_to = 0;         // answers this message of the same chat
  std::optional<std::pair<ChatId, Seq>> forward;  // copies this message (no text or media of its own)
  std::vector<UserId> mentions;  // members the text mentions (push notifications get through a mute)
};
// "edit", "delete", "react", "star": an action on a message already sent.
struct ActionFrame {
  std::string id;
  ChatId chat;
  Seq seq = 0;
  ActionOp op = ActionOp::kEdit;
  std::string value;  // edit: the text; react: the emoji ("" removes)
};
struct SyncFrame {
  std::optional<Pts> after;  // absent: the device's stored position
  int limit = 0;             // page size; 0 = server default
};
// The device has everything up to pts in its log, or (chat set) up to seq in a room.
struct ReceivedFrame {
  Pts pts = 0;
  std::optional<ChatId> chat;
  Seq seq = 0;
};
struct ReceiptFrame {                  // "delivered" or "read"
  bool read = false;
  ChatId chat;
  Seq seq = 0;
  bool background = false;  // app-generated: not user activity
};
struct PingFrame {};
// "heartbeat" (active defaults to true) and "active" (always true).
struct HeartbeatFrame { bool active = true; };
struct TypingFrame {
  ChatId chat;
  bool typing = true;
};
struct PresenceFrame {  // presence_subscribe / presence_unsubscribe
  std::vector<UserId> users;
  bool unsubscribe = false;
};
struct PrivacyFrame {  // nothing set: just ask
  std::optional<Visibility> last_seen;
  std::optional<Visibility> group_add;  // who may add me to groups and rooms
  std::optional<Visibility> name, about, photo;  // who sees my profile's fields
  bool sets_anything() const { return last_seen || group_add || name || about || photo; }
};
// "decline": turn down a group invite.
struct DeclineFrame {
  std::string id;
  std::string code;
};
// "create": a group or room.
struct CreateFrame {
  std::string id;
  ChatKind kind = ChatKind::kGroup;
  ChatSettings settings;
  std::vector<UserId> members;
};
// "change" (op: add, remove, promote, demote, leave, rename, avatar, settings), "join"
// (a room, by chat or invite) and "leave" (sugar for change op leave).
struct ChangeFrame {
  std::string id;
  ChatId chat;  // unset for a join by invite
  ChangeOp op = ChangeOp::kAdd;
  std::vector<UserId> users;
  std::string value;  // name, avatar or invite code
  std::optional<bool> members_can_add, everyone_posts;
  std::optional<bool> temporary;       // mode
  std::optional<TimeMs> disappear_ms;  // mode (the frame says seconds)
};
struct ChatInfoFrame { ChatId chat; };
struct ReceiptsFrame {  // per-member detail of one message
  ChatId chat;
  Seq seq = 0;
};
struct ViewsFrame {  // view counts of room messages
  ChatId chat;
  std::vector<Seq> seqs;
};

using ClientFrame = std::variant<AuthFrame, SendFrame, SyncFrame, ReceivedFrame, ReceiptFrame, PingFrame,
                                 HeartbeatFrame, TypingFrame, PresenceFrame, PrivacyFrame, CreateFrame, ChangeFrame,
                                 ChatInfoFrame, ReceiptsFrame, ViewsFrame, DeclineFrame, ActionFrame>;

struct FrameError {
  std::string_view code;  // an err:: code
  std::string message;
  std::string id;  // the client message id, when the frame had a readable one
};

std::variant<ClientFrame, FrameError> parse_client_frame(std::string_view text, const Limits& limits);

// --- server frames ---
struct Hello {
  UserId user;
  DeviceId device;
  Pts head = 0;      // the user's log head now
  Pts position = 0;  // the device's stored position
  TimeMs server_time = 0;
  TimeMs heartbeat_ms = 0;  // presence: how often to heartbeat
  TimeMs online_ms = 0;     // presence: the online threshold
  TimeMs typing_ms = 0;     // typing ends by itself after this long without renewal
};
std::string hello_frame(const Hello& h, const Limits& limits);
std::string update_frame(const Update& u);
// A message; pts 0 (a room's message, outside the user's log) is left out.
std::string message_frame(Pts pts, const Message& m);
// message_frame(pts, m) from message_frame(0, m): one serialisation for all recipients.
// It is message_frame(0, m) with pts_field(pts) put in at kPtsAt.
std::string with_pts(std::string_view frame_without_pts, Pts pts);
inline constexpr std::size_t kPtsAt = sizeof(R"({"type":"msg",)") - 1;
// A message as it is now, after an edit, a delete, a reaction or its expiry: message_frame's
// fields under type "changed". changed_frame(0, m) takes pts_field at kChangedPtsAt.
std::string changed_frame(Pts pts, const Message& m);
inline constexpr std::size_t kChangedPtsAt = sizeof(R"({"type":"changed",)") - 1;
// The user starred, unstarred or hid (deleted for me) a message.
std::string marked_frame(Pts pts, ChatId chat, Seq seq, bool starred, bool hidden);
std::string pts_field(Pts pts);  // "pts":N,
// A group's "everyone has delivered / read up to".
std::string receipt_all_frame(Pts pts, ChatId chat, Seq delivered, Seq read);
std::string membership_frame(Pts pts, const MembershipUpdate& m);
// The answer to create / change / join / leave.
std::string done_frame(std::string_view id, ChatId chat, Seq seq, bool changed, bool duplicate,
                       const std::vector<UserId>& invited = {});
std::string chat_info_frame(const ChatInfo& info);
std::string receipts_frame(ChatId chat, Seq seq, const std::vector<MemberInfo>& members);
std::string views_frame(ChatId chat, const std::vector<std::pair<Seq, std::int64_t>>& counts);
std::string receipt_frame(Pts pts, const ReceiptState& r);
std::string ack_frame(const Message& m, bool duplicate);
std::string synced_frame(Pts pts, Pts head, bool truncated);
std::string error_frame(std::string_view code, std::string_view message, std::string_view id = {},
                        std::optional<std::int64_t> retry_after_ms = std::nullopt);
std::string pong_frame(TimeMs now);
// A presence view; when not visible, only the user id (online and last_seen absent).
std::string presence_frame(UserId user, bool visible, bool online, TimeMs last_seen);
std::string typing_frame(ChatId chat, UserId user, bool typing);
std::string privacy_frame(const PresenceRecord& settings);
// The first string or object key in `v`, at any depth, holding a control character other
// than tab and newline: a message naming the character; else nullopt. HTTP bodies are
// checked with it (frames field by field, as they are read).
std::optional<std::string> control_in(const boost::json::value& v);
// A group invite for this user: `state` "pending" (with the chat's name, the inviter and
// the expiry), or "accepted" / "declined" (chat and code only).
std::string invite_frame(const GroupInvite& invite, std::string_view state);

// Wire names of privacy settings: "everyone", "contacts", "nobody".
std::optional<Visibility> parse_visibility(std::string_view name);
std::string_view visibility_name(Visibility v);

}  // namespace parley::proto
