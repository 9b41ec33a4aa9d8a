// Edit, delete (for everyone or for me), react, star: what a member does to a message already
// sent, written once for every store. A store runs `act` inside its write transaction through
// an ActionTx; who may do what, to which message and until when is decided here.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "model/types.h"

namespace parley::message_actions {

// Which messages of a chat a user may read: those with after < seq <= until.
struct Reader {
  Seq after = 0;
  Seq until = INT64_MAX;
  bool member = false;  // a member now (false: a former member)
  Role role = Role::kMember;
};

class ActionTx {
 public:
  virtual ~ActionTx() = default;
  // ---- facts
  virtual std::optional<ChatKind> kind(ChatId chat) = 0;
  virtual std::optional<Reader> reader(ChatId chat, UserId user) = 0;
  // The message as it is, held for the rest of the transaction.
  virtual std::optional<Message> message(ChatId chat, Seq seq) = 0;
  // The members who may read message `seq` (they joined before it), sorted; not asked for rooms.
  virtual std::vector<UserId> readers(ChatId chat, Seq seq) = 0;
  virtual TimeMs now() = 0;
  // Everyone's reaction to the message: (emoji, user), oldest first.
  virtual std::vector<std::pair<std::string, UserId>> reactions(ChatId chat, Seq seq) = 0;

  // ---- writes
  virtual void set_text(const Message& m, const std::string& text, TimeMs at) = 0;
  // Text, media and reactions gone (and out of the search index); `by` (kExpired) kept.
  virtual void remove_content(const Message& m, std::int64_t by) = 0;
  // `user`'s reaction is now `emoji` ("" none); false when it already was.
  virtual bool set_reaction(ChatId chat, Seq seq, UserId user, const std::string& emoji) = 0;
  virtual void set_reactions_summary(ChatId chat, Seq seq, const std::string& json) = 0;
  // Star, unstar or hide for `user`; false when it already was so.
  virtual bool mark(UserId user, ChatId chat, Seq seq, ActionOp op) = 0;
  // A log entry of `kind` for each user (kMarked: with the flags), in order.
  virtual std::vector<Delivery> log(const std::vector<UserId>& users, ChatId chat, Seq seq, UpdateKind kind,
                                    bool starred, bool hidden) = 0;
};

// One action, checked against the message and the actor's place in the chat.
Result<ActionResult> act(ActionTx& tx, const MessageAction& a);

// A disappearing message's time came, or every device of a temporary chat has it: its
// content goes as a delete for everyone does (deleted = kExpired) and every member is told.
// Unchanged (changed = false) when it is gone or deleted already.
Result<ActionResult> expire(ActionTx& tx, ChatId chat, Seq seq);

// The message `user` may forward or reply to: one they may read, not deleted or expired, not
// a system message. kNoSuchMessage otherwise, the same as for a seq that does not exist.
Result<Message> quotable(std::optional<Reader> reader, std::optional<Message> m);

// The JSON a message keeps of its reactions: [{"emoji","count","users"}] by first use; rooms
// count only (no "users": a room has tens of thousands of readers).
std::string reactions_json(const std::vector<std::pair<std::string, UserId>>& rows, bool with_users);

// An emoji a reaction may be: 1 to 10 code points of valid UTF-8, at most 32 bytes, with no
// letters, digits, punctuation or spaces of ASCII and no control characters.
bool is_reaction(std::string_view emoji);

}  // namespace parley::message_actions
