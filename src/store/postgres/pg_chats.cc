// PostgresStore: appending messages, creating and changing groups and rooms. The
// algorithms are the domain's (model/chat_writes.h); this file is how PostgreSQL plans the
// batch (the rows to lock), reads the facts under those locks and writes the rows.
#include <climits>

#include "model/chat_writes.h"
#include "model/membership.h"

#include "store/postgres/pg_store.h"
#include "store/postgres/pg_store_impl.h"

namespace parley::pg {

class ChatTx final : public chat_writes::ChatTx {
 public:
  // `planned`: the chat the plan resolved (and locked); unset for a create.
  ChatTx(PostgresStore& store, PostgresStore::Batch& b, ChatId planned = {}) : s_(store), b_(b), planned_(planned) {}

  Result<ChatId> chat_of(const ChatChange&) override { return planned_; }
  std::optional<chat_writes::ChatRow> chat(ChatId chat) override {
    // Under the chat's row lock: the chat as it is.
    auto row = b_.conn.query(
        "SELECT kind, name, avatar, members_can_add, everyone_posts, member_count, temporary, disappear_ms FROM chats "
        "WHERE id = $1",
        {chat.value});
    if (row.empty()) return std::nullopt;
    chat_writes::ChatRow r{static_cast<ChatKind>(row.i64(0, 0)),
                           {row.text(0, 1), row.text(0, 2), row.text(0, 3) == "t", row.text(0, 4) == "t"},
                           row.i64(0, 5)};
    r.settings.temporary = row.text(0, 6) == "t";
    r.settings.disappear_ms = row.i64(0, 7);
    return r;
  }
  std::optional<Message> sent_before(UserId sender, const std::string& client_id) override {
    if (auto it = b_.existing.find({sender.value, client_id}); it != b_.existing.end()) return it->second;
    return std::nullopt;
  }
  std::vector<UserId> existing(const std::vector<UserId>& users) override {
    std::vector<UserId> out;
    if (users.empty()) return out;
    auto r = b_.conn.query("SELECT id FROM users WHERE id = ANY($1::bigint[]) ORDER BY id", {user_array(users)});
    for (int i = 0; i < r.size(); ++i) out.push_back(UserId(r.i64(i, 0)));
    return out;
  }
  std::map<std::int64_t, Role> roles(ChatId chat, const std::vector<UserId>& users) override {
    std::map<std::int64_t, Role> out;
    auto r = b_.conn.query("SELECT user_id, role FROM chat_members WHERE chat_id = $1 AND user_id = ANY($2::bigint[])",
                           {chat.value, user_array(users)});
    for (int i = 0; i < r.size(); ++i) out[r.i64(i, 0)] = static_cast<Role>(r.i64(i, 1));
    return out;
  }
  std::int64_t admin_count(ChatId chat) override {
    return b_.conn
        .query("SELECT count(*) FROM chat_members WHERE chat_id = $1 AND role = $2",
               {chat.value, static_cast<std::int64_t>(Role::kAdmin)})
        .i64(0, 0);
  }
  std::optional<UserId> successor(ChatId chat, UserId actor) override {
    auto r = b_.conn.query(
        "SELECT user_id FROM chat_members WHERE chat_id = $1 AND user_id <> $2 ORDER BY joined_seq, user_id LIMIT 1",
        {chat.value, actor.value});
    if (r.empty()) return std::nullopt;
    return UserId(r.i64(0, 0));
  }
  std::vector<UserId> members(ChatId chat) override { return s_.fresh_members(b_.conn, chat); }
  Seq last_seq(ChatId chat) override { return b_.seq(chat); }
  std::pair<Seq, Seq> receipt_minimum(ChatId chat) override {
    auto m = b_.conn.query("SELECT min(delivered_seq), min(read_seq) FROM chat_members WHERE chat_id = $1", {chat.value});
    return m.is_null(0, 0) ? std::pair<Seq, Seq>{INT64_MAX, INT64_MAX} : std::pair<Seq, Seq>{m.i64(0, 0), m.i64(0, 1)};
  }
  TimeMs now() override { return s_.stamp(); }

  ChatId insert_chat(const NewChat& nc, std::int64_t member_count) override {
    auto row = b_.conn.query(
        "INSERT INTO chats (kind, created_at, name, avatar, members_can_add, everyone_posts, created_by, invite, "
        "member_count, public) VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, ''), $9, $10) RETURNING id",
        {stored(nc.kind), s_.stamp(), nc.settings.name, nc.settings.avatar, nc.settings.members_can_add ? "true" : "false",
         nc.settings.everyone_posts ? "true" : "false", nc.creator.value, nc.invite, member_count,
         nc.settings.is_public ? "true" : "false"});
    ChatId chat(row.i64(0, 0));
    b_.chat_seq[chat.value] = 0;  // a new row: this transaction is the only one that sees it
    return chat;
  }
  void remove_members(ChatId chat, const std::vector<UserId>& users, Seq left_at) override {
    // What a former member keeps: the group's name and their read position as now (this
    // batch's receipts are not written back yet: they count too).
    std::vector<std::int64_t> raised, reads;
    for (UserId u : users)
      if (auto it = b_.receipts.find({chat.value, u.value}); it != b_.receipts.end()) {
        raised.push_back(u.value);
        reads.push_back(it->second.second);
      }
    b_.conn.query(
        "INSERT INTO former_members (chat_id, user_id, joined_seq, left_seq, name, read_seq) "
        "SELECT m.chat_id, m.user_id, m.joined_seq, $3, c.name, greatest(m.read_seq, coalesce(t.r, 0)) "
        "FROM chat_members m JOIN chats c ON c.id = m.chat_id "
        "LEFT JOIN unnest($4::bigint[], $5::bigint[]) AS t(u, r) ON t.u = m.user_id "
        "WHERE m.chat_id = $1 AND m.user_id = ANY($2::bigint[]) "
        "ON CONFLICT (chat_id, user_id) DO UPDATE SET joined_seq = excluded.joined_seq, left_seq = excluded.left_seq, "
        "name = excluded.name, read_seq = excluded.read_seq",
        {chat.value, user_array(users), left_at, int_array(raised), int_array(reads)});
    b_.conn.query("DELETE FROM chat_members WHERE chat_id = $1 AND user_id = ANY($2::bigint[])", {chat.value, user_array(users)});
  }
  void add_members(ChatId chat, const std::vector<UserId>& users, Seq joined_at) override {
    b_.conn.query(
        "INSERT INTO chat_members (chat_id, user_id, joined_seq, delivered_seq, read_seq) "
        "SELECT $1, u, $3, $3, $3 FROM unnest($2::bigint[]) AS t(u) ORDER BY u",
        {chat.value, user_array(users), joined_at});
    b_.conn.query("DELETE FROM former_members WHERE chat_id = $1 AND user_id = ANY($2::bigint[])", {chat.value, user_array(users)});
  }
  void set_role(ChatId chat, UserId user, Role role) override {
    b_.conn.query("UPDATE chat_members SET role = $3 WHERE chat_id = $1 AND user_id = $2",
                  {chat.value, user.value, static_cast<std::int64_t>(role)});
  }
  void update_chat(ChatId chat, const ChatSettings& settings, std::int64_t member_count, bool rights_changed) override {
    // members_version moves when rights may have: sends planned on other nodes with the
    // old members then run again (a room join leaves it, so they need not).
    b_.conn.query(
        "UPDATE chats SET name = $2, avatar = $3, members_can_add = $4, everyone_posts = $5, member_count = $6, "
        "members_version = members_version + $7, temporary = $8, disappear_ms = $9 WHERE id = $1",
        {chat.value, settings.name, settings.avatar, settings.members_can_add ? "true" : "false",
         settings.everyone_posts ? "true" : "false", member_count, rights_changed ? 1 : 0,
         settings.temporary ? "true" : "false", settings.disappear_ms});
    s_.chats_.erase(chat.value);
    b_.changed_chats.insert(chat.value);
  }
  std::optional<AppendResult> append_event(ChatId chat, UserId by, DeviceId device, const std::string& client_id,
                                           const std::string& event, const std::vector<UserId>& recipients) override {
    if (!client_id.empty() && b_.existing.count({by.value, client_id})) return std::nullopt;
    AppendResult m;
    m.message = Message{chat, b_.next_seq(chat), by, device, client_id, s_.stamp(), {}, event};
    b_.add_message(m.message);
    if (!recipients.empty()) s_.mark_posted(b_, chat, by);  // not in rooms
    for (UserId u : recipients) {
      Pts pts = b_.next_pts(u);
      b_.add_update(u, pts, UpdateKind::kMessage, chat, m.message.seq, 0, 0, 0, m.message.ts);
      m.deliveries.push_back({u, pts});
    }
    if (!client_id.empty()) b_.existing.emplace(Key{by.value, client_id}, m.message);
    return m;
  }
  void removal_reached(ChatId chat, std::pair<Seq, Seq> before, AppendResult& m) override {
    s_.everyone_reached(b_, chat, s_.fresh_members(b_.conn, chat), before, receipt_minimum(chat), m.all_deliveries,
                        m.all_delivered, m.all_read);
  }
  Pts log_membership(UserId user, ChatId chat, Seq seq, bool member, TimeMs at) override {
    Pts pts = b_.next_pts(user);
    b_.add_update(user, pts, UpdateKind::kMembership, chat, seq, 0, member ? 1 : 0, 0, at);
    return pts;
  }
  std::optional<MediaRecord> media(UserId user, const std::string& id) override {
    return s_.readable_media(b_.conn, user, id);
  }
  void avatar_changed(ChatId chat, const std::string& before, const std::string& now) override {
    if (!before.empty())
      b_.conn.query("DELETE FROM media_refs WHERE media = $1 AND chat_id = $2 AND seq = 0", {before, chat.value});
    if (!now.empty())
      b_.conn.query("INSERT INTO media_refs (media, chat_id, seq) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING",
                    {now, chat.value});
  }

 private:
  PostgresStore& s_;
  PostgresStore::Batch& b_;
  const ChatId planned_;
};

class AppendTx final : public chat_writes::AppendTx {
 public:
  AppendTx(PostgresStore& store, PostgresStore::Batch& b, ChatId planned) : s_(store), b_(b), planned_(planned) {}

  Result<ChatId> chat_of(const NewMessage&) override { return planned_; }
  const chat_writes::ChatRow* chat(ChatId chat) override {
    const auto* cc = cc_ = s_.chat_cache(b_.conn, chat);  // append asks for its one chat only
    if (!cc) return nullptr;
    row_.kind = cc->kind;
    // What append reads of the settings: who posts, and the chat's mode.
    row_.settings.everyone_posts = cc->settings.everyone_posts;
    row_.settings.temporary = cc->settings.temporary;
    row_.settings.disappear_ms = cc->settings.disappear_ms;
    // A change earlier in this batch (only admins posting, say): the cached settings are
    // stale; the rule is judged on the row as this transaction has it.
    if (changed(chat)) {
      auto r = b_.conn.query("SELECT everyone_posts, temporary, disappear_ms FROM chats WHERE id = $1", {chat.value});
      row_.settings.everyone_posts = r.text(0, 0) == "t";
      row_.settings.temporary = r.text(0, 1) == "t";
      row_.settings.disappear_ms = r.i64(0, 2);
    }
    return &row_;
  }
  std::optional<Role> role(ChatId chat, UserId user) override {
    const auto* cc = cc_;
    if (cc->kind != ChatKind::kRoom && !changed(chat)) {  // the members the plan checked and locked
      if (std::binary_search(cc->admins.begin(), cc->admins.end(), user)) return Role::kAdmin;
      if (std::binary_search(cc->members.begin(), cc->members.end(), user)) return Role::kMember;
      return std::nullopt;
    }
    auto r = b_.conn.query("SELECT role FROM chat_members WHERE chat_id = $1 AND user_id = $2", {chat.value, user.value});
    if (r.empty()) return std::nullopt;
    return static_cast<Role>(r.i64(0, 0));
  }
  const std::vector<UserId>& members(ChatId chat) override {
    if (!changed(chat)) return cc_->members;
    fresh_ = s_.fresh_members(b_.conn, chat);  // a change earlier in this batch
    return fresh_;
  }
  std::optional<MediaRecord> media(UserId user, const std::string& id) override {
    return s_.readable_media(b_.conn, user, id);
  }
  std::optional<AppendResult> insert(ChatId chat, const NewMessage& m, const std::vector<UserId>& recipients,
                                     const std::string& media, std::int64_t forwarded, chat_writes::Expiry expiry) override {
    Key key{m.sender.value, m.client_id};
    if (b_.existing.count(key)) return std::nullopt;
    AppendResult r;
    r.message = Message{chat, b_.next_seq(chat), m.sender, m.sender_device, m.client_id, s_.stamp(), m.text, {}, media};
    r.message.reply_to = m.reply_to;
    r.message.forwarded = forwarded;
    if (expiry.after_ms > 0) r.message.expires_at = r.message.ts + expiry.after_ms;
    b_.add_message(r.message, expiry.transient);
    if (!m.media_id.empty()) {
      b_.ref_media.push_back(m.media_id);
      b_.ref_chats.push_back(chat.value);
      b_.ref_seqs.push_back(r.message.seq);
    }
    if (!recipients.empty()) s_.mark_posted(b_, chat, m.sender);  // not in rooms
    for (UserId u : recipients) {
      Pts pts = b_.next_pts(u);
      b_.add_update(u, pts, UpdateKind::kMessage, chat, r.message.seq, 0, 0, 0, r.message.ts);
      r.deliveries.push_back({u, pts});
    }
    b_.existing.emplace(std::move(key), r.message);
    return r;
  }
  std::optional<Message> sent_before(UserId sender, const std::string& client_id) override {
    if (auto it = b_.existing.find({sender.value, client_id}); it != b_.existing.end()) return it->second;
    return std::nullopt;
  }
  std::optional<message_actions::Reader> reader(ChatId chat, UserId user) override {
    return s_.reader(b_.conn, chat, user);
  }
  std::optional<Message> message(ChatId chat, Seq seq) override { return s_.message(b_.conn, chat, seq, false); }
  std::pair<bool, bool> blocks(UserId sender, UserId peer) override {  // read with the batch's locks
    return {b_.blocks.count({sender.value, peer.value}) > 0, b_.blocks.count({peer.value, sender.value}) > 0};
  }
  void hide(ChatId chat, Seq seq, UserId user) override {
    b_.conn.query("INSERT INTO hidden (user_id, chat_id, seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                  {user.value, chat.value, seq});
  }
  void sender_saw(ChatId chat, UserId sender, Seq seq, const std::vector<UserId>& members, AppendResult& r) override {
    auto before = b_.minimum(chat, members);
    auto& mine = b_.receipts[{chat.value, sender.value}];
    mine = {std::max(mine.first, seq), std::max(mine.second, seq)};
    b_.dirty_receipts.insert({chat.value, sender.value});
    s_.everyone_reached(b_, chat, members, before, b_.minimum(chat, members), r.all_deliveries, r.all_delivered,
                        r.all_read);
  }

 private:
  bool changed(ChatId chat) const { return b_.changed_chats.count(chat.value) > 0; }

  PostgresStore& s_;
  PostgresStore::Batch& b_;
  const ChatId planned_;
  const PostgresStore::ChatCache* cc_ = nullptr;  // the chat, as chat() found it
  chat_writes::ChatRow row_;
  std::vector<UserId> fresh_;
};

void PostgresStore::append_message(NewMessage m, Done<AppendResult> done) {
  struct Plan {
    ChatId chat;
  };
  auto plan = std::make_shared<Plan>();
  auto msg = std::make_shared<const NewMessage>(std::move(m));
  write<AppendResult>(
      [this, plan, msg](Batch& b) -> Status {
        if (msg->to) {
          if (!user_exists(b.conn, *msg->to)) return Status(Code::kNoSuchUser, "no such user");
          plan->chat = direct_chat(b.conn, msg->sender, *msg->to);
        } else {
          plan->chat = *msg->chat;
        }
        const ChatCache* cc = chat_cache(b.conn, plan->chat);
        if (!cc) return Status(Code::kNoSuchChat, "no such chat");
        b.lock_chats.insert(plan->chat.value);
        b.planned_versions[plan->chat.value] = cc->version;
        b.dedupe_senders.push_back(msg->sender.value);
        b.dedupe_ids.push_back(msg->client_id);
        if (cc->kind == ChatKind::kRoom) return Status::Ok();  // posting rights are checked under the lock
        // Refused early (no rows locked for it) on the cached rights; judged again when it runs.
        if (!std::binary_search(cc->members.begin(), cc->members.end(), msg->sender))
          return Status(Code::kNotMember, "not a member of this chat");
        if (cc->kind == ChatKind::kGroup && !cc->settings.everyone_posts) {
          bool admin = std::binary_search(cc->admins.begin(), cc->admins.end(), msg->sender);
          if (Status st = membership::may_post(cc->kind, cc->settings, admin ? Role::kAdmin : Role::kMember); !st.ok())
            return st;
        }
        for (UserId u : cc->members) {
          b.lock_users.insert(u.value);
          if (cc->kind == ChatKind::kGroup) b.lock_receipts.insert({plan->chat.value, u.value});
          if (cc->kind == ChatKind::kDirect) b.block_users.insert(u.value);  // blocks read once per batch
        }
        return Status::Ok();
      },
      [this, plan, msg](Batch& b) -> Result<AppendResult> {
        AppendTx tx(*this, b, plan->chat);
        return chat_writes::append(tx, *msg);
      },
      std::move(done));
}

void PostgresStore::create_chat(NewChat nc, Done<ChangeResult> done) {
  auto chat = std::make_shared<const NewChat>(std::move(nc));
  write<ChangeResult>(
      [chat](Batch& b) -> Status {
        b.dedupe_senders.push_back(chat->creator.value);
        b.dedupe_ids.push_back(chat->client_id);
        b.lock_users.insert(chat->creator.value);
        for (UserId u : chat->members) b.lock_users.insert(u.value);
        return Status::Ok();
      },
      [this, chat](Batch& b) -> Result<ChangeResult> {
        ChatTx tx(*this, b);
        return chat_writes::create(tx, *chat);
      },
      std::move(done));
}

void PostgresStore::change_chat(ChatChange change, Done<ChangeResult> done) {
  auto planned = std::make_shared<ChatId>();
  auto c = std::make_shared<const ChatChange>(std::move(change));
  write<ChangeResult>(
      [this, planned, c](Batch& b) -> Status {
        *planned = c->chat;
        if (!planned->value) {
          auto r = b.conn.query("SELECT id FROM chats WHERE invite = $1", {c->value});
          if (r.empty()) return Status(Code::kNotFound, "no room has this invite code");
          *planned = ChatId(r.i64(0, 0));
        }
        const ChatCache* cc = chat_cache(b.conn, *planned);
        if (!cc) return Status(Code::kNoSuchChat, "no such chat");
        b.lock_chats.insert(planned->value);
        // The log entries go to the members (groups: everyone; rooms: those joining or leaving).
        for (UserId u : cc->members) b.lock_users.insert(u.value);
        for (UserId u : c->users) b.lock_users.insert(u.value);
        b.lock_users.insert(c->actor.value);
        if (!c->client_id.empty()) {
          b.dedupe_senders.push_back(c->actor.value);
          b.dedupe_ids.push_back(c->client_id);
        }
        return Status::Ok();
      },
      [this, planned, c](Batch& b) -> Result<ChangeResult> {
        ChatTx tx(*this, b, *planned);
        return chat_writes::change(tx, *c);
      },
      std::move(done));
}

}  // namespace parley::pg
