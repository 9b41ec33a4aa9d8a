// Appending a message, and creating and changing a group or room, written once for every store. A store runs these
// inside its write transaction and supplies a ChatTx: how it reads the facts and moves the
// rows. The rules (model/membership.h), the order of the writes, the system message's seq,
// who receives it and the room membership entries are decided here, so both stores do
// exactly the same by construction.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "model/message_actions.h"
#include "model/types.h"

namespace parley::chat_writes {

// A chat's row as the transaction sees it now.
struct ChatRow {
  ChatKind kind = ChatKind::kGroup;
  ChatSettings settings;
  std::int64_t member_count = 0;
};

// What a store does for these algorithms, inside one write transaction.
class ChatTx {
 public:
  virtual ~ChatTx() = default;

  // ---- facts
  // The chat a change names: its id, or the room whose invite code it carries.
  virtual Result<ChatId> chat_of(const ChatChange& change) = 0;
  virtual std::optional<ChatRow> chat(ChatId chat) = 0;
  // The message `sender` sent with `client_id` before (a resent request).
  virtual std::optional<Message> sent_before(UserId sender, const std::string& client_id) = 0;
  // Those of `users` that exist.
  virtual std::vector<UserId> existing(const std::vector<UserId>& users) = 0;
  // The roles of those of `users` who are members.
  virtual std::map<std::int64_t, Role> roles(ChatId chat, const std::vector<UserId>& users) = 0;
  virtual std::int64_t admin_count(ChatId chat) = 0;
  // The member longest in the chat besides `actor` (the next admin if the last one leaves).
  virtual std::optional<UserId> successor(ChatId chat, UserId actor) = 0;
  virtual std::vector<UserId> members(ChatId chat) = 0;  // sorted
  virtual Seq last_seq(ChatId chat) = 0;
  // Everyone's lowest delivered and read positions ({INT64_MAX, INT64_MAX}: no members).
  virtual std::pair<Seq, Seq> receipt_minimum(ChatId chat) = 0;
  virtual TimeMs now() = 0;
  // The media `user` may use under `id` (uploaded it, or may read it); nullopt: none.
  virtual std::optional<MediaRecord> media(UserId user, const std::string& id) = 0;

  // ---- writes
  virtual ChatId insert_chat(const NewChat& chat, std::int64_t member_count) = 0;
  // Members leave at `left_at` (their former_members row says what they may still read).
  virtual void remove_members(ChatId chat, const std::vector<UserId>& users, Seq left_at) = 0;
  // Members join after `joined_at`, as plain members.
  virtual void add_members(ChatId chat, const std::vector<UserId>& users, Seq joined_at) = 0;
  virtual void set_role(ChatId chat, UserId user, Role role) = 0;
  // `rights_changed`: who may post or add may differ now (false for a room join only).
  virtual void update_chat(ChatId chat, const ChatSettings& settings, std::int64_t member_count,
                           bool rights_changed) = 0;
  // The system message `event` by `by`, at the chat's next seq, with a log entry for each of
  // `recipients` (sorted; none in rooms). Nullopt: the client id was used before.
  virtual std::optional<AppendResult> append_event(ChatId chat, UserId by, DeviceId device,
                                                   const std::string& client_id, const std::string& event,
                                                   const std::vector<UserId>& recipients) = 0;
  // Members left a group, so everyone's minimum positions may have risen from `before`:
  // tell the senders of the messages now delivered to or read by everyone (into `m`).
  virtual void removal_reached(ChatId chat, std::pair<Seq, Seq> before, AppendResult& m) = 0;
  // A membership entry (a room joined or left) in `user`'s log; returns its pts.
  virtual Pts log_membership(UserId user, ChatId chat, Seq seq, bool member, TimeMs at) = 0;
  // The chat's avatar is now `now` (""; none) instead of `before`: its members may read it.
  virtual void avatar_changed(ChatId chat, const std::string& before, const std::string& now) = 0;
};

// When a message goes (Message::expires_at), decided at append from the chat's mode:
// `after_ms` past its ts (0: never); `transient`: sent while the chat was temporary, so it
// goes once every member's devices have it.
struct Expiry {
  TimeMs after_ms = 0;
  bool transient = false;
};

// What a store does to append one message, inside one write transaction.
class AppendTx {
 public:
  virtual ~AppendTx() = default;
  // The chat a message goes to: its `chat`, or the direct chat with `to` (created on first
  // use; kNoSuchUser when `to` does not exist).
  virtual Result<ChatId> chat_of(const NewMessage& m) = 0;
  // The chat as this message must see it (nullptr: none); valid until the next call. Not a
  // copy: this runs for every message.
  virtual const ChatRow* chat(ChatId chat) = 0;
  // Asked after chat(), for the same chat.
  virtual std::optional<Role> role(ChatId chat, UserId user) = 0;
  virtual const std::vector<UserId>& members(ChatId chat) = 0;  // sorted; not asked for rooms
  // The media `user` may attach under `id` (uploaded it, or may read it: forwarding).
  virtual std::optional<MediaRecord> media(UserId user, const std::string& id) = 0;
  // The message at the chat's next seq, with a log entry for each of `recipients` (none in
  // rooms). Nullopt, and no seq used: (sender, client_id) was committed before. `media`:
  // its media object ("" for none); the message then refers to m.media_id (who may read it).
  // `forwarded`: the hops the message took (0: not forwarded).
  virtual std::optional<AppendResult> insert(ChatId chat, const NewMessage& m, const std::vector<UserId>& recipients,
                                             const std::string& media, std::int64_t forwarded, Expiry expiry) = 0;
  virtual std::optional<Message> sent_before(UserId sender, const std::string& client_id) = 0;
  // Replies and forwards: which messages of `chat` `user` may read, and one of them.
  virtual std::optional<message_actions::Reader> reader(ChatId chat, UserId user) = 0;
  virtual std::optional<Message> message(ChatId chat, Seq seq) = 0;
  // One-to-one chats (docs/protocol.md §4.8): whether `sender` blocks `peer`, and whether
  // `peer` blocks `sender`.
  virtual std::pair<bool, bool> blocks(UserId sender, UserId peer) = 0;
  // Message `seq` is hidden from `user` (a message from a user they block).
  virtual void hide(ChatId chat, Seq seq, UserId user) = 0;
  // Groups: sending means having seen the chat; the sender's delivered and read positions
  // move to `seq`, and if everyone's minimum moved, the senders it now covers are told (in r).
  virtual void sender_saw(ChatId chat, UserId sender, Seq seq, const std::vector<UserId>& members, AppendResult& r) = 0;
};

// One message: the sender's right to post checked on the chat as the transaction sees it,
// the message logged for every member (rooms: for nobody; their devices read the room), a
// resend answered with the original. A reply names a message of the same chat the sender may
// read; a forward copies the text and media of one they may read, one hop further.
Result<AppendResult> append(AppendTx& tx, const NewMessage& m);

// A new group or room: its creator (admin) and the existing users of `chat.members`, the
// `created` system message, and in a room a membership entry for each first member.
Result<ChangeResult> create(ChatTx& tx, const NewChat& chat);

// One change, checked against the chat's rules: members moved, roles and settings set, the
// system message written (groups: to everyone who was or is a member), room membership
// entries for those who joined or left. A resent change returns the original.
Result<ChangeResult> change(ChatTx& tx, const ChatChange& change);

}  // namespace parley::chat_writes
