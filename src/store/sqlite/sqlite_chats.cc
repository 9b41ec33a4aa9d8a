// SqliteStore: appending messages, creating and changing groups and rooms. The algorithms
// are the domain's (model/chat_writes.h); this file is how SQLite reads the facts and
// writes the rows, inside the writer's transaction.
#include <cstdint>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace parley::sqlite {

class ChatTx final : public chat_writes::ChatTx {
 public:
  ChatTx(SqliteStore& store, Db& db) : s_(store), db_(db) {}

  Result<ChatId> chat_of(const ChatChange& c) override {
    if (c.chat.value) return c.chat;
    auto& q = db_.prepare("SELECT id FROM chats WHERE invite = ?");
    q.bind(1, c.value);
    if (!q.step()) return Status(Code::kNotFound, "no room has this invite code");
    return ChatId(q.i64(0));
  }
  std::optional<chat_writes::ChatRow> chat(ChatId chat) override {
    const auto* row = s_.chat_row(db_, chat);
    if (!row) return std::nullopt;
    return *row;
  }
  std::optional<Message> sent_before(UserId sender, const std::string& client_id) override {
    return s_.sent_before(db_, sender, client_id);
  }
  std::vector<UserId> existing(const std::vector<UserId>& users) override {
    std::vector<UserId> out;
    for (UserId u : users)
      if (s_.user_exists(db_, u)) out.push_back(u);
    return out;
  }
  std::map<std::int64_t, Role> roles(ChatId chat, const std::vector<UserId>& users) override {
    std::map<std::int64_t, Role> out;
    for (UserId u : users)
      if (auto role = s_.role_in(db_, chat, u)) out[u.value] = *role;
    return out;
  }
  std::int64_t admin_count(ChatId chat) override {
    auto& q = db_.prepare("SELECT count(*) FROM chat_members WHERE chat_id = ? AND role = ?");
    q.bind(1, chat.value).bind(2, static_cast<std::int64_t>(Role::kAdmin));
    q.step();
    std::int64_t n = q.i64(0);
    q.reset();
    return n;
  }
  std::optional<UserId> successor(ChatId chat, UserId actor) override {
    auto& q = db_.prepare(
        "SELECT user_id FROM chat_members WHERE chat_id = ? AND user_id <> ? ORDER BY joined_seq, user_id LIMIT 1");
    q.bind(1, chat.value).bind(2, actor.value);
    std::optional<UserId> out;
    if (q.step()) out = UserId(q.i64(0));
    q.reset();
    return out;
  }
  std::vector<UserId> members(ChatId chat) override { return s_.members(db_, chat); }
  Seq last_seq(ChatId chat) override { return s_.current_seq(db_, chat); }
  std::pair<Seq, Seq> receipt_minimum(ChatId chat) override {
    const auto& m = s_.group_minimum(db_, chat, true);
    return {m.delivered, m.read};
  }
  TimeMs now() override { return s_.stamp(); }

  ChatId insert_chat(const NewChat& nc, std::int64_t member_count) override {
    auto& ins = db_.prepare(
        "INSERT INTO chats (kind, created_at, name, avatar, members_can_add, everyone_posts, created_by, invite, "
        "member_count, public) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, stored(nc.kind))
        .bind(2, s_.stamp())
        .bind(3, nc.settings.name)
        .bind(4, nc.settings.avatar)
        .bind(5, nc.settings.members_can_add ? 1 : 0)
        .bind(6, nc.settings.everyone_posts ? 1 : 0)
        .bind(7, nc.creator.value)
        .bind(9, member_count)
        .bind(10, nc.settings.is_public ? 1 : 0);
    if (nc.invite.empty()) ins.bind_null(8);
    else ins.bind(8, nc.invite);
    ins.exec();
    return ChatId(db_.last_insert_rowid());
  }
  void remove_members(ChatId chat, const std::vector<UserId>& users, Seq left_at) override {
    for (UserId u : users) {
      db_.prepare(
             // What the former member keeps: the group's name and their read position as now.
             "INSERT INTO former_members (chat_id, user_id, joined_seq, left_seq, name, read_seq) "
             "SELECT m.chat_id, m.user_id, m.joined_seq, ?1, c.name, m.read_seq FROM chat_members m "
             "JOIN chats c ON c.id = m.chat_id WHERE m.chat_id = ?2 AND m.user_id = ?3 "
             "ON CONFLICT(chat_id, user_id) DO UPDATE SET joined_seq = excluded.joined_seq, left_seq = excluded.left_seq, "
             "name = excluded.name, read_seq = excluded.read_seq")
          .bind(1, left_at)
          .bind(2, chat.value)
          .bind(3, u.value)
          .exec();
      db_.prepare("DELETE FROM chat_members WHERE chat_id = ? AND user_id = ?").bind(1, chat.value).bind(2, u.value).exec();
    }
  }
  void add_members(ChatId chat, const std::vector<UserId>& users, Seq joined_at) override {
    for (UserId u : users) {
      db_.prepare("INSERT INTO chat_members (chat_id, user_id, joined_seq, delivered_seq, read_seq) VALUES (?1, ?2, ?3, ?3, ?3)")
          .bind(1, chat.value)
          .bind(2, u.value)
          .bind(3, joined_at)
          .exec();
      db_.prepare("DELETE FROM former_members WHERE chat_id = ? AND user_id = ?").bind(1, chat.value).bind(2, u.value).exec();
    }
  }
  void set_role(ChatId chat, UserId user, Role role) override {
    db_.prepare("UPDATE chat_members SET role = ? WHERE chat_id = ? AND user_id = ?")
        .bind(1, static_cast<std::int64_t>(role))
        .bind(2, chat.value)
        .bind(3, user.value)
        .exec();
  }
  void update_chat(ChatId chat, const ChatSettings& settings, std::int64_t member_count, bool) override {
    db_.prepare(
           "UPDATE chats SET name = ?, avatar = ?, members_can_add = ?, everyone_posts = ?, member_count = ?, "
           "temporary = ?, disappear_ms = ? WHERE id = ?")
        .bind(1, settings.name)
        .bind(2, settings.avatar)
        .bind(3, settings.members_can_add ? 1 : 0)
        .bind(4, settings.everyone_posts ? 1 : 0)
        .bind(5, member_count)
        .bind(6, settings.temporary ? 1 : 0)
        .bind(7, settings.disappear_ms)
        .bind(8, chat.value)
        .exec();
    // One writer: what the caches say of this chat is read again from the rows just written.
    s_.members_.erase(chat.value);
    s_.chat_rows_.erase(chat.value);
    s_.group_min_.erase(chat.value);
  }
  std::optional<AppendResult> append_event(ChatId chat, UserId by, DeviceId device, const std::string& client_id,
                                           const std::string& event, const std::vector<UserId>& recipients) override {
    return s_.insert_message(db_, chat, by, device, client_id, {}, event, recipients);
  }
  void removal_reached(ChatId chat, std::pair<Seq, Seq> before, AppendResult& m) override {
    // As if the members who left sat at the old minimum: it is counted again from the rows.
    s_.group_min_[chat.value] = SqliteStore::GroupMinimum{before.first, before.second, 0, 0};
    s_.everyone_reached(db_, chat, before, {INT64_MAX, INT64_MAX}, m.all_deliveries, m.all_delivered, m.all_read);
  }
  Pts log_membership(UserId user, ChatId chat, Seq seq, bool member, TimeMs at) override {
    Pts pts = s_.next_pts(db_, user);
    db_.prepare("INSERT INTO updates (user_id, pts, kind, chat_id, seq, delivered, ts) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(1, user.value)
        .bind(2, pts)
        .bind(3, stored(UpdateKind::kMembership))
        .bind(4, chat.value)
        .bind(5, seq)
        .bind(6, member ? 1 : 0)
        .bind(7, at)
        .exec();
    return pts;
  }
  std::optional<MediaRecord> media(UserId user, const std::string& id) override { return s_.readable_media(db_, user, id); }
  void avatar_changed(ChatId chat, const std::string& before, const std::string& now) override {
    if (!before.empty()) s_.unrefer_media(db_, before, chat, 0);
    if (!now.empty()) s_.refer_media(db_, now, chat, 0);
  }

 private:
  SqliteStore& s_;
  Db& db_;
};

class AppendTx final : public chat_writes::AppendTx {
 public:
  AppendTx(SqliteStore& store, Db& db) : s_(store), db_(db) {}

  Result<ChatId> chat_of(const NewMessage& m) override {
    if (!m.to) return *m.chat;
    if (!s_.user_exists(db_, *m.to)) return Status(Code::kNoSuchUser, "no such user");
    return s_.direct_chat(db_, m.sender, *m.to);
  }
  const chat_writes::ChatRow* chat(ChatId chat) override {
    return s_.chat_row(db_, chat);  // one writer: the cache is what the rows say
  }
  std::optional<Role> role(ChatId chat, UserId user) override { return s_.role_in(db_, chat, user); }
  const std::vector<UserId>& members(ChatId chat) override { return s_.members(db_, chat); }
  std::optional<MediaRecord> media(UserId user, const std::string& id) override { return s_.readable_media(db_, user, id); }
  std::optional<AppendResult> insert(ChatId chat, const NewMessage& m, const std::vector<UserId>& recipients,
                                     const std::string& media, std::int64_t forwarded, chat_writes::Expiry expiry) override {
    return s_.insert_message(db_, chat, m.sender, m.sender_device, m.client_id, m.text, {}, recipients, media,
                             m.media_id, m.reply_to, forwarded, expiry);
  }
  std::optional<message_actions::Reader> reader(ChatId chat, UserId user) override { return s_.reader(db_, chat, user); }
  std::optional<Message> message(ChatId chat, Seq seq) override { return s_.message(db_, chat, seq); }
  std::optional<Message> sent_before(UserId sender, const std::string& client_id) override {
    return s_.sent_before(db_, sender, client_id);
  }
  std::pair<bool, bool> blocks(UserId sender, UserId peer) override {
    // Two key lookups: written with OR, SQLite runs a multi-index OR that builds a temporary
    // table per message (13 % of the writer's time flat out).
    auto& q = db_.prepare(
        "SELECT user_id FROM blocks WHERE user_id = ?1 AND blocked_id = ?2 "
        "UNION ALL SELECT user_id FROM blocks WHERE user_id = ?2 AND blocked_id = ?1");
    q.bind(1, sender.value).bind(2, peer.value);
    std::pair<bool, bool> out;
    while (q.step()) (q.i64(0) == sender.value ? out.first : out.second) = true;
    return out;
  }
  void hide(ChatId chat, Seq seq, UserId user) override {
    db_.prepare("INSERT OR IGNORE INTO hidden (user_id, chat_id, seq) VALUES (?, ?, ?)")
        .bind(1, user.value)
        .bind(2, chat.value)
        .bind(3, seq)
        .exec();
  }
  void sender_saw(ChatId chat, UserId sender, Seq seq, const std::vector<UserId>&, AppendResult& r) override {
    auto& q = db_.prepare("SELECT delivered_seq, read_seq FROM chat_members WHERE chat_id = ? AND user_id = ?");
    q.bind(1, chat.value).bind(2, sender.value);
    q.step();
    std::pair<Seq, Seq> was{q.i64(0), q.i64(1)};
    q.reset();
    s_.group_minimum(db_, chat);  // the minimum before this change (cached from here on)
    db_.prepare("UPDATE chat_members SET delivered_seq = ?1, read_seq = ?1 WHERE chat_id = ?2 AND user_id = ?3")
        .bind(1, seq)
        .bind(2, chat.value)
        .bind(3, sender.value)
        .exec();
    s_.everyone_reached(db_, chat, was, {seq, seq}, r.all_deliveries, r.all_delivered, r.all_read);
  }

 private:
  SqliteStore& s_;
  Db& db_;
};

void SqliteStore::append_message(NewMessage m, Done<AppendResult> done) {
  write<AppendResult>(
      [this, m = std::move(m)](Db& db) -> Result<AppendResult> {
        AppendTx tx(*this, db);
        return chat_writes::append(tx, m);
      },
      std::move(done));
}

void SqliteStore::create_chat(NewChat nc, Done<ChangeResult> done) {
  write<ChangeResult>(
      [this, nc = std::move(nc)](Db& db) -> Result<ChangeResult> {
        ChatTx tx(*this, db);
        return chat_writes::create(tx, nc);
      },
      std::move(done));
}

void SqliteStore::change_chat(ChatChange c, Done<ChangeResult> done) {
  write<ChangeResult>(
      [this, c = std::move(c)](Db& db) -> Result<ChangeResult> {
        ChatTx tx(*this, db);
        return chat_writes::change(tx, c);
      },
      std::move(done));
}

}  // namespace parley::sqlite
