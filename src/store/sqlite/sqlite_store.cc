#include "store/sqlite/sqlite_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "store/sqlite/schema.h"

namespace parley::sqlite {

namespace {

constexpr int kKindDirect = 1;

void configure_writer(Db& db) {
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=FULL");  // fsync the WAL at every commit: acks are durable
  db.exec("PRAGMA foreign_keys=OFF");
  db.exec("PRAGMA cache_size=-65536");
}

Status unavailable(const std::exception& e) {
  spdlog::error("store: read failed: {}", e.what());
  return Status(Code::kUnavailable, "store read failed; retry");
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
          options_.readers, [this] { return std::make_unique<Db>(options_.path, true); },
          [](Db& db) {
            db.reset_all();  // ends the implicit read transaction (an old snapshot otherwise)
            return true;
          }) {
  writer_db_ = std::make_unique<Db>(options_.path, false);
  configure_writer(*writer_db_);
  int version = migrate(*writer_db_);
  spdlog::info("store: sqlite {} at schema version {}", options_.path, version);
  writer_ = std::make_unique<GroupCommit>(
      *writer_db_,
      GroupCommit::Hooks{[this](Db& db) { flush_counters(db); }, [this] { forget_counters(); }},
      options_.max_batch);
}

SqliteStore::~SqliteStore() { close(); }

void SqliteStore::close() {
  if (writer_) writer_->close();
}

template <class T, class Fn>
void SqliteStore::write(Fn fn, Done<T> done) {
  auto result = std::make_shared<std::optional<Result<T>>>();
  writer_->submit({[fn = std::move(fn), result](Db& db) { result->emplace(fn(db)); },
                   [result, done = std::move(done)](const Status& commit) {
                     if (!commit.ok()) return done(Result<T>(commit));
                     done(std::move(**result));
                   }});
}

template <class Fn>
auto SqliteStore::read(Fn fn) -> decltype(fn(std::declval<Db&>())) {
  try {
    ReaderPool<Db>::Lease lease(readers_);
    return fn(*lease);
  } catch (const std::exception& e) {
    return unavailable(e);
  }
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
        .bind(1, kKindDirect)
        .bind(2, stamp())
        .exec();
    chat = ChatId(db.last_insert_rowid());
    db.prepare("INSERT INTO direct_chats (user_lo, user_hi, chat_id) VALUES (?, ?, ?)")
        .bind(1, key.first)
        .bind(2, key.second)
        .bind(3, chat.value)
        .exec();
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
  members_.clear();
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
        d.name = device.name;
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

void SqliteStore::append_message(NewMessage m, Done<AppendResult> done) {
  write<AppendResult>(
      [this, m = std::move(m)](Db& db) -> Result<AppendResult> {
        ChatId chat;
        if (m.to) {
          if (!user_exists(db, *m.to)) return Status(Code::kNoSuchUser, "no such user");
          chat = direct_chat(db, m.sender, *m.to);
        } else {
          chat = *m.chat;
        }
        const auto& mem = members(db, chat);
        if (mem.empty()) return Status(Code::kNoSuchChat, "no such chat");
        if (!std::binary_search(mem.begin(), mem.end(), m.sender))
          return Status(Code::kNotMember, "not a member of this chat");

        AppendResult r;
        r.message = Message{chat, 0, m.sender, m.sender_device, m.client_id, stamp(), m.text};
        // Peek the next seq without consuming it: a duplicate must not leave a gap.
        Seq seq = next_seq(db, chat);
        auto& ins = db.prepare(
            "INSERT INTO messages (chat_id, seq, sender, sender_device, client_id, ts, text) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sender, client_id) DO NOTHING");
        ins.bind(1, chat.value)
            .bind(2, seq)
            .bind(3, m.sender.value)
            .bind(4, m.sender_device.value)
            .bind(5, m.client_id)
            .bind(6, r.message.ts)
            .bind(7, m.text)
            .exec();
        if (db.changes() == 0) {
          --chat_seq_[chat.value];
          auto& q = db.prepare(
              "SELECT chat_id, seq, sender_device, ts, text FROM messages "
              "WHERE sender = ? AND client_id = ?");
          q.bind(1, m.sender.value).bind(2, m.client_id);
          q.step();
          r.message = Message{ChatId(q.i64(0)), q.i64(1), m.sender, DeviceId(q.i64(2)),
                              m.client_id,      q.i64(3), q.text(4)};
          r.duplicate = true;
          return r;
        }
        r.message.seq = seq;
        auto& up = db.prepare(
            "INSERT INTO updates (user_id, pts, kind, chat_id, seq, ts) VALUES (?, ?, 1, ?, ?, ?)");
        for (UserId u : mem) {
          Pts pts = next_pts(db, u);
          up.reset();
          up.bind(1, u.value).bind(2, pts).bind(3, chat.value).bind(4, seq).bind(5, r.message.ts).exec();
          r.deliveries.push_back({u, pts});
        }
        return r;
      },
      std::move(done));
}

void SqliteStore::update_receipt(ChatId chat, UserId member, Seq delivered, Seq read,
                                 Done<ReceiptResult> done) {
  write<ReceiptResult>(
      [this, chat, member, delivered, read](Db& db) -> Result<ReceiptResult> {
        const auto& mem = members(db, chat);
        if (mem.empty()) return Status(Code::kNoSuchChat, "no such chat");
        if (!std::binary_search(mem.begin(), mem.end(), member))
          return Status(Code::kNotMember, "not a member of this chat");
        auto& q = db.prepare(
            "SELECT delivered_seq, read_seq FROM chat_members WHERE chat_id = ? AND user_id = ?");
        q.bind(1, chat.value).bind(2, member.value);
        q.step();
        ReceiptResult r;
        r.state = {chat, member, q.i64(0), q.i64(1)};
        q.reset();
        Seq last = current_seq(db, chat);
        Seq new_read = std::min(std::max(r.state.read, read), last);
        Seq new_delivered = std::min(std::max({r.state.delivered, delivered, new_read}), last);
        if (new_read == r.state.read && new_delivered == r.state.delivered) return r;
        r.state.read = new_read;
        r.state.delivered = new_delivered;
        r.changed = true;
        db.prepare("UPDATE chat_members SET delivered_seq = ?, read_seq = ? WHERE chat_id = ? AND user_id = ?")
            .bind(1, new_delivered)
            .bind(2, new_read)
            .bind(3, chat.value)
            .bind(4, member.value)
            .exec();
        TimeMs ts = stamp();
        auto& up = db.prepare(
            "INSERT INTO updates (user_id, pts, kind, chat_id, member, delivered, read, ts) "
            "VALUES (?, ?, 2, ?, ?, ?, ?, ?)");
        for (UserId u : mem) {
          if (u == member) continue;
          Pts pts = next_pts(db, u);
          up.reset();
          up.bind(1, u.value)
              .bind(2, pts)
              .bind(3, chat.value)
              .bind(4, member.value)
              .bind(5, new_delivered)
              .bind(6, new_read)
              .bind(7, ts)
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
        "SELECT u.pts, u.kind, u.chat_id, u.seq, u.member, u.delivered, u.read, "
        "m.sender, m.sender_device, m.client_id, m.ts, m.text "
        "FROM updates u LEFT JOIN messages m ON u.kind = 1 AND m.chat_id = u.chat_id AND m.seq = u.seq "
        "WHERE u.user_id = ? AND u.pts > ? ORDER BY u.pts LIMIT ?");
    q.bind(1, user.value).bind(2, after).bind(3, limit);
    std::vector<Update> out;
    while (q.step()) {
      Update u;
      u.pts = q.i64(0);
      u.kind = static_cast<UpdateKind>(q.i64(1));
      ChatId chat(q.i64(2));
      if (u.kind == UpdateKind::kMessage) {
        if (q.is_null(7)) continue;  // message deleted by retention
        u.message = Message{chat, q.i64(3), UserId(q.i64(7)), DeviceId(q.i64(8)),
                            q.text(9), q.i64(10), q.text(11)};
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
        "SELECT me.chat_id, c.last_seq, me.read_seq, "
        "  coalesce(peer.user_id, me.user_id), coalesce(pu.phone, ''), "
        "  coalesce(peer.delivered_seq, me.delivered_seq), coalesce(peer.read_seq, me.read_seq), "
        "  coalesce(m.ts, c.created_at), coalesce(m.text, ''), coalesce(m.sender, 0) "
        "FROM chat_members me JOIN chats c ON c.id = me.chat_id "
        "LEFT JOIN chat_members peer ON peer.chat_id = me.chat_id AND peer.user_id <> me.user_id "
        "LEFT JOIN users pu ON pu.id = peer.user_id "
        "LEFT JOIN messages m ON m.chat_id = me.chat_id AND m.seq = c.last_seq "
        "WHERE me.user_id = ? ORDER BY 8 DESC");
    q.bind(1, user.value);
    std::vector<ChatSummary> out;
    while (q.step()) {
      ChatSummary s;
      s.chat = ChatId(q.i64(0));
      s.kind = "direct";
      s.last_seq = q.i64(1);
      s.my_read = q.i64(2);
      s.peer = UserId(q.i64(3));
      s.peer_phone = q.text(4);
      s.peer_delivered = q.i64(5);
      s.peer_read = q.i64(6);
      s.last_ts = q.i64(7);
      s.last_text = q.text(8);
      s.last_sender = UserId(q.i64(9));
      out.push_back(std::move(s));
    }
    for (auto& s : out)
      if (s.peer == user) s.peer_phone = find_user(user)->phone;
    return out;
  });
}

Result<std::vector<Message>> SqliteStore::read_history(ChatId chat, UserId member, Seq before,
                                                       int limit) {
  return read([&](Db& db) -> Result<std::vector<Message>> {
    auto& m = db.prepare("SELECT 1 FROM chat_members WHERE chat_id = ? AND user_id = ?");
    m.bind(1, chat.value).bind(2, member.value);
    if (!m.step()) return Status(Code::kNotMember, "not a member of this chat");
    m.reset();
    auto& q = db.prepare(
        "SELECT seq, sender, sender_device, client_id, ts, text FROM messages "
        "WHERE chat_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?");
    q.bind(1, chat.value).bind(2, before > 0 ? before : INT64_MAX).bind(3, limit);
    std::vector<Message> out;
    while (q.step())
      out.push_back(Message{chat, q.i64(0), UserId(q.i64(1)), DeviceId(q.i64(2)), q.text(3),
                            q.i64(4), q.text(5)});
    return out;
  });
}

Result<std::vector<UserId>> SqliteStore::chat_members(ChatId chat) {
  return read([&](Db& db) -> Result<std::vector<UserId>> {
    auto& q = db.prepare("SELECT user_id FROM chat_members WHERE chat_id = ? ORDER BY user_id");
    q.bind(1, chat.value);
    std::vector<UserId> out;
    while (q.step()) out.push_back(UserId(q.i64(0)));
    if (out.empty()) return Status(Code::kNoSuchChat, "no such chat");
    return out;
  });
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

void SqliteStore::set_privacy(UserId user, Visibility last_seen, DoneStatus done) {
  write<bool>(
      [this, user, last_seen](Db& db) -> Result<bool> {
        if (!user_exists(db, user)) return Status(Code::kNoSuchUser, "no such user");
        db.prepare(
              "INSERT INTO presence (user_id, visibility) VALUES (?, ?) "
              "ON CONFLICT(user_id) DO UPDATE SET visibility = excluded.visibility")
            .bind(1, user.value)
            .bind(2, static_cast<std::int64_t>(last_seen))
            .exec();
        return true;
      },
      status_of(std::move(done)));
}

Result<std::vector<PresenceRecord>> SqliteStore::read_presence(const std::vector<UserId>& users) {
  return read([&](Db& db) -> Result<std::vector<PresenceRecord>> {
    auto& q = db.prepare(
        "SELECT p.last_seen, p.visibility FROM users u LEFT JOIN presence p ON p.user_id = u.id WHERE u.id = ?");
    std::vector<PresenceRecord> out;
    for (UserId u : users) {
      q.bind(1, u.value);
      if (q.step()) out.push_back(PresenceRecord{u, q.i64(0), static_cast<Visibility>(q.i64(1))});
      q.reset();
    }
    return out;
  });
}

Result<std::vector<UserId>> SqliteStore::direct_peers(UserId user, const std::vector<UserId>& others) {
  return read([&](Db& db) -> Result<std::vector<UserId>> {
    auto& q = db.prepare("SELECT 1 FROM direct_chats WHERE user_lo = ? AND user_hi = ?");
    std::vector<UserId> out;
    for (UserId o : others) {
      q.bind(1, std::min(user, o).value).bind(2, std::max(user, o).value);
      if (q.step()) out.push_back(o);
      q.reset();
    }
    return out;
  });
}

// ---------------------------------------------------------------- retention

void SqliteStore::expire(TimeMs log_cutoff, TimeMs now, Done<std::int64_t> done) {
  write<std::int64_t>(
      [log_cutoff, now](Db& db) -> Result<std::int64_t> {
        // Bounded chunk per transaction so the writer never stalls for long; the caller
        // repeats while rows are deleted.
        db.prepare(
              "DELETE FROM updates WHERE (user_id, pts) IN "
              "(SELECT user_id, pts FROM updates WHERE ts < ? LIMIT 5000)")
            .bind(1, log_cutoff)
            .exec();
        std::int64_t n = db.changes();
        db.prepare("DELETE FROM auth_codes WHERE expires_at < ?").bind(1, now).exec();
        return n + db.changes();
      },
      std::move(done));
}

}  // namespace parley::sqlite
