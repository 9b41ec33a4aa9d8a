// Messaging: send (commit, then announce), receipts, device positions, sync reads, and
// groups and rooms (create, change, info, receipt detail, view counts, room reads).
// The store assigns order and applies the membership rules; the bus announces each
// committed update to the users it belongs to, and a room's messages to its channel.
// Thread-safe; callbacks run on the store's writer thread.
#pragma once

#include <functional>
#include <vector>

#include "bus/bus.h"
#include "core/clock.h"
#include "store/store.h"

namespace parley::chat {

struct Options {
  std::size_t max_group_members = 256;
  std::size_t max_room_members = 100000;
  TimeMs invite_ttl_ms = 72 * 3'600'000;  // how long a group invite can be accepted
  TimeMs edit_window_ms = 15 * 60'000;       // a sender may edit a message this long
  TimeMs delete_window_ms = 48 * 3'600'000;  // and delete it for everyone this long (admins: always)
  TimeMs expiry_interval_ms = 1000;  // how often disappearing and delivered temporary messages are swept
  TimeMs temporary_ttl_ms = 0;       // a temporary chat's message goes after this long at the latest (0: never)
  bool operator==(const Options&) const = default;
};

class ChatService {
 public:
  ChatService(Store& store, Bus& bus, const Clock& clock, Random& random, Options options = {})
      : store_(store), bus_(bus), clock_(clock), random_(random), options_(options) {}

  // Told of what was committed, after it was announced, on the store's writer thread (push
  // notifications): must not block. Set before traffic starts.
  struct Observer {
    std::function<void(const AppendResult&)> message;
    std::function<void(const GroupInvite&)> invite;
  };
  void observe(Observer observer) { observer_ = std::move(observer); }

  // Commits the message and announces it to every member's devices (a room: once, on
  // its channel). `done` gets the committed message (or the original one for a resent
  // client id).
  void send(NewMessage message, std::function<void(Result<AppendResult>)> done);
  // Edits, deletes, reacts to, stars or hides a message (model/message_actions.h), then
  // tells every member's devices (a room: its channel; personal actions: the actor's).
  void act(MessageAction action, std::function<void(Result<ActionResult>)> done);
  // Removes the messages whose time came (Store::expire_messages, a bounded step) and tells
  // every member's devices; `done` gets how many went.
  void expire_messages(std::function<void(Result<std::size_t>)> done);
  Result<std::vector<Message>> starred(UserId user, int limit, int offset) { return store_.starred(user, limit, offset); }
  // Full-text search (docs/search.md): `query` cut into terms as the index cuts text.
  Result<std::vector<SearchHit>> search(UserId user, std::string_view query, std::optional<ChatId> chat, int limit,
                                        int offset);
  // Cumulative delivered / read report of `member` in `chat` (0 = no change).
  void report(UserId member, ChatId chat, Seq delivered, Seq read, std::function<void(Status)> done);
  // The device has everything up to pts.
  void received(DeviceId device, Pts pts, std::function<void(Status)> done = {});

  // Groups and rooms. `done` gets what was committed; its system message (if any) has
  // already been announced. Adding someone (at creation or with kAdd) follows their "who
  // can add me" setting: whom it refuses is sent an invite instead (invites.cc), and
  // ChangeResult::invited lists them. A kJoin naming a group invite's code accepts it.
  void create(NewChat chat, std::function<void(Result<ChangeResult>)> done);
  void change(ChatChange change, std::function<void(Result<ChangeResult>)> done);
  // True for the changes change() reads the store for before it writes (invites, who may
  // be added, a private room): callers keep those off threads that must not wait.
  static bool reads_first(ChangeOp op) { return op == ChangeOp::kJoin || op == ChangeOp::kAdd; }
  // Turns down `user`'s invite with this code; kNotFound when they have no such invite.
  void decline(UserId user, const std::string& code, std::function<void(Result<ChatId>)> done);
  // `user`'s pending invites.
  Result<std::vector<GroupInvite>> invites(UserId user) { return store_.invites_for(user, clock_.now_ms()); }
  // A chat's settings and members. Members of direct chats and groups carry their phone
  // when the viewer may see it (phones_visible); a room's (its admins) never do.
  Result<ChatInfo> info(ChatId chat, UserId viewer);
  // Per-member state of message `seq` of a group (or direct chat) the viewer is in, with the
  // times it reached each member where they are known (model/receipt_times.h).
  Result<std::vector<MemberInfo>> receipts(ChatId chat, UserId viewer, Seq seq);
  Result<std::vector<std::pair<Seq, std::int64_t>>> views(ChatId room, UserId viewer, const std::vector<Seq>& seqs) {
    return store_.view_counts(room, viewer, seqs);
  }
  Result<std::vector<RoomPosition>> rooms(UserId user, DeviceId device) { return store_.user_rooms(user, device); }
  Result<std::vector<Message>> room_messages(ChatId room, UserId member, Seq after, int limit) {
    return store_.read_room(room, member, after, limit);
  }
  void room_positions(DeviceId device, std::vector<std::pair<ChatId, Seq>> positions,
                      std::function<void(Status)> done = {});

  Result<std::vector<Update>> updates_after(UserId user, Pts after, int limit) {
    return store_.read_updates(user, after, limit);
  }
  Result<Pts> log_head(UserId user) { return store_.log_head(user); }
  Result<Pts> log_tail(UserId user) { return store_.log_tail(user); }
  // The user's chats; a direct chat's peer_phone only where the user may see it. `former`:
  // also the groups they left or were removed from (Store::former_chats).
  Result<std::vector<ChatSummary>> chats(UserId user, bool former = false);
  // `viewer` found these users by their phone numbers: from now on they see them.
  void found_by_phone(UserId viewer, std::vector<UserId> found, std::function<void(Status)> done) {
    store_.remember_phones(viewer, std::move(found), std::move(done));
  }
  Result<std::vector<Message>> history(ChatId chat, UserId member, Seq before, int limit) {
    return store_.read_history(chat, member, before, limit);
  }
  const Options& options() const { return options_; }

 private:
  Observer observer_;
  // One kUpdate event per delivery (its user and pts set); `fill` adds the frame and the rest.
  void announce(const std::vector<Delivery>& deliveries, const std::function<void(BusEvent&)>& fill);
  // One frame (without pts) to each delivery's user, its pts put in at `pts_at` per event.
  void announce_shared(const std::vector<Delivery>& deliveries, std::string frame, std::size_t pts_at);
  // A frame on a room's channel: a new post (`seq`) or, with seq 0, a change of one.
  void publish_room(ChatId room, Seq seq, std::string frame);
  // A committed message: to the members' logs, or to the room's channel.
  void announce_message(const AppendResult& r);
  void announce_changed(const ChangeResult& r);
  void announce_action(const ActionResult& r);

  // A private room does not exist for whoever is not in it (protocol §5.6).
  static bool hidden(const ChatInfo& info) {
    return info.kind == ChatKind::kRoom && !info.member && !info.settings.is_public;
  }
  // Whom `actor` may add (their setting allows it), whom to invite instead, and ids that
  // do not exist.
  struct Consent {
    std::vector<UserId> add, invite, unknown;
  };
  Result<Consent> consent(UserId actor, const std::vector<UserId>& users);
  // Stores invites to `chat` from `inviter` for consent.invite, tells their devices, fills
  // r.invited, then calls done.
  void send_invites(ChatId chat, const std::string& name, UserId inviter, const Consent& consent, ChangeResult r,
                    std::function<void(Result<ChangeResult>)> done);
  void accept(ChatChange change, GroupInvite invite, std::function<void(Result<ChangeResult>)> done);
  // The invite frame to every live device of its user.
  void tell(const GroupInvite& invite, std::string_view state);

  Store& store_;
  Bus& bus_;
  const Clock& clock_;
  Random& random_;
  const Options options_;
};

}  // namespace parley::chat
