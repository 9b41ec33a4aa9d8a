// The cluster store: PostgreSQL, shared by every parleyd node. Same Store contract as
// the embedded SQLite adapter; what differs is who owns the counters.
//
// Writes: one writer connection per node group-commits batches. A batch runs in three
// phases inside one transaction: plan (resolve chats and members, name the rows it
// needs), lock (SELECT ... ORDER BY ... FOR UPDATE on those chats, users and receipt
// rows, in one global order, so batches on different nodes never deadlock on them),
// then run (every task, in order, in memory, allocating seq and pts from the locked
// rows). Messages and update-log rows go in with COPY; counters, receipt positions and
// device positions are written back with one UPDATE ... FROM unnest(...) each. A batch
// costs a handful of round trips whatever its size.
// A batch that loses a race (deadlock, serialization failure, a unique key another node
// took first) is rolled back and run again; one that cannot commit fails every write in
// it with kUnavailable, which clients see as a retryable error.
//
// Sequence numbers and log heads live only in PostgreSQL: no node keeps state another
// node would need after it dies.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/clock.h"
#include "model/message_actions.h"
#include "store/postgres/pg.h"
#include "store/reader_pool.h"
#include "store/store.h"
#include "store/writer_queue.h"

namespace parley::pg {

struct Options {
  std::string url;                // libpq connection string or postgresql:// URI
  std::size_t max_batch = 4096;   // writes per transaction at most
  std::size_t readers = 8;        // pooled reader connections kept idle at most
  // Polled while waiting for PostgreSQL at start; true aborts the wait.
  std::function<bool()> stop_requested = [] { return false; };
};

// Where a connection string points, without its password (for logs).
std::string describe(const std::string& url);

class PostgresStore final : public Store {
 public:
  // Waits for PostgreSQL (logging while it waits), then migrates. Throws on a bad
  // connection string, a newer schema, or when stop_requested() turns true.
  PostgresStore(Options options, const Clock& clock);
  ~PostgresStore() override;

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
  Result<std::vector<PresenceRecord>> read_presence(const std::vector<UserId>& users) override;
  void set_group_add(UserId user, Visibility who, DoneStatus done) override;
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
  // Profiles, saved contacts, blocks, chat settings (pg_people.cc).
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
  // Push targets and jobs (pg_push.cc).
  void put_push_target(PushTarget target, Done<std::int64_t> done) override;
  Result<std::vector<PushTarget>> push_targets(UserId user) override;
  void delete_push_target(UserId user, std::int64_t id, Done<bool> done) override;
  void queue_pushes(std::vector<PushEvent> events, TimeMs collapse_ms, DoneStatus done) override;
  void claim_pushes(TimeMs now, TimeMs lease_ms, int limit, Done<std::vector<PushJob>> done) override;
  void finish_push(PushJob job, PushFinish finish, DoneStatus done) override;
  Result<PushContext> push_context(UserId user, ChatId chat) override;
  void sweep_media(TimeMs cutoff, int limit, Done<std::vector<std::string>> done) override;
  WriterStats writer_stats() const override;
  const WriterHistograms& writer_histograms() const override { return histograms_; }
  // Identifies this database's data set; every node on it reads the same id.
  const std::string& cluster_id() const { return cluster_id_; }
  void close() override;

 private:
  struct Batch;
  struct Task {
    std::function<void(Batch&)> plan;  // resolve; name counter rows to lock
    std::function<void(Batch&)> run;   // the write itself
    std::function<void(const Status&)> complete;
  };
  static Status no_plan(Batch&);

  template <class T, class Plan, class Run>
  void write(Plan plan, Run run, Done<T> done);
  template <class Fn>
  auto read(Fn fn) -> decltype(fn(std::declval<Conn&>()));

  void loop();
  Status commit_batch(std::span<Task> batch);
  static Status failure(const std::exception& e);
  void run_batch(Conn& conn, std::span<Task> batch);
  // Looks up resent messages and locks the counter and receipt rows the plan named.
  void lock_counters(Batch& b);
  // Writes the batch's rows and counters and commits.
  void flush(Batch& b);

  // Writer-thread helpers. Caches hold facts that never change once committed (a user
  // exists; the chat of a pair) and are dropped whenever a batch rolls back, since it
  // may have created them. A chat's cached kind, settings and members carry the chat's
  // members_version: a batch that planned with them checks it under the chat's row lock
  // and runs again when another node changed the chat in between.
  struct ChatCache {
    ChatKind kind = ChatKind::kDirect;
    ChatSettings settings;
    std::int64_t version = 0;
    std::vector<UserId> members, admins;  // sorted; empty for rooms (too many to keep)
  };
  bool user_exists(Conn& c, UserId user);
  ChatId direct_chat(Conn& c, UserId a, UserId b);
  const ChatCache* chat_cache(Conn& c, ChatId chat);  // nullptr: no such chat
  // The chat's members now, read under its row lock (a change earlier in this batch).
  std::vector<UserId> fresh_members(Conn& c, ChatId chat);
  // What `user` may read under media `id` (pg_media.cc).
  std::optional<MediaRecord> readable_media(Conn& c, UserId user, const std::string& id);
  // Everyone's minimum positions in a group moved from `before` to `after`: log
  // kReceiptAll for the senders (still `members`) of the messages now covered.
  void everyone_reached(Batch& b, ChatId chat, const std::vector<UserId>& members, std::pair<Seq, Seq> before,
                        std::pair<Seq, Seq> after, std::vector<Delivery>& out, Seq& all_delivered, Seq& all_read);
  TimeMs stamp();
  // `sender` posted in `chat` (not a room): their member row's flag is set at flush, once
  // (see SqliteStore::mark_posted).
  void mark_posted(Batch& b, ChatId chat, UserId sender);
  // Which messages of `chat` `user` may read, and one message (`lock`: held for the batch)
  // (pg_messages.cc).
  std::optional<message_actions::Reader> reader(Conn& c, ChatId chat, UserId user);
  std::optional<Message> message(Conn& c, ChatId chat, Seq seq, bool lock);
  friend class ChatTx;    // create_chat and change_chat (pg_chats.cc)
  friend class AppendTx;  // append_message (pg_chats.cc)
  friend class ActionTx;  // act_on_message (pg_messages.cc)

  const Options options_;
  const Clock& clock_;
  std::string cluster_id_;

  std::unique_ptr<Conn> writer_conn_;  // writer thread only
  std::unordered_set<std::int64_t> known_users_;
  std::map<std::pair<std::int64_t, std::int64_t>, ChatId> direct_chats_;
  std::set<std::pair<std::int64_t, std::int64_t>> posted_;  // (chat, sender) flags known set
  std::unordered_map<std::int64_t, ChatCache> chats_;
  TimeMs last_ts_ = 0;

  WriterQueue<Task> queue_;
  mutable std::mutex mu_;  // guards stats_
  WriterStats stats_;
  WriterHistograms histograms_;  // observed by the writer thread
  std::thread thread_;

  ReaderPool<Conn> readers_;
};

}  // namespace parley::pg
