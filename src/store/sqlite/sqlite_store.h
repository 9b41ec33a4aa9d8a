// The embedded store: SQLite in WAL mode with synchronous=FULL (a commit is fsynced).
// One writer connection behind GroupCommit; a pool of reader connections for reads.
// Sequence numbers and log heads are allocated by the writer thread from counters it
// loads from the database and flushes in the same transaction.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <set>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/clock.h"
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/db.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/search_index.h"
#include "model/chat_writes.h"
#include "store/reader_pool.h"
#include "store/store.h"

namespace parley::sqlite {

struct Options {
  std::string path;             // database file; created when missing
  std::size_t max_batch = 4096; // writes per transaction at most
  std::size_t readers = 4;      // reader connections
  std::uint64_t wal_limit_bytes = 32ull << 20;  // the WAL is restarted when it grows past this
  std::chrono::microseconds commit_gap{1000};    // at most one commit (fsync) per gap
  bool search_index = true;  // keep the full-text index (search.index); off: search finds what was indexed before
  std::chrono::milliseconds index_delay{100};  // new messages are indexed for search in rounds this far apart
};

class SqliteStore final : public Store {
 public:
  // Opens (creating and migrating as needed). Throws SqliteError with a clear message.
  SqliteStore(Options options, const Clock& clock);
  ~SqliteStore() override;

  void upsert_user(std::string phone, Done<UserRecord> done) override;
  void create_device(NewDevice device, Done<DeviceRecord> done) override;
  void revoke_device(UserId user, DeviceId device, DoneStatus done) override;
  void set_device_position(DeviceId device, Pts pts, DoneStatus done) override;
  Result<UserRecord> find_user(UserId id) override;
  Result<UserRecord> find_user_by_phone(const std::string& phone) override;
  Result<DeviceRecord> find_device_by_token(const std::string& token_hash) override;
  Result<std::vector<DeviceRecord>> list_devices(UserId user) override;

  void put_auth_code(AuthCode code, DoneStatus done) override;
  void take_auth_attempt(std::string phone, Done<AuthCode> done) override;
  void delete_auth_code(std::string phone, DoneStatus done) override;

  void append_message(NewMessage message, Done<AppendResult> done) override;
  void update_receipt(ChatId chat, UserId member, Seq delivered, Seq read,
                      Done<ReceiptResult> done) override;
  Result<std::vector<Update>> read_updates(UserId user, Pts after, int limit) override;
  Result<Pts> log_head(UserId user) override;
  Result<Pts> log_tail(UserId user) override;
  Result<std::vector<ChatSummary>> list_chats(UserId user) override;
  Result<std::vector<ChatSummary>> former_chats(UserId user) override;  // *_receipts.cc
  Result<std::vector<ReceiptTimes>> receipt_times(ChatId chat, ChatKind kind, UserId viewer, Seq seq,
                                                  const std::vector<UserId>& members) override;
  Result<std::vector<Message>> read_history(ChatId chat, UserId member, Seq before,
                                            int limit) override;


  void act_on_message(MessageAction action, Done<ActionResult> done) override;
  void expire_messages(TimeMs now, TimeMs undelivered_before, int limit, Done<std::vector<ActionResult>> done) override;
  Result<std::vector<Message>> starred(UserId user, int limit, int offset) override;
  Result<std::vector<SearchHit>> search(const SearchQuery& query) override;

  void create_chat(NewChat chat, Done<ChangeResult> done) override;
  void change_chat(ChatChange change, Done<ChangeResult> done) override;
  Result<ChatInfo> chat_info(ChatId chat, UserId viewer) override;
  Result<ChatId> room_by_invite(const std::string& code) override;
  Result<std::vector<std::pair<Seq, std::int64_t>>> view_counts(ChatId room, UserId viewer,
                                                               const std::vector<Seq>& seqs) override;
  Result<std::vector<RoomPosition>> user_rooms(UserId user, DeviceId device) override;
  Result<std::vector<Message>> read_room(ChatId room, UserId member, Seq after, int limit) override;
  void set_room_positions(DeviceId device, std::vector<std::pair<ChatId, Seq>> positions,
                          DoneStatus done) override;

  void save_last_seen(std::vector<std::pair<UserId, TimeMs>> seen, DoneStatus done) override;
  void set_privacy(UserId user, Visibility last_seen, DoneStatus done) override;
  void set_group_add(UserId user, Visibility who, DoneStatus done) override;
  Result<std::vector<PresenceRecord>> read_presence(const std::vector<UserId>& users) override;

  Result<std::vector<UserId>> contacts_among(UserId user, const std::vector<UserId>& others) override;
  Result<std::vector<UserId>> phones_visible(UserId viewer, const std::vector<UserId>& users) override;
  void remember_phones(UserId viewer, std::vector<UserId> found, DoneStatus done) override;
  void put_invites(std::vector<GroupInvite> invites, DoneStatus done) override;
  Result<GroupInvite> find_invite(const std::string& code) override;
  Result<std::vector<GroupInvite>> invites_for(UserId user, TimeMs now) override;
  void delete_invite(ChatId chat, UserId user, DoneStatus done) override;
  void take_rates(std::vector<RateLimit> limits, TimeMs now, bool count, Done<RateVerdict> done) override;

  void expire(TimeMs log_cutoff, TimeMs now, Done<ExpireStep> done) override;
  void record_media(MediaRecord media, UserId uploader, DoneStatus done) override;
  Result<MediaRecord> readable_media(UserId user, const std::string& id) override;
  void set_user_avatar(UserId user, std::string id, DoneStatus done) override;
  // Profiles, saved contacts, blocks, chat settings (sqlite_people.cc).
  Result<std::vector<Profile>> profiles(const std::vector<UserId>& users) override;
  void set_profile(UserId user, ProfileChange change, DoneStatus done) override;
  void set_visibility(UserId user, PrivacyField field, Visibility who, DoneStatus done) override;
  Result<std::vector<Relation>> relations(UserId viewer, const std::vector<UserId>& users) override;
  Result<std::vector<UserId>> profile_audience(UserId user) override;
  void save_contact(UserId owner, UserId contact, std::string name, DoneStatus done) override;
  void remove_contact(UserId owner, UserId contact, Done<bool> done) override;
  Result<std::vector<SavedContact>> saved_contacts(UserId owner) override;
  void set_block(UserId blocker, UserId blocked, bool on, DoneStatus done) override;
  Result<std::vector<UserId>> blocked_by(UserId blocker) override;
  Result<std::vector<UserId>> blocked_among(UserId user, const std::vector<UserId>& others) override;
  void set_chat_prefs(ChatPrefsChange change, Done<ChatPrefs> done) override;
  // Push targets and jobs (sqlite_push.cc).
  void put_push_target(PushTarget target, Done<std::int64_t> done) override;
  Result<std::vector<PushTarget>> push_targets(UserId user) override;
  void delete_push_target(UserId user, std::int64_t id, Done<bool> done) override;
  void queue_pushes(std::vector<PushEvent> events, TimeMs collapse_ms, DoneStatus done) override;
  void claim_pushes(TimeMs now, TimeMs lease_ms, int limit, Done<std::vector<PushJob>> done) override;
  void finish_push(PushJob job, PushFinish finish, DoneStatus done) override;
  Result<PushContext> push_context(UserId user, ChatId chat) override;
  void sweep_media(TimeMs cutoff, int limit, Done<std::vector<std::string>> done) override;
  void close() override;

  WriterStats writer_stats() const override;
  const WriterHistograms& writer_histograms() const override { return writer_->histograms(); }

 private:
  template <class T, class Fn>
  void write(Fn fn, Done<T> done);
  template <class Fn>
  auto read(Fn fn) -> decltype(fn(std::declval<Db&>()));

  // Writer-thread state: counters and caches valid for the current transaction.
  Seq current_seq(Db& db, ChatId chat);
  Seq next_seq(Db& db, ChatId chat);
  Pts next_pts(Db& db, UserId user);
  Pts current_pts(Db& db, UserId user);
  bool user_exists(Db& db, UserId user);
  const std::vector<UserId>& members(Db& db, ChatId chat);
  using ChatRow = chat_writes::ChatRow;
  friend class ChatTx;    // create_chat and change_chat (sqlite_chats.cc)
  friend class AppendTx;  // append_message (sqlite_chats.cc)
  friend class ActionTx;  // act_on_message (sqlite_messages.cc)
  const ChatRow* chat_row(Db& db, ChatId chat);  // nullptr: no such chat
  std::optional<Role> role_in(Db& db, ChatId chat, UserId user);
  std::optional<Message> sent_before(Db& db, UserId sender, const std::string& client_id);
  // Inserts a message at the chat's next seq; logs it for `recipients` (empty for rooms).
  // nullopt (and no seq used) when (sender, client_id) is already committed.
  std::optional<AppendResult> insert_message(Db& db, ChatId chat, UserId sender, DeviceId device, const std::string& client_id,
                              const std::string& text, const std::string& system, const std::vector<UserId>& recipients,
                              const std::string& media = {}, const std::string& media_id = {}, Seq reply_to = 0,
                              std::int64_t forwarded = 0, chat_writes::Expiry expiry = {});
  // The full-text index (sqlite_messages.cc): `text` is message `seq`'s now ("" takes it out).
  void index_text(Db& db, ChatId chat, Seq seq, const std::string& text, const std::string& old_text = {});
  std::optional<message_actions::Reader> reader(Db& db, ChatId chat, UserId user);
  std::optional<Message> message(Db& db, ChatId chat, Seq seq);
  // Media (sqlite_media.cc): what `user` may read under `id`; `chat`'s message `seq` (0: its
  // avatar) refers to `id`.
  std::optional<MediaRecord> readable_media(Db& db, UserId user, const std::string& id);
  void refer_media(Db& db, const std::string& id, ChatId chat, Seq seq);
  void unrefer_media(Db& db, const std::string& id, ChatId chat, Seq seq);
  // A group member's positions moved from `was` to `now`: if everyone's minimum moved,
  // log kReceiptAll for the senders of the messages it now covers. The minimum is cached
  // and recounted only when this member may have held it.
  void everyone_reached(Db& db, ChatId chat, std::pair<Seq, Seq> was, std::pair<Seq, Seq> now, std::vector<Delivery>& out,
                        Seq& all_delivered, Seq& all_read);
  // Everyone's (delivered, read) in a group, cached, with how many members sit at each.
  struct GroupMinimum {
    Seq delivered = 0, read = 0;
    std::int64_t at_delivered = 0, at_read = 0;  // members whose position is the minimum
  };
  GroupMinimum& group_minimum(Db& db, ChatId chat, bool recount = false);
  ChatId direct_chat(Db& db, UserId a, UserId b);
  // `sender` posted in `chat` (a message or, as its actor, a change): sets their member
  // row's flag once. Contacts (both posted in their one-to-one chat) and phone visibility
  // (you share your number with the chats you post in) read it.
  void mark_posted(Db& db, ChatId chat, UserId sender);
  TimeMs stamp();
  void flush_counters(Db& db);
  void forget_counters();
  // Retention, writer thread: collapses group members' raises older than `cutoff` (receipt_times.h),
  // up to `budget` rows deleted; false while some are left for the next step.
  bool forget_raise_times(Db& db, TimeMs cutoff, std::int64_t budget, std::int64_t& removed);

  const Options options_;
  const Clock& clock_;
  std::unique_ptr<Db> writer_db_;
  std::unique_ptr<GroupCommit> writer_;

  // Owned by the writer thread.
  std::unordered_map<std::int64_t, Seq> chat_seq_;
  std::unordered_map<std::int64_t, Pts> user_pts_;
  std::unordered_set<std::int64_t> dirty_chats_, dirty_users_;
  std::int64_t expired_through_ = 0;  // retention: the last user whose log this pass has expired
  std::array<std::int64_t, 3> raises_through_{};  // retention: the last (chat, user, kind) of receipt_raises collapsed
  std::unordered_set<std::int64_t> known_users_;
  std::map<std::pair<std::int64_t, std::int64_t>, ChatId> direct_chats_;
  std::set<std::pair<std::int64_t, std::int64_t>> posted_;  // (chat, sender) flags known set
  std::unordered_map<std::int64_t, std::vector<UserId>> members_;  // direct chats and groups
  std::unordered_map<std::int64_t, ChatRow> chat_rows_;
  std::unordered_map<std::int64_t, GroupMinimum> group_min_;
  TimeMs last_ts_ = 0;
  std::unique_ptr<SearchIndex> search_index_;  // search.db and its thread (search_index.h)

  ReaderPool<Db> readers_;
  std::unique_ptr<Checkpointer> checkpointer_;
};

}  // namespace parley::sqlite
