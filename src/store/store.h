// The Store is the truth: every durable fact of parley goes through this interface.
// Adapters: store/sqlite (embedded, default); store/postgres (cluster mode).
//
// Threading: all methods may be called from any thread. Writes are asynchronous and
// group-committed: `done` runs on the store's writer thread after the transaction that
// holds the write is durably committed (or has failed), in commit order. `done` must not
// block; post work elsewhere. Reads are synchronous and may block briefly.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "core/histogram.h"
#include "core/status.h"
#include "model/people.h"
#include "model/push_jobs.h"
#include "model/types.h"

namespace parley {

template <class T>
using Done = std::function<void(Result<T>)>;
using DoneStatus = std::function<void(Status)>;

// Runs one asynchronous store call (`start` gets its Done) and waits for its result: for
// callers on threads that may wait (the query pool, the push threads; never an io thread or
// the store's writer).
template <class T, class Start>
Result<T> wait_for_result(Start start) {
  std::promise<Result<T>> p;
  auto f = p.get_future();
  start([&p](Result<T> r) { p.set_value(std::move(r)); });
  return f.get();
}
inline Status wait_for_status(const std::function<void(DoneStatus)>& start) {
  std::promise<Status> p;
  auto f = p.get_future();
  start([&p](Status st) { p.set_value(std::move(st)); });
  return f.get();
}

// For adapters: a write whose only result is success or failure reports a Result<bool>;
// this hands its status to the caller's DoneStatus.
inline Done<bool> status_of(DoneStatus done) {
  return [done = std::move(done)](Result<bool> r) { done(r.status()); };
}

// Group-commit counters, for /metrics.
struct WriterStats {
  std::uint64_t batches = 0;          // transactions committed or rolled back
  std::uint64_t tasks = 0;            // writes they carried
  std::uint64_t failed_batches = 0;   // rolled back for good: their writes failed
  std::uint64_t retried_batches = 0;  // rolled back and run again (lost a race)
  // SQLite only (has_wal): the WAL file and the background checkpoints that bound it.
  bool has_wal = false;
  std::uint64_t wal_bytes = 0;
  std::uint64_t wal_checkpoints = 0;  // passive checkpoints
  std::uint64_t wal_restarts = 0;     // WAL restarts past the size limit
  std::uint64_t wal_restarts_foiled = 0;  // restarts a reader still on the old WAL made fail
  std::uint64_t checkpoint_us = 0;    // time spent checkpointing
};

class Store {
 public:
  virtual ~Store() = default;

  // --- users and devices ---
  // Returns the user with this E.164 phone, creating it if needed.
  virtual void upsert_user(std::string phone, Done<UserRecord> done) = 0;
  // New device; its position starts at the user's current log head (no old history). Its
  // name is made distinct among the user's devices still signed in (model/device_names.h).
  virtual void create_device(NewDevice device, Done<DeviceRecord> done) = 0;
  virtual void revoke_device(UserId user, DeviceId device, DoneStatus done) = 0;
  // Stores max(position, pts) as the device's acknowledged position.
  virtual void set_device_position(DeviceId device, Pts pts, DoneStatus done) = 0;

  virtual Result<UserRecord> find_user(UserId id) = 0;
  virtual Result<UserRecord> find_user_by_phone(const std::string& phone) = 0;
  // Unrevoked device whose token hashes to `token_hash`; kUnauthorized otherwise.
  virtual Result<DeviceRecord> find_device_by_token(const std::string& token_hash) = 0;
  virtual Result<std::vector<DeviceRecord>> list_devices(UserId user) = 0;

  // --- sign-in codes ---
  virtual void put_auth_code(AuthCode code, DoneStatus done) = 0;
  // Increments the attempt counter and returns the code as it was before the attempt.
  virtual void take_auth_attempt(std::string phone, Done<AuthCode> done) = 0;
  virtual void delete_auth_code(std::string phone, DoneStatus done) = 0;

  // --- messages and receipts ---
  // Assigns the chat's next seq and the recipients' next pts, commits, reports.
  // A (sender, client_id) seen before yields the original message with duplicate = true.
  // Groups: one log entry per member, and the sender's receipt positions move to the new
  // message. Rooms: one row, no log entries (devices read the room by position); only
  // those the room's settings allow may post (kForbidden).
  virtual void append_message(NewMessage message, Done<AppendResult> done) = 0;
  // Raises member's cumulative delivered/read positions (never lowers; read implies
  // delivered). When anything changed: a direct chat logs a receipt update for the other
  // member; a group logs kReceiptAll for the senders of the messages everyone has now
  // reached; a room logs nothing (view counts are read on request).
  virtual void update_receipt(ChatId chat, UserId member, Seq delivered, Seq read,
                              Done<ReceiptResult> done) = 0;

  // Update-log entries of `user` with pts > after, oldest first, at most `limit`.
  virtual Result<std::vector<Update>> read_updates(UserId user, Pts after, int limit) = 0;
  // Highest pts in the user's log (0 when empty).
  virtual Result<Pts> log_head(UserId user) = 0;
  // Lowest pts still in the user's log, or head+1 when empty (older entries expired).
  virtual Result<Pts> log_tail(UserId user) = 0;
  // The chats `user` is a member of. A group's summary carries everyone's minimum positions.
  virtual Result<std::vector<ChatSummary>> list_chats(UserId user) = 0;
  // The groups `user` left or was removed from (member = false), each as it was at the
  // removal: the name then, the last message up to the removal, the user's read position then
  // and their own settings of it; nothing that happened after (docs/protocol.md §5.7).
  virtual Result<std::vector<ChatSummary>> former_chats(UserId user) = 0;
  // Messages of a chat with seq < before (0: newest), newest first, at most limit.
  virtual Result<std::vector<Message>> read_history(ChatId chat, UserId member, Seq before,
                                                    int limit) = 0;

  // --- message actions and search (docs/protocol.md "Message actions", docs/search.md) ---
  // Edits, deletes, reacts to, stars or hides one message (model/message_actions.h). Shared
  // changes log kChanged for every member of a direct chat or group (rooms: none); personal
  // ones kMarked for the actor only.
  virtual void act_on_message(MessageAction action, Done<ActionResult> done) = 0;
  // Up to `limit` messages whose time came: disappearing ones past expires_at at `now`, and
  // those sent while their chat was temporary that every device of every member has
  // acknowledged (its position passed their log entry), or that were sent before
  // `undelivered_before` (the retention limit; 0: none). Each goes as message_actions::expire
  // says; the answer lists those that went. Safe on every node at once. With nothing due,
  // `done` runs at once on the calling thread and the writer is not involved.
  virtual void expire_messages(TimeMs now, TimeMs undelivered_before, int limit,
                               Done<std::vector<ActionResult>> done) = 0;
  // `user`'s starred messages that still exist, most recently starred first.
  virtual Result<std::vector<Message>> starred(UserId user, int limit, int offset) = 0;
  // Messages `user` may read (members: after they joined; former members: up to their
  // removal) matching every term, best first; none deleted, expired or hidden by the user.
  virtual Result<std::vector<SearchHit>> search(const SearchQuery& query) = 0;

  // --- groups and rooms ---
  // Creates a group or room and its "created" system message, in one transaction. A
  // (creator, client_id) seen before answers the original chat with a duplicate message.
  virtual void create_chat(NewChat chat, Done<ChangeResult> done) = 0;
  // Checks the change against membership::apply under the write lock and commits it with
  // its system message (or, for room joins and leaves, the users' membership updates).
  virtual void change_chat(ChatChange change, Done<ChangeResult> done) = 0;
  // The chat as `viewer` may see it: kNoSuchChat, or kNotMember for a group the viewer
  // is not in (a room's settings and count are visible to anyone; its members are not).
  virtual Result<ChatInfo> chat_info(ChatId chat, UserId viewer) = 0;
  // The room an invite code opens; kNotFound when no room has it.
  virtual Result<ChatId> room_by_invite(const std::string& code) = 0;
  // For each of `members` of a direct chat or group, what is known of when their positions
  // first reached message `seq` (ReceiptTimes). Groups keep a row per raise of a member's
  // position; a direct chat's raises are the `receipt` entries of `viewer`'s log (the last
  // 10,000 entries are looked at; older times are not known).
  virtual Result<std::vector<ReceiptTimes>> receipt_times(ChatId chat, ChatKind kind, UserId viewer, Seq seq,
                                                          const std::vector<UserId>& members) = 0;
  // Per message of a room, how many members have read it (their read position reached it).
  virtual Result<std::vector<std::pair<Seq, std::int64_t>>> view_counts(ChatId room, UserId viewer,
                                                                       const std::vector<Seq>& seqs) = 0;
  // The rooms `user` belongs to, with `device`'s position in each. A device with no
  // position in a room yet starts 100 messages back (never before the user joined):
  // recent posts arrive, older ones are history.
  virtual Result<std::vector<RoomPosition>> user_rooms(UserId user, DeviceId device) = 0;
  // Messages of a room with seq > after, oldest first, at most limit; members only.
  virtual Result<std::vector<Message>> read_room(ChatId room, UserId member, Seq after, int limit) = 0;
  // Stores max(position, seq) as the device's position in each room.
  virtual void set_room_positions(DeviceId device, std::vector<std::pair<ChatId, Seq>> positions,
                                  DoneStatus done) = 0;

  // --- presence ---
  // Raises each user's stored last seen to the given time (never lowers it).
  virtual void save_last_seen(std::vector<std::pair<UserId, TimeMs>> seen, DoneStatus done) = 0;
  virtual void set_privacy(UserId user, Visibility last_seen, DoneStatus done) = 0;
  virtual void set_group_add(UserId user, Visibility who, DoneStatus done) = 0;
  // Presence records of those `users` that exist (defaults for users never seen).
  virtual Result<std::vector<PresenceRecord>> read_presence(const std::vector<UserId>& users) = 0;

  // --- who knows whom ---
  // Those of `others` who count `user` as their contact: they saved `user`
  // (save_contact), or both have written in their one-to-one chat (one side's messages alone
  // make no contact). Their privacy settings' "contacts" means these.
  virtual Result<std::vector<UserId>> contacts_among(UserId user, const std::vector<UserId>& others) = 0;
  // Those of `users` whose phone number `viewer` may see: the viewer themself, users the
  // viewer found by their number (remember_phones), and users who wrote to the viewer in
  // their one-to-one chat (sharing their number by doing so).
  virtual Result<std::vector<UserId>> phones_visible(UserId viewer, const std::vector<UserId>& users) = 0;
  // `viewer` found `found` by their phone numbers.
  virtual void remember_phones(UserId viewer, std::vector<UserId> found, DoneStatus done) = 0;

  // --- profiles, saved contacts, blocks, a user's chat settings (docs/protocol.md §4.8) ---
  // Profiles of those of `users` that exist, in no particular order.
  virtual Result<std::vector<Profile>> profiles(const std::vector<UserId>& users) = 0;
  virtual void set_profile(UserId user, ProfileChange change, DoneStatus done) = 0;
  virtual void set_visibility(UserId user, PrivacyField field, Visibility who, DoneStatus done) = 0;
  // How `viewer` stands to each of `users` (one entry each, in order; users that do not
  // exist know nothing). Knowing: a group or room both are members of now, a chat in which
  // the user wrote to the viewer, a number found, a contact saved (writing to an id is not
  // knowing who has it). Contact: the user saved the viewer, or both wrote in their one-to-one chat.
  virtual Result<std::vector<Relation>> relations(UserId viewer, const std::vector<UserId>& users) = 0;
  // Who hears of `user`'s profile changes: the members of the one-to-one chats and groups
  // they are in, and those who saved them.
  virtual Result<std::vector<UserId>> profile_audience(UserId user) = 0;
  virtual void save_contact(UserId owner, UserId contact, std::string name, DoneStatus done) = 0;
  // false: it was not a saved contact.
  virtual void remove_contact(UserId owner, UserId contact, Done<bool> done) = 0;
  virtual Result<std::vector<SavedContact>> saved_contacts(UserId owner) = 0;
  virtual void set_block(UserId blocker, UserId blocked, bool on, DoneStatus done) = 0;
  // Whom `blocker` blocks, in id order.
  virtual Result<std::vector<UserId>> blocked_by(UserId blocker) = 0;
  // Those of `others` with a block between them and `user`, either way.
  virtual Result<std::vector<UserId>> blocked_among(UserId user, const std::vector<UserId>& others) = 0;
  // Members (now) only: kNotMember. Pinning past `max_pinned` chats: kInvalid.
  virtual void set_chat_prefs(ChatPrefsChange change, Done<ChatPrefs> done) = 0;

  // --- push notifications (docs/push.md) ---
  // Stores the target, replacing the device's earlier one for the same provider; answers its id.
  virtual void put_push_target(PushTarget target, Done<std::int64_t> done) = 0;
  virtual Result<std::vector<PushTarget>> push_targets(UserId user) = 0;
  // Removes a target and its jobs (`user` 0: whoever's it is); false: there was none.
  virtual void delete_push_target(UserId user, std::int64_t id, Done<bool> done) = 0;
  // A job per target of each event's user, or the event collapsed into the job already
  // waiting for that target, chat and event. A new job is due `collapse_ms` after `at`.
  virtual void queue_pushes(std::vector<PushEvent> events, TimeMs collapse_ms, DoneStatus done) = 0;
  // Leases up to `limit` jobs due at `now` and not leased, until now + lease_ms. With none
  // due, `done` runs at once on the calling thread and the writer is not involved. In
  // cluster mode nodes claim different jobs.
  virtual void claim_pushes(TimeMs now, TimeMs lease_ms, int limit, Done<std::vector<PushJob>> done) = 0;
  virtual void finish_push(PushJob job, PushFinish finish, DoneStatus done) = 0;
  virtual Result<PushContext> push_context(UserId user, ChatId chat) = 0;

  // --- rate limits shared by every node ---
  // All or nothing: when every limit has room for its `cost` in its current window, counts
  // `cost` events under each (when `count`) and answers wait 0; otherwise counts nothing and names
  // the first limit that refused. Sign-in uses these, so a limit holds across nodes.
  virtual void take_rates(std::vector<RateLimit> limits, TimeMs now, bool count, Done<RateVerdict> done) = 0;

  // --- group invites ---
  // Stores each invite, replacing an earlier one for the same chat and user.
  virtual void put_invites(std::vector<GroupInvite> invites, DoneStatus done) = 0;
  // The invite with this code, whoever it is for, expired or not; kNotFound if none.
  virtual Result<GroupInvite> find_invite(const std::string& code) = 0;
  // `user`'s invites that have not expired at `now`, newest first.
  virtual Result<std::vector<GroupInvite>> invites_for(UserId user, TimeMs now) = 0;
  virtual void delete_invite(ChatId chat, UserId user, DoneStatus done) = 0;

  // --- media (docs/media.md) ---
  // Records an upload of `media` by `uploader`: the object (its description kept as first
  // recorded, its upload time moved to media.uploaded_at) and who uploaded it.
  virtual void record_media(MediaRecord media, UserId uploader, DoneStatus done) = 0;
  // The media `user` may read under `id`: they uploaded it; or a message with it that they
  // may read (members: after they joined; former members: up to their removal) still
  // exists; or it is the avatar of a chat they are in. kNotFound otherwise, the same as for
  // an id that does not exist.
  virtual Result<MediaRecord> readable_media(UserId user, const std::string& id) = 0;
  // `user`'s avatar is now media `id` ("" for none); the caller checked they may use it.
  // Whoever shares a chat with them (and they) may then read it.
  virtual void set_user_avatar(UserId user, std::string id, DoneStatus done) = 0;
  // Forgets up to `limit` media nothing refers to (no message that still exists, no avatar)
  // whose last upload was before `cutoff`, and answers the stored objects that go with
  // them (the media and their previews, save those another media still uses): removing
  // the bytes is the caller's job. In cluster mode one node sweeps at a time; a node that
  // finds another sweeping answers nothing.
  virtual void sweep_media(TimeMs cutoff, int limit, Done<std::vector<std::string>> done) = 0;

  // --- retention ---
  // One bounded step of deleting update-log entries older than `log_cutoff`, and sign-in
  // codes, group invites and rate-limit windows expired at `now`. Call again until `finished`: a step never stalls the writer for
  // long, and may remove nothing while it walks past users with nothing to expire.
  virtual void expire(TimeMs log_cutoff, TimeMs now, Done<ExpireStep> done) = 0;

  virtual WriterStats writer_stats() const = 0;
  // Writes per commit and commit latency, observed by the writer thread.
  virtual const WriterHistograms& writer_histograms() const = 0;

  // Blocks until every write submitted before the call is committed, then stops the
  // writer. Later writes fail with kUnavailable.
  virtual void close() = 0;
};

}  // namespace parley
