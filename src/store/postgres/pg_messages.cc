// PostgresStore: message actions (edit, delete, react, star, hide), the starred list and
// full-text search. The rules are the domain's (model/message_actions.h); this file is how
// PostgreSQL plans the batch (the rows to lock), reads and writes the rows, and queries its
// GIN index (model/search_text.h, docs/search.md).
#include <climits>

#include "model/message_actions.h"
#include "model/search_text.h"
#include "store/postgres/pg_store.h"
#include "store/postgres/pg_store_impl.h"

namespace parley::pg {

namespace {


// A tsquery matching every term, the last one as a prefix too. A term holds letters, digits
// and marks only (search_text::terms); quoting makes the parser split it as it splits the
// text (a CJK run becomes a phrase).
std::string ts_query(const std::vector<std::string>& terms) {
  std::string q;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (i) q += " & ";
    q += '\'';
    for (char c : terms[i]) q += c == '\'' ? std::string("''") : c == '\\' ? std::string("\\\\") : std::string(1, c);
    q += '\'';
    if (i + 1 == terms.size()) q += ":*";
  }
  return q;
}

}  // namespace

class ActionTx final : public message_actions::ActionTx {
 public:
  ActionTx(PostgresStore& store, PostgresStore::Batch& b) : s_(store), b_(b) {}

  std::optional<ChatKind> kind(ChatId chat) override {
    const auto* cc = s_.chat_cache(b_.conn, chat);
    if (!cc) return std::nullopt;
    return cc->kind;
  }
  std::optional<message_actions::Reader> reader(ChatId chat, UserId user) override { return s_.reader(b_.conn, chat, user); }
  std::optional<Message> message(ChatId chat, Seq seq) override { return s_.message(b_.conn, chat, seq, true); }
  std::vector<UserId> readers(ChatId chat, Seq seq) override {
    auto r = b_.conn.query("SELECT user_id FROM chat_members WHERE chat_id = $1 AND joined_seq < $2 ORDER BY user_id",
                           {chat.value, seq});
    std::vector<UserId> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(UserId(r.i64(i, 0)));
    return out;
  }
  TimeMs now() override { return s_.stamp(); }
  std::vector<std::pair<std::string, UserId>> reactions(ChatId chat, Seq seq) override {
    auto r = b_.conn.query("SELECT emoji, user_id FROM reactions WHERE chat_id = $1 AND seq = $2 ORDER BY at, user_id",
                           {chat.value, seq});
    std::vector<std::pair<std::string, UserId>> out;
    for (int i = 0; i < r.size(); ++i) out.emplace_back(r.text(i, 0), UserId(r.i64(i, 1)));
    return out;
  }

  void set_text(const Message& m, const std::string& text, TimeMs at) override {
    b_.conn.query("UPDATE messages SET text = $3, edited_at = $4, search = NULLIF($5, '') WHERE chat_id = $1 AND seq = $2",
                  {m.chat.value, m.seq, text, at, search_text::cjk_split(text).value_or("")});
  }
  void remove_content(const Message& m, std::int64_t by) override {
    b_.conn.query(
        "UPDATE messages SET text = '', media = NULL, reactions = NULL, search = NULL, deleted = $3 "
        "WHERE chat_id = $1 AND seq = $2",
        {m.chat.value, m.seq, by});
    b_.conn.query("DELETE FROM reactions WHERE chat_id = $1 AND seq = $2", {m.chat.value, m.seq});
    b_.conn.query("DELETE FROM media_refs WHERE chat_id = $1 AND seq = $2", {m.chat.value, m.seq});
  }
  bool set_reaction(ChatId chat, Seq seq, UserId user, const std::string& emoji) override {
    if (emoji.empty())
      return !b_.conn
                  .query("DELETE FROM reactions WHERE chat_id = $1 AND seq = $2 AND user_id = $3 RETURNING 1",
                         {chat.value, seq, user.value})
                  .empty();
    return !b_.conn
                .query(
                    "INSERT INTO reactions (chat_id, seq, user_id, emoji, at) VALUES ($1, $2, $3, $4, $5) "
                    "ON CONFLICT (chat_id, seq, user_id) DO UPDATE SET emoji = excluded.emoji, at = excluded.at "
                    "WHERE reactions.emoji <> excluded.emoji RETURNING 1",
                    {chat.value, seq, user.value, emoji, s_.stamp()})
                .empty();
  }
  void set_reactions_summary(ChatId chat, Seq seq, const std::string& json) override {
    b_.conn.query("UPDATE messages SET reactions = NULLIF($3, '') WHERE chat_id = $1 AND seq = $2", {chat.value, seq, json});
  }
  bool mark(UserId user, ChatId chat, Seq seq, ActionOp op) override {
    if (op == ActionOp::kStar)
      return !b_.conn
                  .query("INSERT INTO stars (user_id, chat_id, seq, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1",
                         {user.value, chat.value, seq, s_.stamp()})
                  .empty();
    if (op == ActionOp::kUnstar)
      return !b_.conn
                  .query("DELETE FROM stars WHERE user_id = $1 AND chat_id = $2 AND seq = $3 RETURNING 1",
                         {user.value, chat.value, seq})
                  .empty();
    return !b_.conn
                .query("INSERT INTO hidden (user_id, chat_id, seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1",
                       {user.value, chat.value, seq})
                .empty();
  }
  std::vector<Delivery> log(const std::vector<UserId>& users, ChatId chat, Seq seq, UpdateKind kind, bool starred,
                            bool hidden) override {
    std::vector<Delivery> out;
    const TimeMs ts = s_.stamp();
    for (UserId u : users) {
      Pts pts = b_.next_pts(u);
      b_.add_update(u, pts, kind, chat, seq, starred ? 1 : 0, hidden ? 1 : 0, 0, ts);
      out.push_back({u, pts});
    }
    return out;
  }

 private:
  PostgresStore& s_;
  PostgresStore::Batch& b_;
};

std::optional<message_actions::Reader> PostgresStore::reader(Conn& c, ChatId chat, UserId user) {
  auto r = c.query(
      "SELECT joined_seq, NULL::bigint, role FROM chat_members WHERE chat_id = $1 AND user_id = $2 "
      "UNION ALL SELECT joined_seq, left_seq, 0 FROM former_members WHERE chat_id = $1 AND user_id = $2",
      {chat.value, user.value});
  if (r.empty()) return std::nullopt;
  return message_actions::Reader{r.i64(0, 0), r.is_null(0, 1) ? INT64_MAX : r.i64(0, 1), r.is_null(0, 1),
                                 static_cast<Role>(r.i64(0, 2))};
}

std::optional<Message> PostgresStore::message(Conn& c, ChatId chat, Seq seq, bool lock) {
  auto r = c.query(lock ? "SELECT " PARLEY_MESSAGE_COLUMNS " FROM messages m WHERE m.chat_id = $1 AND m.seq = $2 FOR UPDATE"
                        : "SELECT " PARLEY_MESSAGE_COLUMNS " FROM messages m WHERE m.chat_id = $1 AND m.seq = $2",
                   {chat.value, seq});
  if (r.empty()) return std::nullopt;
  return message_at(r, 0, 0);
}

void PostgresStore::act_on_message(MessageAction a, Done<ActionResult> done) {
  auto action = std::make_shared<const MessageAction>(std::move(a));
  write<ActionResult>(
      [this, action](Batch& b) -> Status {
        const ChatCache* cc = chat_cache(b.conn, action->chat);
        if (!cc) return Status(Code::kNoSuchMessage, "no such message");
        // The chat's row orders this action with the chat's membership changes; the members'
        // log heads are the rows the log entries need.
        b.lock_chats.insert(action->chat.value);
        b.lock_users.insert(action->actor.value);
        for (UserId u : cc->members) b.lock_users.insert(u.value);
        return Status::Ok();
      },
      [this, action](Batch& b) -> Result<ActionResult> {
        ActionTx tx(*this, b);
        return message_actions::act(tx, *action);
      },
      std::move(done));
}

void PostgresStore::expire_messages(TimeMs now, TimeMs undelivered_before, int limit,
                                    Done<std::vector<ActionResult>> done) {
  // As SqliteStore::expire_messages: found on a reader (a sweep with nothing due never takes
  // the writer), disappearing messages past their time and those of temporary chats no
  // member's devices still wait for.
  using Due = std::vector<std::pair<ChatId, Seq>>;
  auto found = read([&](Conn& c) -> Result<Due> {
    auto r = c.query(
        "(SELECT chat_id, seq FROM messages WHERE expires_at > 0 AND deleted = 0 AND expires_at <= $1 LIMIT $2) "
        "UNION (SELECT m.chat_id, m.seq FROM messages m WHERE m.transient AND m.deleted = 0 AND (m.ts < $4 OR NOT EXISTS ("
        "  SELECT 1 FROM chat_members cm JOIN updates u ON u.user_id = cm.user_id "
        "  AND u.pts > (SELECT coalesce(min(d.position), 9223372036854775807) FROM devices d "
        "               WHERE d.user_id = cm.user_id AND NOT d.revoked) "
        "  WHERE cm.chat_id = m.chat_id AND u.kind = $3 AND u.chat_id = m.chat_id AND u.seq = m.seq)) LIMIT $2)",
        {now, limit, stored(UpdateKind::kMessage), undelivered_before});
    Due out;
    for (int i = 0; i < r.size(); ++i) out.emplace_back(ChatId(r.i64(i, 0)), r.i64(i, 1));
    return out;
  });
  if (!found) return done(found.status());
  if (found->empty()) return done(std::vector<ActionResult>{});
  auto due = std::make_shared<const Due>(std::move(*found));
  write<std::vector<ActionResult>>(
      [this, due](Batch& b) -> Status {
        for (auto [chat, seq] : *due)
          if (const ChatCache* cc = chat_cache(b.conn, chat)) {
            b.lock_chats.insert(chat.value);
            for (UserId u : cc->members) b.lock_users.insert(u.value);
          }
        return Status::Ok();
      },
      [this, due](Batch& b) -> Result<std::vector<ActionResult>> {
        // Another node may have expired some meanwhile: expire() leaves those unchanged.
        ActionTx tx(*this, b);
        std::vector<ActionResult> out;
        for (auto [chat, seq] : *due)
          if (auto r = message_actions::expire(tx, chat, seq); r && r->changed) out.push_back(std::move(*r));
        return out;
      },
      std::move(done));
}

Result<std::vector<Message>> PostgresStore::starred(UserId user, int limit, int offset) {
  return read([&](Conn& c) -> Result<std::vector<Message>> {
    auto q = c.query(
        "SELECT " PARLEY_MESSAGE_COLUMNS " FROM stars s JOIN messages m ON m.chat_id = s.chat_id AND m.seq = s.seq "
        "WHERE s.user_id = $1 AND m.deleted = 0 ORDER BY s.at DESC, s.chat_id DESC, s.seq DESC LIMIT $2 OFFSET $3",
        {user.value, limit, offset});
    std::vector<Message> out;
    for (int i = 0; i < q.size(); ++i) {
      out.push_back(message_at(q, i, 0));
      out.back().starred = true;
    }
    return out;
  });
}

Result<std::vector<SearchHit>> PostgresStore::search(const SearchQuery& s) {
  return read([&](Conn& c) -> Result<std::vector<SearchHit>> {
    std::vector<SearchHit> out;
    if (s.terms.empty()) return out;
    // The GIN index finds the rows (the partial index's predicate is repeated so it applies),
    // each kept only if the user may read it now; best first by ts_rank. Planned for each
    // query's words: a cached generic plan, blind to how rare they are, walked the user's
    // chats instead.
    static const std::string headline = std::string("StartSel=\x02, StopSel=\x03, MaxWords=16, MinWords=6, ShortWord=1, ") +
                                        "MaxFragments=1, FragmentDelimiter=\" … \"";
    auto q = c.query_planned_each_time(
        "WITH r AS (SELECT chat_id, joined_seq AS after, 9223372036854775807 AS until FROM chat_members WHERE user_id = $1 "
        "      UNION ALL SELECT chat_id, joined_seq, left_seq FROM former_members WHERE user_id = $1) "
        "SELECT " PARLEY_MESSAGE_COLUMNS ", ts_headline('simple', coalesce(m.search, m.text), to_tsquery('simple', $2), $6) "
        "FROM messages m JOIN r ON r.chat_id = m.chat_id "
        "WHERE to_tsvector('simple', coalesce(m.search, m.text)) @@ to_tsquery('simple', $2) AND m.system IS NULL "
        "  AND m.deleted = 0 AND m.seq > r.after AND m.seq <= r.until AND ($3 = 0 OR m.chat_id = $3) "
        "  AND NOT EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = $1 AND h.chat_id = m.chat_id AND h.seq = m.seq) "
        "ORDER BY ts_rank(to_tsvector('simple', coalesce(m.search, m.text)), to_tsquery('simple', $2)) DESC, "
        "  m.chat_id DESC, m.seq DESC LIMIT $4 OFFSET $5",
        {s.user.value, ts_query(s.terms), s.chat ? s.chat->value : 0, s.limit, s.offset, headline});
    for (int i = 0; i < q.size(); ++i) out.push_back(SearchHit{message_at(q, i, 0), q.text(i, kMessageColumnCount)});
    return out;
  });
}

}  // namespace parley::pg
