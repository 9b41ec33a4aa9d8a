#include "store/sqlite/sqlite_store.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>

#include "model/device_names.h"
#include "model/membership.h"
#include "model/receipt_times.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_store_impl.h"
#include "store/sqlite/wal_coalescer.h"

namespace parley::sqlite {

namespace {

constexpr int kMaxValueBytes = 4 << 20;

void configure_writer(Db& db) {
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=FULL");  // fsync the WAL at every commit: acks are durable
  db.exec("PRAGMA foreign_keys=OFF");
  db.exec("PRAGMA cache_size=-65536");
  db.exec("PRAGMA wal_autocheckpoint=0");  // commits never checkpoint: the Checkpointer thread does
  // No value the protocol lets through comes near this; a write that does is refused
  // (SQLITE_TOOBIG) and fails alone (GroupCommit), instead of growing the database by it.
  sqlite3_limit(db.raw(), SQLITE_LIMIT_LENGTH, kMaxValueBytes);
}


DeviceRecord device_from(Stmt& q) {
  DeviceRecord d;
  d.id = DeviceId(q.i64(0));
  d.user = UserId(q.i64(1));
  d.name = q.text(2);
  d.created_at = q.i64(3);
  d.last_active_at = q.i64(4);
  d.position = q.i64(5);
  d.revoked = q.i64(6) != 0;
  return d;
}

}  // namespace

SqliteStore::SqliteStore(Options options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      readers_(
          options_.readers,
          [this] {
            auto db = std::make_unique<Db>(options_.path, true);
            search_index_->attach(*db);
            return db;
          },
          [](Db& db) {
            db.reset_all();  // ends the implicit read transaction (an old snapshot otherwise)
            return true;
          }) {
  // Each commit's WAL frames reach the kernel in a few large writes, not two per page (wal_coalescer.h):
  // safe because every commit of this connection syncs its WAL (synchronous=FULL below).
  writer_db_ = std::make_unique<Db>(options_.path, false, wal_coalescing_vfs());
  configure_writer(*writer_db_);
  writer_db_->busy_wait_fine(5000);  // waits for readers (a WAL restart) in steps of 100 µs, not 1-100 ms
  int version = migrate(*writer_db_);
  spdlog::info("store: sqlite {} at schema version {}", options_.path, version);
  search_index_ = std::make_unique<SearchIndex>(options_.path, options_.index_delay, options_.search_index);
  checkpointer_ = std::make_unique<Checkpointer>(options_.path, options_.wal_limit_bytes);
  checkpointer_->bound_file(*writer_db_);
  writer_ = std::make_unique<GroupCommit>(
      *writer_db_,
      GroupCommit::Hooks{[this](Db& db) {
                           flush_counters(db);
                           search_index_->trim(db);
                         },
                         [this] { forget_counters(); },
                         [this](Db& db) {
                           if (!checkpointer_) return;
                           if (auto held = checkpointer_->restart_if_due(db))
                             writer_->histograms().wal_restart_seconds.observe(*held);
                         }},
      options_.max_batch, options_.commit_gap);
}

SqliteStore::~SqliteStore() { close(); }

void SqliteStore::close() {
  if (checkpointer_) checkpointer_->stop();
  if (writer_) writer_->close();
  if (search_index_) search_index_->stop();  // after the writer: its last round takes the last batch
}

WriterStats SqliteStore::writer_stats() const {
  auto s = writer_->stats();
  WriterStats w{s.batches, s.tasks, s.failed_batches, 0};
  auto c = checkpointer_->stats();
  w.has_wal = true;
  w.wal_bytes = c.wal_bytes;
  w.wal_checkpoints = c.passive;
  w.wal_restarts = c.restarts;
  w.wal_restarts_foiled = c.foiled;
  w.checkpoint_us = c.busy_us;
  return w;
}

// ---------------------------------------------------------------- writer-thread state

TimeMs SqliteStore::stamp() {
  last_ts_ = std::max(last_ts_, clock_.now_ms());
  return last_ts_;
}

Seq SqliteStore::current_seq(Db& db, ChatId chat) {
  auto it = chat_seq_.find(chat.value);
  if (it == chat_seq_.end()) {
    auto& q = db.prepare("SELECT last_seq FROM chats WHERE id = ?");
    q.bind(1, chat.value);
    Seq s = q.step() ? q.i64(0) : 0;
    it = chat_seq_.emplace(chat.value, s).first;
  }
  return it->second;
}

Seq SqliteStore::next_seq(Db& db, ChatId chat) {
  current_seq(db, chat);
  dirty_chats_.insert(chat.value);
  return ++chat_seq_[chat.value];
}

Pts SqliteStore::current_pts(Db& db, UserId user) {
  auto it = user_pts_.find(user.value);
  if (it == user_pts_.end()) {
    auto& q = db.prepare("SELECT log_head FROM users WHERE id = ?");
    q.bind(1, user.value);
    Pts p = q.step() ? q.i64(0) : 0;
    it = user_pts_.emplace(user.value, p).first;
  }
  return it->second;
}

Pts SqliteStore::next_pts(Db& db, UserId user) {
  current_pts(db, user);
  dirty_users_.insert(user.value);
  return ++user_pts_[user.value];
}

bool SqliteStore::user_exists(Db& db, UserId user) {
  if (known_users_.count(user.value)) return true;
  auto& q = db.prepare("SELECT 1 FROM users WHERE id = ?");
  q.bind(1, user.value);
  if (!q.step()) return false;
  known_users_.insert(user.value);
  return true;
}

const std::vector<UserId>& SqliteStore::members(Db& db, ChatId chat) {
  auto it = members_.find(chat.value);
  if (it != members_.end()) return it->second;
  std::vector<UserId> out;
  auto& q = db.prepare("SELECT user_id FROM chat_members WHERE chat_id = ? ORDER BY user_id");
  q.bind(1, chat.value);
  while (q.step()) out.push_back(UserId(q.i64(0)));
  return members_.emplace(chat.value, std::move(out)).first->second;
}

ChatId SqliteStore::direct_chat(Db& db, UserId a, UserId b) {
  auto key = std::minmax(a.value, b.value);
  if (auto it = direct_chats_.find(key); it != direct_chats_.end()) return it->second;
  auto& q = db.prepare("SELECT chat_id FROM direct_chats WHERE user_lo = ? AND user_hi = ?");
  q.bind(1, key.first).bind(2, key.second);
  ChatId chat;
  if (q.step()) {
    chat = ChatId(q.i64(0));
  } else {
    db.prepare("INSERT INTO chats (kind, created_at) VALUES (?, ?)")
        .bind(1, stored(ChatKind::kDirect))
        .bind(2, stamp())
        .exec();
    chat = ChatId(db.last_insert_rowid());
    db.prepare("INSERT INTO direct_chats (user_lo, user_hi, chat_id) VALUES (?, ?, ?)")
        .bind(1, key.first)
        .bind(2, key.second)
        .bind(3, chat.value)
        .exec();
    db.prepare("UPDATE chats SET member_count = ? WHERE id = ?").bind(1, key.first == key.second ? 1 : 2).bind(2, chat.value).exec();
    auto& m = db.prepare("INSERT INTO chat_members (chat_id, user_id) VALUES (?, ?)");
    m.bind(1, chat.value).bind(2, key.first).exec();
    if (key.second != key.first) {
      m.reset();
      m.bind(1, chat.value).bind(2, key.second).exec();
    }
    members_.erase(chat.value);
  }
  direct_chats_.emplace(key, chat);
  return chat;
}

void SqliteStore::mark_posted(Db& db, ChatId chat, UserId sender) {
  if (!posted_.insert({chat.value, sender.value}).second) return;
  db.prepare("UPDATE chat_members SET posted = 1 WHERE chat_id = ? AND user_id = ? AND posted = 0")
      .bind(1, chat.value)
      .bind(2, sender.value)
      .exec();
}

void SqliteStore::flush_counters(Db& db) {
  for (auto id : dirty_chats_)
    db.prepare("UPDATE chats SET last_seq = ? WHERE id = ?").bind(1, chat_seq_[id]).bind(2, id).exec();
  for (auto id : dirty_users_)
    db.prepare("UPDATE users SET log_head = ? WHERE id = ?").bind(1, user_pts_[id]).bind(2, id).exec();
  dirty_chats_.clear();
  dirty_users_.clear();
}

void SqliteStore::forget_counters() {
  chat_seq_.clear();
  user_pts_.clear();
  dirty_chats_.clear();
  dirty_users_.clear();
  known_users_.clear();
  direct_chats_.clear();
  posted_.clear();
  members_.clear();
  chat_rows_.clear();
  group_min_.clear();
}

// ---------------------------------------------------------------- users and devices

void SqliteStore::upsert_user(std::string phone, Done<UserRecord> done) {
  write<UserRecord>(
      [this, phone = std::move(phone)](Db& db) -> Result<UserRecord> {
        db.prepare("INSERT INTO users (phone, created_at) VALUES (?, ?) ON CONFLICT(phone) DO NOTHING")
            .bind(1, phone)
            .bind(2, stamp())
            .exec();
        auto& q = db.prepare("SELECT id, created_at FROM users WHERE phone = ?");
        q.bind(1, phone);
        q.step();
        return UserRecord{UserId(q.i64(0)), phone, q.i64(1)};
      },
      std::move(done));
}

void SqliteStore::create_device(NewDevice device, Done<DeviceRecord> done) {
  write<DeviceRecord>(
      [this, device = std::move(device)](Db& db) -> Result<DeviceRecord> {
        if (!user_exists(db, device.user)) return Status(Code::kNoSuchUser, "no such user");
        DeviceRecord d;
        d.user = device.user;
        std::vector<std::string> taken;  // the names of the user's devices still signed in
        auto& q = db.prepare("SELECT name FROM devices WHERE user_id = ? AND revoked = 0");
        q.bind(1, device.user.value);
        while (q.step()) taken.push_back(q.text(0));
        q.reset();
        d.name = device_names::distinct(device.name, taken);
        d.created_at = stamp();
        d.position = current_pts(db, device.user);
        db.prepare(
              "INSERT INTO devices (user_id, name, token_hash, created_at, position) "
              "VALUES (?, ?, ?, ?, ?)")
            .bind(1, d.user.value)
            .bind(2, d.name)
            .bind_blob(3, device.token_hash)
            .bind(4, d.created_at)
            .bind(5, d.position)
            .exec();
        d.id = DeviceId(db.last_insert_rowid());
        return d;
      },
      std::move(done));
}

void SqliteStore::revoke_device(UserId user, DeviceId device, DoneStatus done) {
  write<bool>(
      [user, device](Db& db) -> Result<bool> {
        db.prepare("UPDATE devices SET revoked = 1 WHERE id = ? AND user_id = ? AND revoked = 0")
            .bind(1, device.value)
            .bind(2, user.value)
            .exec();
        if (db.changes() == 0) return Status(Code::kNotFound, "no such device");
        // Its push targets go with it (and their jobs).
        db.prepare("DELETE FROM push_jobs WHERE target_id IN (SELECT id FROM push_targets WHERE device_id = ?)")
            .bind(1, device.value)
            .exec();
        db.prepare("DELETE FROM push_targets WHERE device_id = ?").bind(1, device.value).exec();
        return true;
      },
      status_of(std::move(done)));
}

void SqliteStore::set_device_position(DeviceId device, Pts pts, DoneStatus done) {
  write<bool>(
      [this, device, pts](Db& db) -> Result<bool> {
        db.prepare(
              "UPDATE devices SET position = max(position, ?), last_active_at = ? WHERE id = ?")
            .bind(1, pts)
            .bind(2, stamp())
            .bind(3, device.value)
            .exec();
        return true;
      },
      status_of(std::move(done)));
}

Result<UserRecord> SqliteStore::find_user(UserId id) {
  return read([&](Db& db) -> Result<UserRecord> {
    auto& q = db.prepare("SELECT phone, created_at FROM users WHERE id = ?");
    q.bind(1, id.value);
    if (!q.step()) return Status(Code::kNoSuchUser, "no such user");
    return UserRecord{id, q.text(0), q.i64(1)};
  });
}

Result<UserRecord> SqliteStore::find_user_by_phone(const std::string& phone) {
  return read([&](Db& db) -> Result<UserRecord> {
    auto& q = db.prepare("SELECT id, created_at FROM users WHERE phone = ?");
    q.bind(1, phone);
    if (!q.step()) return Status(Code::kNoSuchUser, "no such user");
    return UserRecord{UserId(q.i64(0)), phone, q.i64(1)};
  });
}

Result<DeviceRecord> SqliteStore::find_device_by_token(const std::string& token_hash) {
  return read([&](Db& db) -> Result<DeviceRecord> {
    auto& q = db.prepare(
        "SELECT id, user_id, name, created_at, last_active_at, position, revoked FROM devices "
        "WHERE token_hash = ?");
    q.bind_blob(1, token_hash);
    if (!q.step()) return Status(Code::kUnauthorized, "unknown token");
    DeviceRecord d = device_from(q);
    if (d.revoked) return Status(Code::kUnauthorized, "device revoked");
    return d;
  });
}

Result<std::vector<DeviceRecord>> SqliteStore::list_devices(UserId user) {
  return read([&](Db& db) -> Result<std::vector<DeviceRecord>> {
    auto& q = db.prepare(
        "SELECT id, user_id, name, created_at, last_active_at, position, revoked FROM devices "
        "WHERE user_id = ? AND revoked = 0 ORDER BY id");
    q.bind(1, user.value);
    std::vector<DeviceRecord> out;
    while (q.step()) out.push_back(device_from(q));
    return out;
  });
}

// ---------------------------------------------------------------- sign-in codes

void SqliteStore::put_auth_code(AuthCode code, DoneStatus done) {
  write<bool>(
      [code = std::move(code)](Db& db) -> Result<bool> {
        db.prepare(
              "INSERT INTO auth_codes (phone, code_hash, expires_at, attempts) VALUES (?, ?, ?, 0) "
              "ON CONFLICT(phone) DO UPDATE SET code_hash = excluded.code_hash, "
              "expires_at = excluded.expires_at, attempts = 0")
            .bind(1, code.phone)
            .bind_blob(2, code.code_hash)
            .bind(3, code.expires_at)
            .exec();
        return true;
      },
      status_of(std::move(done)));
}

void SqliteStore::take_auth_attempt(std::string phone, Done<AuthCode> done) {
  write<AuthCode>(
      [phone = std::move(phone)](Db& db) -> Result<AuthCode> {
        auto& q = db.prepare("SELECT code_hash, expires_at, attempts FROM auth_codes WHERE phone = ?");
        q.bind(1, phone);
        if (!q.step()) return Status(Code::kCodeInvalid, "no code was requested for this phone");
        AuthCode c{phone, q.text(0), q.i64(1), static_cast<int>(q.i64(2))};
        q.reset();
        db.prepare("UPDATE auth_codes SET attempts = attempts + 1 WHERE phone = ?").bind(1, phone).exec();
        return c;
      },
      std::move(done));
}

void SqliteStore::delete_auth_code(std::string phone, DoneStatus done) {
  write<bool>(
      [phone = std::move(phone)](Db& db) -> Result<bool> {
        db.prepare("DELETE FROM auth_codes WHERE phone = ?").bind(1, phone).exec();
        return true;
      },
      status_of(std::move(done)));
}

// ---------------------------------------------------------------- messages and receipts

const SqliteStore::ChatRow* SqliteStore::chat_row(Db& db, ChatId chat) {
  if (auto it = chat_rows_.find(chat.value); it != chat_rows_.end()) return &it->second;
  auto& q = db.prepare(
      "SELECT kind, name, avatar, members_can_add, everyone_posts, member_count, temporary, disappear_ms FROM chats "
      "WHERE id = ?");
  q.bind(1, chat.value);
  if (!q.step()) return nullptr;
  ChatRow row{static_cast<ChatKind>(q.i64(0)), {q.text(1), q.text(2), q.i64(3) != 0, q.i64(4) != 0}, q.i64(5)};
  row.settings.temporary = q.i64(6) != 0;
  row.settings.disappear_ms = q.i64(7);
  return &chat_rows_.emplace(chat.value, std::move(row)).first->second;
}

std::optional<Role> SqliteStore::role_in(Db& db, ChatId chat, UserId user) {
  auto& q = db.prepare("SELECT role FROM chat_members WHERE chat_id = ? AND user_id = ?");
  q.bind(1, chat.value).bind(2, user.value);
  if (!q.step()) return std::nullopt;
  return static_cast<Role>(q.i64(0));
}

std::optional<Message> SqliteStore::sent_before(Db& db, UserId sender, const std::string& client_id) {
  auto& q = db.prepare("SELECT " PARLEY_MESSAGE_COLUMNS " FROM messages m WHERE m.sender = ? AND m.client_id = ?");
  q.bind(1, sender.value).bind(2, client_id);
  if (!q.step()) return std::nullopt;
  auto m = message_at(q, 0);
  q.reset();
  return m;
}

std::optional<AppendResult> SqliteStore::insert_message(Db& db, ChatId chat, UserId sender, DeviceId device,
                                                        const std::string& client_id, const std::string& text,
                                                        const std::string& system,
                                                        const std::vector<UserId>& recipients,
                                                        const std::string& media, const std::string& media_id,
                                                        Seq reply_to, std::int64_t forwarded,
                                                        chat_writes::Expiry expiry) {
  AppendResult r;
  r.message = Message{chat, next_seq(db, chat), sender, device, client_id, stamp(), text, system, media};
  r.message.reply_to = reply_to;
  r.message.forwarded = forwarded;
  if (expiry.after_ms > 0) r.message.expires_at = r.message.ts + expiry.after_ms;
  auto& ins = db.prepare(
      "INSERT INTO messages (chat_id, seq, sender, sender_device, client_id, ts, text, system, media, reply_to, "
      "forwarded, expires_at, transient) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT(sender, client_id) DO NOTHING");
  ins.bind(10, reply_to).bind(11, forwarded).bind(12, r.message.expires_at).bind(13, expiry.transient ? 1 : 0);
  ins.bind(1, chat.value)
      .bind(2, r.message.seq)
      .bind(3, sender.value)
      .bind(4, device.value)
      .bind_static(5, client_id)
      .bind(6, r.message.ts)
      .bind_static(7, text);
  if (system.empty()) ins.bind_null(8);
  else ins.bind_static(8, system);
  if (media.empty()) ins.bind_null(9);
  else ins.bind_static(9, media);
  ins.exec();
  if (db.changes() == 0) {  // the client id was used before: give the seq back (no gap)
    --chat_seq_[chat.value];
    return std::nullopt;
  }
  if (!media_id.empty()) refer_media(db, media_id, chat, r.message.seq);
  if (system.empty()) index_text(db, chat, r.message.seq, text);
  if (!recipients.empty()) mark_posted(db, chat, sender);  // not in rooms
  auto& up = db.prepare("INSERT INTO updates (user_id, pts, kind, chat_id, seq, ts) VALUES (?, ?, ?, ?, ?, ?)");
  for (UserId u : recipients) {
    Pts pts = next_pts(db, u);
    up.reset();
    up.bind(1, u.value).bind(2, pts).bind(3, stored(UpdateKind::kMessage)).bind(4, chat.value).bind(5, r.message.seq);
    up.bind(6, r.message.ts).exec();
    r.deliveries.push_back({u, pts});
  }
  return r;
}

SqliteStore::GroupMinimum& SqliteStore::group_minimum(Db& db, ChatId chat, bool recount) {
  if (!recount)
    if (auto it = group_min_.find(chat.value); it != group_min_.end()) return it->second;
  auto& q = db.prepare("SELECT delivered_seq, read_seq FROM chat_members WHERE chat_id = ?");
  q.bind(1, chat.value);
  GroupMinimum m{INT64_MAX, INT64_MAX, 0, 0};
  auto at = [](Seq v, Seq& min, std::int64_t& count) {
    if (v < min) min = v, count = 0;
    if (v == min) ++count;
  };
  while (q.step()) {
    at(q.i64(0), m.delivered, m.at_delivered);
    at(q.i64(1), m.read, m.at_read);
  }
  q.reset();
  if (m.at_delivered == 0) m = {};  // no members
  return group_min_[chat.value] = m;
}

void SqliteStore::everyone_reached(Db& db, ChatId chat, std::pair<Seq, Seq> was, std::pair<Seq, Seq> now,
                                   std::vector<Delivery>& out, Seq& all_delivered, Seq& all_read) {
  // A member leaving a minimum lowers its count; the minimum can move only once no member
  // is left at it, and only then are the positions scanned again (once per message, not
  // once per receipt: in a busy group every member sits at the minimum in turn).
  GroupMinimum& m = group_minimum(db, chat);
  std::pair<Seq, Seq> before{m.delivered, m.read};
  bool left = false;
  if (now.first > was.first && was.first <= m.delivered) --m.at_delivered, left = true;
  if (now.second > was.second && was.second <= m.read) --m.at_read, left = true;
  if (!left || (m.at_delivered > 0 && m.at_read > 0)) return;
  const GroupMinimum& fresh = group_minimum(db, chat, true);
  std::pair<Seq, Seq> after{fresh.delivered, fresh.read};
  if (after == before) return;
  all_delivered = after.first;
  all_read = after.second;
  // The senders of the messages now delivered to / read by everyone, if still members.
  Seq lo = after.first != before.first ? before.first : before.second;
  if (after.second != before.second) lo = std::min(lo, before.second);
  Seq hi = std::max(after.first, after.second);
  auto& q = db.prepare(
      "SELECT DISTINCT m.sender FROM messages m JOIN chat_members cm ON cm.chat_id = m.chat_id AND cm.user_id = m.sender "
      "WHERE m.chat_id = ? AND m.seq > ? AND m.seq <= ? AND m.system IS NULL");
  q.bind(1, chat.value).bind(2, lo).bind(3, hi);
  std::vector<UserId> senders;
  while (q.step()) senders.push_back(UserId(q.i64(0)));
  q.reset();
  TimeMs ts = stamp();
  auto& up = db.prepare(
      "INSERT INTO updates (user_id, pts, kind, chat_id, delivered, read, ts) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (UserId u : senders) {
    Pts pts = next_pts(db, u);
    up.reset();
    up.bind(1, u.value).bind(2, pts).bind(3, stored(UpdateKind::kReceiptAll)).bind(4, chat.value).bind(5, after.first);
    up.bind(6, after.second).bind(7, ts).exec();
    out.push_back({u, pts});
  }
}

void SqliteStore::update_receipt(ChatId chat, UserId member, Seq delivered, Seq read,
                                 Done<ReceiptResult> done) {
  write<ReceiptResult>(
      [this, chat, member, delivered, read](Db& db) -> Result<ReceiptResult> {
        const ChatRow* row = chat_row(db, chat);
        if (!row) return Status(Code::kNoSuchChat, "no such chat");
        auto& q = db.prepare(
            "SELECT delivered_seq, read_seq FROM chat_members WHERE chat_id = ? AND user_id = ?");
        q.bind(1, chat.value).bind(2, member.value);
        if (!q.step()) return Status(Code::kNotMember, "not a member of this chat");
        ReceiptResult r;
        r.kind = row->kind;
        r.state = {chat, member, q.i64(0), q.i64(1)};
        q.reset();
        Seq last = current_seq(db, chat);
        Seq new_read = std::min(std::max(r.state.read, read), last);
        Seq new_delivered = std::min(std::max({r.state.delivered, delivered, new_read}), last);
        if (new_read == r.state.read && new_delivered == r.state.delivered) return r;
        std::pair<Seq, Seq> was{r.state.delivered, r.state.read};
        if (row->kind == ChatKind::kGroup) group_minimum(db, chat);  // the minimum before this change
        r.state.read = new_read;
        r.state.delivered = new_delivered;
        r.changed = true;
        db.prepare("UPDATE chat_members SET delivered_seq = ?, read_seq = ? WHERE chat_id = ? AND user_id = ?")
            .bind(1, new_delivered)
            .bind(2, new_read)
            .bind(3, chat.value)
            .bind(4, member.value)
            .exec();
        if (row->kind == ChatKind::kGroup) {
          // When each message reached this member: a row per raise (model/receipt_times.h).
          const auto raised = receipt_times::raise_rows(was, {new_delivered, new_read});
          auto& keep = db.prepare("INSERT OR IGNORE INTO receipt_raises (chat_id, user_id, kind, seq, at) VALUES (?, ?, ?, ?, ?)");
          for (int i = 0; i < raised.count; ++i) {
            keep.reset();
            keep.bind(1, chat.value).bind(2, member.value).bind(3, static_cast<std::int64_t>(raised.rows[i].kind));
            keep.bind(4, raised.rows[i].seq).bind(5, stamp()).exec();
          }
          everyone_reached(db, chat, was, {new_delivered, new_read}, r.all_deliveries, r.all_delivered, r.all_read);
          return r;
        }
        if (row->kind == ChatKind::kRoom) return r;
        TimeMs ts = stamp();
        auto& up = db.prepare(
            "INSERT INTO updates (user_id, pts, kind, chat_id, member, delivered, read, ts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        for (UserId u : members(db, chat)) {
          if (u == member) continue;
          Pts pts = next_pts(db, u);
          up.reset();
          up.bind(1, u.value)
              .bind(2, pts)
              .bind(3, stored(UpdateKind::kReceipt))
              .bind(4, chat.value)
              .bind(5, member.value)
              .bind(6, new_delivered)
              .bind(7, new_read)
              .bind(8, ts)
              .exec();
          r.deliveries.push_back({u, pts});
        }
        return r;
      },
      std::move(done));
}

Result<std::vector<Update>> SqliteStore::read_updates(UserId user, Pts after, int limit) {
  return read([&](Db& db) -> Result<std::vector<Update>> {
    auto& q = db.prepare(
        "SELECT u.pts, u.kind, u.chat_id, u.seq, u.member, u.delivered, u.read, " PARLEY_MESSAGE_COLUMNS " "
        "FROM updates u LEFT JOIN messages m ON u.kind IN (?, ?) AND m.chat_id = u.chat_id AND m.seq = u.seq "
        "WHERE u.user_id = ? AND u.pts > ? ORDER BY u.pts LIMIT ?");
    q.bind(1, stored(UpdateKind::kMessage)).bind(2, stored(UpdateKind::kChanged));
    q.bind(3, user.value).bind(4, after).bind(5, limit);
    std::vector<Update> out;
    while (q.step()) {
      Update u;
      u.pts = q.i64(0);
      u.kind = static_cast<UpdateKind>(q.i64(1));
      ChatId chat(q.i64(2));
      if (u.kind == UpdateKind::kMessage || u.kind == UpdateKind::kChanged) {
        if (q.is_null(7)) continue;  // message deleted by retention
        u.message = message_at(q, 7);
      } else if (u.kind == UpdateKind::kMarked) {
        u.message.chat = chat;
        u.message.seq = q.i64(3);
        u.starred = q.i64(4) != 0;
        u.hidden = q.i64(5) != 0;
      } else if (u.kind == UpdateKind::kMembership) {
        u.membership = MembershipUpdate{chat, q.i64(5) != 0, q.i64(3)};
      } else {
        u.receipt = ReceiptState{chat, UserId(q.i64(4)), q.i64(5), q.i64(6)};
      }
      out.push_back(std::move(u));
    }
    return out;
  });
}

Result<Pts> SqliteStore::log_head(UserId user) {
  return read([&](Db& db) -> Result<Pts> {
    auto& q = db.prepare("SELECT log_head FROM users WHERE id = ?");
    q.bind(1, user.value);
    return q.step() ? q.i64(0) : Pts(0);
  });
}

Result<Pts> SqliteStore::log_tail(UserId user) {
  return read([&](Db& db) -> Result<Pts> {
    auto& q = db.prepare("SELECT min(pts) FROM updates WHERE user_id = ?");
    q.bind(1, user.value);
    if (q.step() && !q.is_null(0)) return q.i64(0);
    q.reset();
    auto& h = db.prepare("SELECT log_head FROM users WHERE id = ?");
    h.bind(1, user.value);
    return (h.step() ? h.i64(0) : Pts(0)) + 1;
  });
}

Result<std::vector<ChatSummary>> SqliteStore::list_chats(UserId user) {
  return read([&](Db& db) -> Result<std::vector<ChatSummary>> {
    auto& q = db.prepare(
        "SELECT me.chat_id, CASE WHEN m.seq IS NULL AND EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = me.user_id "
        "  AND h.chat_id = me.chat_id AND h.seq = c.last_seq) THEN 0 ELSE coalesce(m.seq, c.last_seq) END, me.read_seq, "
        "  CASE WHEN c.kind = ?1 THEN coalesce(peer.user_id, me.user_id) ELSE 0 END, coalesce(pu.phone, ''), "
        "  coalesce(peer.delivered_seq, me.delivered_seq), coalesce(peer.read_seq, me.read_seq), "
        "  coalesce(m.ts, c.created_at), coalesce(m.text, ''), coalesce(m.sender, 0), c.kind, c.name, c.member_count, "
        "  coalesce(m.media, ''), c.avatar, CASE WHEN c.kind = ?1 THEN coalesce(pu.avatar, mu.avatar) ELSE '' END, "
        "  c.temporary, c.disappear_ms, coalesce(p.muted_until, 0), coalesce(p.archived, 0), coalesce(p.pinned, 0), "
        // A group's "everyone has delivered / read up to" (at most 256 members each).
        "  CASE WHEN c.kind = ?3 THEN (SELECT min(a.delivered_seq) FROM chat_members a WHERE a.chat_id = me.chat_id) ELSE 0 END, "
        "  CASE WHEN c.kind = ?3 THEN (SELECT min(a.read_seq) FROM chat_members a WHERE a.chat_id = me.chat_id) ELSE 0 END "
        "FROM chat_members me JOIN chats c ON c.id = me.chat_id JOIN users mu ON mu.id = me.user_id "
        "LEFT JOIN chat_members peer ON c.kind = ?1 AND peer.chat_id = me.chat_id AND peer.user_id <> me.user_id "
        "LEFT JOIN users pu ON pu.id = peer.user_id "
        "LEFT JOIN chat_prefs p ON p.user_id = me.user_id AND p.chat_id = me.chat_id "
        // The last message the user may see: hidden ones (deleted for them, or from a user
        // they block) are passed over, which costs a lookup only when the last one is hidden.
        "LEFT JOIN messages m ON m.chat_id = me.chat_id AND m.seq = CASE WHEN NOT EXISTS (SELECT 1 FROM hidden h "
        "  WHERE h.user_id = me.user_id AND h.chat_id = me.chat_id AND h.seq = c.last_seq) THEN c.last_seq ELSE "
        "  (SELECT max(x.seq) FROM messages x WHERE x.chat_id = me.chat_id AND NOT EXISTS (SELECT 1 FROM hidden h "
        "   WHERE h.user_id = me.user_id AND h.chat_id = x.chat_id AND h.seq = x.seq)) END "
        "WHERE me.user_id = ?2 ORDER BY 8 DESC, 1 DESC");
    q.bind(1, stored(ChatKind::kDirect)).bind(2, user.value).bind(3, stored(ChatKind::kGroup));
    std::vector<ChatSummary> out;
    while (q.step()) {
      ChatSummary s;
      s.chat = ChatId(q.i64(0));
      s.last_seq = q.i64(1);
      s.my_read = q.i64(2);
      s.peer = UserId(q.i64(3));
      s.peer_phone = q.text(4);
      s.peer_delivered = q.i64(5);
      s.peer_read = q.i64(6);
      s.last_ts = q.i64(7);
      s.last_text = q.text(8);
      s.last_sender = UserId(q.i64(9));
      s.kind = static_cast<ChatKind>(q.i64(10));
      s.name = q.text(11);
      s.member_count = q.i64(12);
      s.last_media = q.text(13);
      s.avatar = q.text(14);
      s.peer_avatar = q.text(15);
      s.temporary = q.i64(16) != 0;
      s.disappear_ms = q.i64(17);
      s.muted_until = q.i64(18);
      s.archived = q.i64(19) != 0;
      s.pinned = q.i64(20) != 0;
      s.all_delivered = q.i64(21);
      s.all_read = q.i64(22);
      out.push_back(std::move(s));
    }
    for (auto& s : out)
      if (s.kind == ChatKind::kDirect && s.peer == user) s.peer_phone = find_user(user)->phone;
    return out;
  });
}

Result<std::vector<Message>> SqliteStore::read_history(ChatId chat, UserId member, Seq before,
                                                       int limit) {
  return read([&](Db& db) -> Result<std::vector<Message>> {
    // Members read what came after they joined; former members what they had when they left.
    auto& m = db.prepare(
        "SELECT joined_seq, NULL FROM chat_members WHERE chat_id = ?1 AND user_id = ?2 "
        "UNION ALL SELECT joined_seq, left_seq FROM former_members WHERE chat_id = ?1 AND user_id = ?2");
    m.bind(1, chat.value).bind(2, member.value);
    if (!m.step()) return Status(Code::kNotMember, "not a member of this chat");
    Seq from = m.i64(0);
    Seq until = m.is_null(1) ? INT64_MAX : m.i64(1) + 1;
    m.reset();
    // Newest first along the primary key; what the reader hid or what expired is skipped.
    auto& q = db.prepare(
        "SELECT " PARLEY_MESSAGE_COLUMNS ", EXISTS (SELECT 1 FROM stars s WHERE s.user_id = ?5 AND s.chat_id = m.chat_id "
        "AND s.seq = m.seq) FROM messages m WHERE m.chat_id = ?1 AND m.seq < ?2 AND m.seq > ?3 AND m.deleted <> -1 "
        "AND NOT EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = ?5 AND h.chat_id = m.chat_id AND h.seq = m.seq) "
        "ORDER BY m.seq DESC LIMIT ?4");
    q.bind(1, chat.value).bind(2, std::min(before > 0 ? before : INT64_MAX, until)).bind(3, from).bind(4, limit);
    q.bind(5, member.value);
    std::vector<Message> out;
    while (q.step()) {
      out.push_back(message_at(q, 0));
      out.back().starred = q.i64(kMessageColumnCount) != 0;
    }
    return out;
  });
}

Result<std::vector<Message>> SqliteStore::read_room(ChatId room, UserId member, Seq after, int limit) {
  return read([&](Db& db) -> Result<std::vector<Message>> {
    auto& m = db.prepare("SELECT joined_seq FROM chat_members WHERE chat_id = ? AND user_id = ?");
    m.bind(1, room.value).bind(2, member.value);
    if (!m.step()) return Status(Code::kNotMember, "not a member of this chat");
    Seq from = std::max(after, m.i64(0));
    m.reset();
    auto& q = db.prepare("SELECT " PARLEY_MESSAGE_COLUMNS " FROM messages m WHERE m.chat_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?");
    q.bind(1, room.value).bind(2, from).bind(3, limit);
    std::vector<Message> out;
    while (q.step()) out.push_back(message_at(q, 0));
    return out;
  });
}

// ---------------------------------------------------------------- groups and rooms

Result<ChatInfo> SqliteStore::chat_info(ChatId chat, UserId viewer) {
  return read([&](Db& db) -> Result<ChatInfo> {
    auto& q = db.prepare(
        "SELECT kind, name, avatar, members_can_add, everyone_posts, created_by, created_at, last_seq, member_count, "
        "coalesce(invite, ''), public, temporary, disappear_ms FROM chats WHERE id = ?");
    q.bind(1, chat.value);
    if (!q.step()) return Status(Code::kNoSuchChat, "no such chat");
    ChatInfo info;
    info.chat = chat;
    info.kind = static_cast<ChatKind>(q.i64(0));
    info.settings = {q.text(1), q.text(2), q.i64(3) != 0, q.i64(4) != 0, q.i64(10) != 0, q.i64(11) != 0, q.i64(12)};
    info.created_by = UserId(q.i64(5));
    info.created_at = q.i64(6);
    info.last_seq = q.i64(7);
    info.member_count = q.i64(8);
    info.invite = q.text(9);
    q.reset();
    auto& me = db.prepare("SELECT role FROM chat_members WHERE chat_id = ? AND user_id = ?");
    me.bind(1, chat.value).bind(2, viewer.value);
    bool member = me.step();
    if (member) info.my_role = static_cast<Role>(me.i64(0));
    me.reset();
    if (!member && info.kind != ChatKind::kRoom) return Status(Code::kNotMember, "not a member of this chat");
    info.member = member;
    if (info.my_role != Role::kAdmin) info.invite.clear();
    if (!member) return info;
    auto& m = db.prepare(
        "SELECT user_id, role, joined_seq, delivered_seq, read_seq FROM chat_members WHERE chat_id = ? "
        "AND (? OR role = 1) ORDER BY user_id");
    m.bind(1, chat.value).bind(2, info.kind != ChatKind::kRoom ? 1 : 0);
    while (m.step())
      info.members.push_back({UserId(m.i64(0)), static_cast<Role>(m.i64(1)), m.i64(2), m.i64(3), m.i64(4)});
    return info;
  });
}

Result<ChatId> SqliteStore::room_by_invite(const std::string& code) {
  return read([&](Db& db) -> Result<ChatId> {
    auto& q = db.prepare("SELECT id FROM chats WHERE invite = ?");
    q.bind(1, code);
    if (!q.step()) return Status(Code::kNotFound, "no room has this invite code");
    return ChatId(q.i64(0));
  });
}

Result<std::vector<std::pair<Seq, std::int64_t>>> SqliteStore::view_counts(ChatId room, UserId viewer,
                                                                          const std::vector<Seq>& seqs) {
  return read([&](Db& db) -> Result<std::vector<std::pair<Seq, std::int64_t>>> {
    auto& m = db.prepare("SELECT 1 FROM chat_members WHERE chat_id = ? AND user_id = ?");
    m.bind(1, room.value).bind(2, viewer.value);
    if (!m.step()) return Status(Code::kNotMember, "not a member of this chat");
    m.reset();
    auto& q = db.prepare("SELECT count(*) FROM chat_members WHERE chat_id = ?1 AND read_seq >= ?2 AND joined_seq < ?2");
    std::vector<std::pair<Seq, std::int64_t>> out;
    for (Seq seq : seqs) {
      q.bind(1, room.value).bind(2, seq);
      q.step();
      out.emplace_back(seq, q.i64(0));
      q.reset();
    }
    return out;
  });
}

Result<std::vector<RoomPosition>> SqliteStore::user_rooms(UserId user, DeviceId device) {
  return read([&](Db& db) -> Result<std::vector<RoomPosition>> {
    auto& q = db.prepare(
        "SELECT m.chat_id, c.last_seq, coalesce(p.seq, max(m.joined_seq, c.last_seq - 100)) FROM chat_members m "
        "JOIN chats c ON c.id = m.chat_id AND c.kind = ? "
        "LEFT JOIN room_positions p ON p.device_id = ? AND p.chat_id = m.chat_id WHERE m.user_id = ? ORDER BY 1");
    q.bind(1, stored(ChatKind::kRoom)).bind(2, device.value).bind(3, user.value);
    std::vector<RoomPosition> out;
    while (q.step()) out.push_back({ChatId(q.i64(0)), q.i64(1), q.i64(2)});
    return out;
  });
}

void SqliteStore::set_room_positions(DeviceId device, std::vector<std::pair<ChatId, Seq>> positions, DoneStatus done) {
  write<bool>(
      [device, positions = std::move(positions)](Db& db) -> Result<bool> {
        auto& q = db.prepare(
            "INSERT INTO room_positions (device_id, chat_id, seq) VALUES (?, ?, ?) "
            "ON CONFLICT(device_id, chat_id) DO UPDATE SET seq = max(seq, excluded.seq)");
        for (auto [chat, seq] : positions) {
          q.bind(1, device.value).bind(2, chat.value).bind(3, seq).exec();
          q.reset();
        }
        return true;
      },
      status_of(std::move(done)));
}

// ---------------------------------------------------------------- presence

void SqliteStore::save_last_seen(std::vector<std::pair<UserId, TimeMs>> seen, DoneStatus done) {
  write<bool>(
      [seen = std::move(seen)](Db& db) -> Result<bool> {
        auto& q = db.prepare(
            "INSERT INTO presence (user_id, last_seen) SELECT ?1, ?2 WHERE EXISTS (SELECT 1 FROM users WHERE id = ?1) "
            "ON CONFLICT(user_id) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)");
        for (const auto& [user, at] : seen) {
          q.bind(1, user.value).bind(2, at).exec();
          q.reset();
        }
        return true;
      },
      status_of(std::move(done)));
}

// ---------------------------------------------------------------- retention

// The update log has no index on ts here (it cost a B-tree insert per log entry: 13 % of
// the CPU per group delivery). The one writer stamps a user's entries in pts order with a
// clock that never goes back (stamp()), so a user's expired entries are the start of their
// log: each step walks the users on from where the last one stopped, reads each log from its
// start up to the first entry still kept, and deletes that range by primary key. A step
// visits at most kUsers users and deletes at most kRows entries, so the writer never stalls
// for long. (Should ts ever go back across a restart, entries behind a newer one wait for it:
// deleted late, never early.)
void SqliteStore::expire(TimeMs log_cutoff, TimeMs now, Done<ExpireStep> done) {
  write<ExpireStep>(
      [this, log_cutoff, now](Db& db) -> Result<ExpireStep> {
        constexpr int kUsers = 2000;
        constexpr std::int64_t kRows = 5000;
        std::vector<std::int64_t> users;
        auto& u = db.prepare("SELECT id FROM users WHERE id > ? ORDER BY id LIMIT ?");
        u.bind(1, expired_through_).bind(2, kUsers);
        while (u.step()) users.push_back(u.i64(0));
        u.reset();
        ExpireStep step{0, false};
        for (auto user : users) {
          auto& log = db.prepare("SELECT pts, ts FROM updates WHERE user_id = ? ORDER BY pts");
          log.bind(1, user);
          Pts last = 0;
          bool more = false;  // expired entries left for the next step
          while (log.step()) {
            if (log.i64(1) >= log_cutoff) break;
            if (step.removed >= kRows) {
              more = true;
              break;
            }
            last = log.i64(0);
            ++step.removed;
          }
          log.reset();
          if (last > 0) db.prepare("DELETE FROM updates WHERE user_id = ? AND pts <= ?").bind(1, user).bind(2, last).exec();
          if (more) return step;  // this user again next step
          expired_through_ = user;
        }
        if (static_cast<int>(users.size()) == kUsers) return step;
        if (!forget_raise_times(db, log_cutoff, kRows, step.removed)) return step;
        expired_through_ = 0;  // every user and every group member's raises visited: the pass is over
        db.prepare("DELETE FROM auth_codes WHERE expires_at < ?").bind(1, now).exec();
        step.removed += db.changes();
        db.prepare("DELETE FROM group_invites WHERE expires_at < ?").bind(1, now).exec();
        step.removed += db.changes();
        db.prepare("DELETE FROM rate_windows WHERE window_end < ?").bind(1, now).exec();
        step.removed += db.changes();
        step.finished = true;
        return step;
      },
      std::move(done));
}

}  // namespace parley::sqlite
