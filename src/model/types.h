// Records the Store persists and the domain reads. Plain data, no behaviour.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/ids.h"

namespace parley {

struct UserRecord {
  UserId id;
  std::string phone;  // E.164
  TimeMs created_at = 0;
};

struct DeviceRecord {
  DeviceId id;
  UserId user;
  std::string name;
  TimeMs created_at = 0;
  TimeMs last_active_at = 0;
  Pts position = 0;  // acknowledged position in the user's update log
  bool revoked = false;
};

struct NewDevice {
  UserId user;
  std::string name;
  std::string token_hash;  // SHA-256 of the token; the token itself is never stored
};

struct AuthCode {
  std::string phone;
  std::string code_hash;
  TimeMs expires_at = 0;
  int attempts = 0;
};

// A message as committed: the chat's sequence number makes its place in the chat.
// A system message (a membership or settings change, written by the server) has an
// empty text and its event in `system`, a JSON object (docs/protocol.md, system messages).
struct Message {
  ChatId chat;
  Seq seq = 0;
  UserId sender;
  DeviceId sender_device;
  std::string client_id;
  TimeMs ts = 0;
  std::string text;
  std::string system;
  std::string media{};  // a photo, video, voice note or file: its media object (JSON); "" for none
  // What happened to it since (docs/protocol.md, "Message actions"):
  TimeMs edited_at{};      // last edit; 0: never edited
  std::int64_t deleted{};  // 0: not deleted; a user id: deleted for everyone by them; -1: expired
  Seq reply_to{};          // the message of the same chat it answers; 0: none
  std::int64_t forwarded{};  // how many times it was forwarded to get here; 0: not forwarded
  std::string reactions{};   // JSON array [{"emoji","count","users"}] kept by the store; "" for none
  TimeMs expires_at{};       // disappearing messages: when it goes; 0: never
  bool starred{};            // the reader starred it (history and the starred list only)
};

inline constexpr std::int64_t kExpired = -1;  // Message::deleted of a message that expired

// A message to commit. Exactly one of `to` (one-to-one, chat created on first use) and
// `chat` is set.
struct NewMessage {
  UserId sender;
  DeviceId sender_device;
  std::string client_id;
  std::optional<UserId> to;
  std::optional<ChatId> chat;
  std::string text;  // with media: the caption ("" for none)
  std::string media_id{};    // media to attach (the sender uploaded it or may read it); "" for none
  std::string media_name{};  // the file name to show; "" keeps the one given at upload
  Seq reply_to{};            // a message of the same chat it answers; 0: none
  std::optional<std::pair<ChatId, Seq>> forward{};  // forward this message (text and media copied)
  std::vector<UserId> mentions{};  // users the text mentions (not stored: push notifications only)
};


// A stored photo, video, voice note or file (docs/media.md). Shared by everyone who
// uploaded the same bytes; who may read it is the store's media_refs and uploads.
struct MediaRecord {
  std::string id;    // SHA-256 of the stored bytes, lowercase hex
  std::string kind;  // "image", "video", "voice" or "file"
  std::string mime;  // read from the bytes (libmagic)
  std::int64_t size = 0;
  int width = 0, height = 0;       // images and videos; 0: unknown
  std::int64_t duration_ms = 0;    // videos and voice notes; 0: unknown
  std::string thumbnail;           // base64 JPEG of at most 64 px; "" for none
  std::string waveform;            // voice notes: base64 of 64 loudness bytes
  std::string preview;             // the id of the 320 px preview object; "" for none
  std::string name{};              // the file name the reading user gave it at upload ("" for none)
  TimeMs uploaded_at = 0;          // the last upload of these bytes (the sweep's grace runs from it)
};

enum class ChatKind { kDirect = 1, kGroup = 2, kRoom = 3 };
enum class Role { kMember = 0, kAdmin = 1 };

// What a chat allows. Groups default to everyone posting and only admins adding; rooms
// to only admins posting.
struct ChatSettings {
  std::string name;
  std::string avatar;  // a media id; empty = none
  bool members_can_add = false;
  bool everyone_posts = true;
  // Rooms: anyone may find and join it by its id (public), or only with its invite code
  // (private, the default). Chosen at creation.
  bool is_public = false;
  // Direct chats and groups (change op kMode): messages sent while `temporary` go once every
  // member's devices have them; while `disappear_ms` > 0 they go that long after they were sent.
  bool temporary = false;
  TimeMs disappear_ms = 0;
};

// A group or room to create, with its first system message ("created"). The creator is
// its first admin. `client_id` makes a resent create return the original chat.
struct NewChat {
  UserId creator;
  DeviceId device;
  std::string client_id;
  ChatKind kind = ChatKind::kGroup;
  ChatSettings settings;
  std::vector<UserId> members;  // besides the creator
  std::string invite;           // rooms: the invite code (random, chosen by the caller)
  std::size_t max_members = 256;
};

enum class ChangeOp { kAdd, kRemove, kPromote, kDemote, kLeave, kJoin, kRename, kAvatar, kSettings, kMode };

// One change to a group or room by `actor`, checked against the chat's rules
// (store/membership.h) and committed with its system message in one transaction.
struct ChatChange {
  UserId actor;
  DeviceId device;
  std::string client_id;  // the system message's id: a resent change is a duplicate
  ChatId chat;            // kJoin by invite code: unset, `value` holds the code
  ChangeOp op = ChangeOp::kAdd;
  std::vector<UserId> users;  // kAdd, kRemove, kPromote, kDemote
  std::string value;          // kRename: the name; kAvatar: the media id; kJoin: an invite code
  std::optional<bool> members_can_add, everyone_posts;  // kSettings
  std::optional<bool> temporary;                        // kMode
  std::optional<TimeMs> disappear_ms;                   // kMode
  std::size_t max_group_members = 256;  // the limit is the chat's kind's
  std::size_t max_room_members = 100000;
};

struct MemberInfo {
  UserId user;
  Role role = Role::kMember;
  Seq joined = 0;     // the member sees messages after this seq
  Seq delivered = 0;  // cumulative receipt positions
  Seq read = 0;
  std::string phone{};  // filled by ChatService, not the stores
  // A `receipts` answer only (ChatService::receipts): when the member's delivered / read
  // position first reached the message asked about; 0 when not known.
  TimeMs delivered_at = 0;
  TimeMs read_at = 0;
};

// What a store knows of when one member's positions first reached a message (Store::receipt_times):
// the first recorded raise of their delivered position to it or past it, of their read position,
// and (groups) their first own message at or after it, which moved both positions. 0: none found.
struct ReceiptTimes {
  UserId user;
  TimeMs delivered = 0;
  TimeMs read = 0;
  TimeMs sent = 0;
};

struct ChatInfo {
  ChatId chat;
  ChatKind kind = ChatKind::kDirect;
  ChatSettings settings;
  UserId created_by;
  TimeMs created_at = 0;
  Seq last_seq = 0;
  std::int64_t member_count = 0;
  std::string invite;  // rooms; filled for admins only
  bool member = false;  // the viewer is a member (my_role means something)
  Role my_role = Role::kMember;
  std::vector<MemberInfo> members;  // direct and groups: everyone; rooms: the admins
};

// One user's update-log entry created by a commit.
struct Delivery {
  UserId user;
  Pts pts = 0;
};

struct AppendResult {
  Message message;
  bool duplicate = false;          // the client id was seen before: message is the original
  std::vector<Delivery> deliveries;  // empty when duplicate, and for rooms (no per-member rows)
  ChatKind kind = ChatKind::kDirect;
  // Groups: "everyone has delivered/read up to" moved (the sender's own positions moved
  // to the new message); entries for the senders of the messages now covered.
  std::vector<Delivery> all_deliveries;
  Seq all_delivered = 0, all_read = 0;
  std::vector<UserId> mentions;  // the members (not the sender) the message mentions
};

// What a member does to a message already sent (docs/protocol.md, "Message actions").
enum class ActionOp { kEdit, kDeleteForEveryone, kDeleteForMe, kReact, kStar, kUnstar };

struct MessageAction {
  UserId actor;
  DeviceId device;
  ChatId chat;
  Seq seq = 0;
  ActionOp op = ActionOp::kEdit;
  std::string value;  // kEdit: the new text; kReact: the emoji ("" removes the reaction)
  TimeMs edit_window_ms = 15 * 60 * 1000;         // chat::Options
  TimeMs delete_window_ms = 48 * 3600 * 1000;     // delete for everyone, by the sender
};

struct ActionResult {
  Message message;     // as it is now
  ChatKind kind = ChatKind::kDirect;
  bool changed = false;
  bool personal = false;  // kDeleteForMe, kStar, kUnstar: only the actor's devices hear of it
  bool hidden = false;    // kDeleteForMe (message.starred says kStar or kUnstar)
  // A log entry per member told (personal: the actor; rooms: none, the room's channel carries it).
  std::vector<Delivery> deliveries;
};

// A full-text search over the chats a user may read (Store::search, docs/search.md).
struct SearchQuery {
  UserId user;
  std::vector<std::string> terms;  // search_text::terms: every one must match (the last as a prefix too)
  std::optional<ChatId> chat;      // only this chat
  int limit = 20;
  int offset = 0;
};

struct SearchHit {
  Message message;
  std::string snippet;  // from the index: \x02 and \x03 around each match
};

// A create or change of a group or room, as committed.
struct ChangeResult {
  ChatId chat;
  ChatKind kind = ChatKind::kGroup;
  bool changed = false;  // false: nothing to do (already so); no message
  // The system message, when the change has one (everything in groups; in rooms all but
  // joins, leaves and removals, which would flood tens of thousands of members).
  std::optional<AppendResult> message;
  // Rooms: a membership update in the log of each user who joined or left.
  std::vector<Delivery> membership;
  bool member = false;  // for `membership`: joined (true) or left (false)
  Seq seq = 0;          // the room's last seq at the change
  // Users asked to add who were sent an invite instead (their "who can add me" setting),
  // and ids that do not exist (so an answer never tells them apart). Filled by ChatService.
  std::vector<UserId> invited{};
};

// Cumulative receipt positions of one member in one chat.
struct ReceiptState {
  ChatId chat;
  UserId member;
  Seq delivered = 0;
  Seq read = 0;
};

struct ReceiptResult {
  ReceiptState state;
  bool changed = false;
  ChatKind kind = ChatKind::kDirect;
  // Direct chats: update-log entries for the other member. Groups: none per member (the
  // detail is read on request); when everyone's minimum moved, `all_deliveries` go to
  // the senders of the messages it now covers. Rooms: none (view counts on request).
  std::vector<Delivery> deliveries;
  std::vector<Delivery> all_deliveries;
  Seq all_delivered = 0, all_read = 0;
};

// kMessage, kReceipt: as named. kReceiptAll: in a group, every member has delivered / read
// up to these seqs (receipt.member is unset). kMembership: the user joined or left a room.
// kChanged: a message was edited, deleted, reacted to or expired (the entry reads it as it is
// now). kMarked: the user starred, unstarred or hid (deleted for me) a message: member =
// starred, delivered = hidden.
enum class UpdateKind { kMessage = 1, kReceipt = 2, kReceiptAll = 3, kMembership = 4, kChanged = 5, kMarked = 6 };

// The numbers both stores keep for a kind (they are on disk: never renumber an enum above).
constexpr std::int64_t stored(UpdateKind kind) { return static_cast<std::int64_t>(kind); }
constexpr std::int64_t stored(ChatKind kind) { return static_cast<std::int64_t>(kind); }

struct MembershipUpdate {
  ChatId chat;
  bool member = false;
  Seq seq = 0;  // the room's last seq then: a device's position in it starts there
};

// An entry of a user's update log, joined with what it refers to.
struct Update {
  Pts pts = 0;
  UpdateKind kind = UpdateKind::kMessage;
  Message message;       // kMessage
  ReceiptState receipt;  // kReceipt, kReceiptAll
  MembershipUpdate membership;  // kMembership
  bool starred = false, hidden = false;  // kMarked (message.chat and message.seq say which)
};

// A room the user belongs to, with this device's position in its log.
struct RoomPosition {
  ChatId chat;
  Seq last_seq = 0;
  Seq position = 0;
};

// One step of retention (Store::expire).
struct ExpireStep {
  std::int64_t removed = 0;  // rows deleted by this step
  bool finished = true;      // nothing is left to expire: the pass is over
};

struct ChatSummary {
  ChatId chat;
  ChatKind kind = ChatKind::kDirect;
  std::string name;  // groups and rooms
  std::int64_t member_count = 0;
  UserId peer;       // the other member of a direct chat
  std::string peer_phone;
  Seq last_seq = 0;
  TimeMs last_ts = 0;
  std::string last_text;
  UserId last_sender;
  Seq my_read = 0;
  Seq peer_delivered = 0;
  Seq peer_read = 0;
  std::string last_media;   // the last message's media object (JSON), "" for none
  std::string avatar;       // groups and rooms: the chat's avatar (a media id)
  std::string peer_avatar;  // direct chats: the other member's avatar
  bool temporary = false;    // the chat's mode (ChatSettings)
  TimeMs disappear_ms = 0;
  // The user's own settings of the chat (model/people.h ChatPrefs).
  TimeMs muted_until = 0;
  bool archived = false;
  bool pinned = false;
  // Direct chats, filled by the domain from the profile rules: the peer's name as the user
  // may see it, and the name they saved the peer under.
  std::string peer_name;
  std::string peer_contact_name;
  // Groups: everyone's lowest delivered and read positions (the `receipt` `all: true` frame's
  // meaning); 0 for other kinds and for former members.
  Seq all_delivered = 0;
  Seq all_read = 0;
  // false: a group the user left or was removed from (Store::former_chats); `left` says which.
  // Such a summary holds only what the user knew at the removal.
  bool member = true;
  bool left = false;
};

// Who may see a user's last seen and online state (docs/protocol.md, privacy).
enum class Visibility { kEveryone = 0, kContacts = 1, kNobody = 2 };

// What the store keeps about a user's presence: the last user activity it was told of
// (0: never) and their privacy settings: who sees their last seen, and who may add them to
// a group (the others send an invite instead).
struct PresenceRecord {
  UserId user;
  TimeMs last_seen = 0;
  Visibility last_seen_visibility = Visibility::kEveryone;
  Visibility group_add = Visibility::kEveryone;
  // Who sees the display name, the about line and the profile photo (docs/protocol.md §4.8).
  Visibility name = Visibility::kEveryone;
  Visibility about = Visibility::kEveryone;
  Visibility photo = Visibility::kEveryone;
};

// A fixed-window counter shared by every node (Store::take_rates): at most `limit` events
// per `window_ms` under `key`; the window starts with its first event.
struct RateLimit {
  std::string key;
  TimeMs window_ms = 0;
  std::int64_t limit = 0;
  std::int64_t cost = 1;  // events this request counts as (contact lookups: the numbers asked)
};

// take_rates' answer: 0 = allowed; otherwise the milliseconds until the first refusing
// limit's window ends, and which one it was.
struct RateVerdict {
  TimeMs wait_ms = 0;
  std::size_t refused = 0;  // index into the limits, when wait_ms > 0
};

// An invitation to join a group, for one user, made when their "who can add me" setting did
// not let `inviter` add them. `code` is what accepting names; it stops working at
// `expires_at`, when it is accepted or declined, or when a newer invite replaces it.
struct GroupInvite {
  ChatId chat;
  UserId user;
  UserId inviter;
  std::string code;
  TimeMs expires_at = 0;
  std::string chat_name{};  // filled when read
};

}  // namespace parley
