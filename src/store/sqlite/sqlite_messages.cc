// SqliteStore: message actions (edit, delete, react, star, hide), the starred list and
// full-text search. The rules are the domain's (model/message_actions.h); this file is how
// SQLite reads and writes the rows, and its FTS5 index (model/search_text.h, docs/search.md).
#include <spdlog/spdlog.h>

#include <climits>

#include "model/message_actions.h"
#include "model/search_text.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace parley::sqlite {

namespace {

// Which messages of `chat` `user` may read; shared by actions, replies and forwards.
std::optional<message_actions::Reader> reader_of(Db& db, ChatId chat, UserId user) {
  auto& q = db.prepare(
      "SELECT joined_seq, NULL, role FROM chat_members WHERE chat_id = ?1 AND user_id = ?2 "
      "UNION ALL SELECT joined_seq, left_seq, 0 FROM former_members WHERE chat_id = ?1 AND user_id = ?2");
  q.bind(1, chat.value).bind(2, user.value);
  if (!q.step()) return std::nullopt;
  message_actions::Reader r{q.i64(0), q.is_null(1) ? INT64_MAX : q.i64(1), q.is_null(1), static_cast<Role>(q.i64(2))};
  q.reset();
  return r;
}

std::optional<Message> message_of(Db& db, ChatId chat, Seq seq) {
  auto& q = db.prepare("SELECT " PARLEY_MESSAGE_COLUMNS " FROM messages m WHERE m.chat_id = ? AND m.seq = ?");
  q.bind(1, chat.value).bind(2, seq);
  if (!q.step()) return std::nullopt;
  auto m = message_at(q, 0);
  q.reset();
  return m;
}

// An FTS5 query matching every term, the last one as a prefix too: each term a quoted
// phrase (a term holds letters, digits and marks only: search_text::terms).
std::string fts_query(const std::vector<std::string>& terms) {
  std::string q;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (i) q += ' ';
    q += '"' + terms[i] + '"';
    if (i + 1 == terms.size()) q += '*';
  }
  return q;
}

}  // namespace

class ActionTx final : public message_actions::ActionTx {
 public:
  ActionTx(SqliteStore& store, Db& db) : s_(store), db_(db) {}

  std::optional<ChatKind> kind(ChatId chat) override {
    const auto* row = s_.chat_row(db_, chat);
    if (!row) return std::nullopt;
    return row->kind;
  }
  std::optional<message_actions::Reader> reader(ChatId chat, UserId user) override { return reader_of(db_, chat, user); }
  std::optional<Message> message(ChatId chat, Seq seq) override { return message_of(db_, chat, seq); }
  std::vector<UserId> readers(ChatId chat, Seq seq) override {
    auto& q = db_.prepare("SELECT user_id FROM chat_members WHERE chat_id = ? AND joined_seq < ? ORDER BY user_id");
    q.bind(1, chat.value).bind(2, seq);
    std::vector<UserId> out;
    while (q.step()) out.push_back(UserId(q.i64(0)));
    return out;
  }
  TimeMs now() override { return s_.stamp(); }
  std::vector<std::pair<std::string, UserId>> reactions(ChatId chat, Seq seq) override {
    auto& q = db_.prepare("SELECT emoji, user_id FROM reactions WHERE chat_id = ? AND seq = ? ORDER BY at, user_id");
    q.bind(1, chat.value).bind(2, seq);
    std::vector<std::pair<std::string, UserId>> out;
    while (q.step()) out.emplace_back(q.text(0), UserId(q.i64(1)));
    return out;
  }

  void set_text(const Message& m, const std::string& text, TimeMs at) override {
    db_.prepare("UPDATE messages SET text = ?, edited_at = ? WHERE chat_id = ? AND seq = ?")
        .bind(1, text)
        .bind(2, at)
        .bind(3, m.chat.value)
        .bind(4, m.seq)
        .exec();
    s_.index_text(db_, m.chat, m.seq, text, m.text);
  }
  void remove_content(const Message& m, std::int64_t by) override {
    db_.prepare("UPDATE messages SET text = '', media = NULL, reactions = NULL, deleted = ? WHERE chat_id = ? AND seq = ?")
        .bind(1, by)
        .bind(2, m.chat.value)
        .bind(3, m.seq)
        .exec();
    db_.prepare("DELETE FROM reactions WHERE chat_id = ? AND seq = ?").bind(1, m.chat.value).bind(2, m.seq).exec();
    // Its media is no longer referred to by this message: the sweep may reclaim it.
    db_.prepare("DELETE FROM media_refs WHERE chat_id = ? AND seq = ?").bind(1, m.chat.value).bind(2, m.seq).exec();
    s_.index_text(db_, m.chat, m.seq, {}, m.text);
  }
  bool set_reaction(ChatId chat, Seq seq, UserId user, const std::string& emoji) override {
    if (emoji.empty()) {
      db_.prepare("DELETE FROM reactions WHERE chat_id = ? AND seq = ? AND user_id = ?")
          .bind(1, chat.value)
          .bind(2, seq)
          .bind(3, user.value)
          .exec();
    } else {
      db_.prepare(
             "INSERT INTO reactions (chat_id, seq, user_id, emoji, at) VALUES (?, ?, ?, ?, ?) "
             "ON CONFLICT (chat_id, seq, user_id) DO UPDATE SET emoji = excluded.emoji, at = excluded.at "
             "WHERE emoji <> excluded.emoji")
          .bind(1, chat.value)
          .bind(2, seq)
          .bind(3, user.value)
          .bind(4, emoji)
          .bind(5, s_.stamp())
          .exec();
    }
    return db_.changes() > 0;
  }
  void set_reactions_summary(ChatId chat, Seq seq, const std::string& json) override {
    db_.prepare("UPDATE messages SET reactions = NULLIF(?, '') WHERE chat_id = ? AND seq = ?")
        .bind(1, json)
        .bind(2, chat.value)
        .bind(3, seq)
        .exec();
  }
  bool mark(UserId user, ChatId chat, Seq seq, ActionOp op) override {
    const char* sql = op == ActionOp::kStar     ? "INSERT OR IGNORE INTO stars (user_id, chat_id, seq, at) VALUES (?, ?, ?, ?)"
                      : op == ActionOp::kUnstar ? "DELETE FROM stars WHERE user_id = ? AND chat_id = ? AND seq = ? AND ? > 0"
                                                : "INSERT OR IGNORE INTO hidden (user_id, chat_id, seq) VALUES (?, ?, ?)";
    auto& q = db_.prepare(sql);
    q.bind(1, user.value).bind(2, chat.value).bind(3, seq);
    if (op != ActionOp::kDeleteForMe) q.bind(4, s_.stamp());
    q.exec();
    return db_.changes() > 0;
  }
  std::vector<Delivery> log(const std::vector<UserId>& users, ChatId chat, Seq seq, UpdateKind kind, bool starred,
                            bool hidden) override {
    std::vector<Delivery> out;
    const TimeMs ts = s_.stamp();
    auto& up = db_.prepare(
        "INSERT INTO updates (user_id, pts, kind, chat_id, seq, member, delivered, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (UserId u : users) {
      Pts pts = s_.next_pts(db_, u);
      up.reset();
      up.bind(1, u.value).bind(2, pts).bind(3, stored(kind)).bind(4, chat.value).bind(5, seq);
      up.bind(6, starred ? 1 : 0).bind(7, hidden ? 1 : 0).bind(8, ts).exec();
      out.push_back({u, pts});
    }
    return out;
  }

 private:
  SqliteStore& s_;
  Db& db_;
};

std::optional<message_actions::Reader> SqliteStore::reader(Db& db, ChatId chat, UserId user) {
  return reader_of(db, chat, user);
}

std::optional<Message> SqliteStore::message(Db& db, ChatId chat, Seq seq) { return message_of(db, chat, seq); }

void SqliteStore::index_text(Db& db, ChatId chat, Seq seq, const std::string& text, const std::string& old_text) {
  // Indexed, or its old words removed, by the index's next round (search_index.h). Old words
  // always go: an edit or delete made while the index is off must not stay findable.
  if (old_text.empty() && (text.empty() || !options_.search_index)) return;
  search_index_->queue(db, fts_rowid(chat, seq));
}

void SqliteStore::act_on_message(MessageAction a, Done<ActionResult> done) {
  write<ActionResult>(
      [this, a = std::move(a)](Db& db) -> Result<ActionResult> {
        ActionTx tx(*this, db);
        return message_actions::act(tx, a);
      },
      std::move(done));
}

void SqliteStore::expire_messages(TimeMs now, TimeMs undelivered_before, int limit,
                                  Done<std::vector<ActionResult>> done) {
  // Found on a reader: a sweep with nothing due (nearly every one) never takes the writer.
  using Due = std::vector<std::pair<ChatId, Seq>>;
  auto due = read([&](Db& db) -> Result<Due> {
    Due out;
    // Disappearing: past their time (the partial index holds live timed messages only).
    auto& timed = db.prepare(
        "SELECT chat_id, seq FROM messages WHERE expires_at > 0 AND deleted = 0 AND expires_at <= ? LIMIT ?");
    timed.bind(1, now).bind(2, limit);
    while (timed.step()) out.emplace_back(ChatId(timed.i64(0)), timed.i64(1));
    // Temporary: no member has a log entry for it past the lowest position of their
    // devices (a user with no device has nothing to wait for). Each member's unacknowledged
    // tail of the log is a range of its primary key.
    auto& acked = db.prepare(
        "SELECT m.chat_id, m.seq FROM messages m WHERE m.transient = 1 AND m.deleted = 0 AND (m.ts < ?3 OR NOT EXISTS ("
        "  SELECT 1 FROM chat_members cm JOIN updates u ON u.user_id = cm.user_id "
        "  AND u.pts > (SELECT coalesce(min(d.position), 9223372036854775807) FROM devices d "
        "               WHERE d.user_id = cm.user_id AND d.revoked = 0) "
        "  WHERE cm.chat_id = m.chat_id AND u.kind = ?1 AND u.chat_id = m.chat_id AND u.seq = m.seq)) LIMIT ?2");
    acked.bind(1, stored(UpdateKind::kMessage)).bind(2, limit).bind(3, undelivered_before);
    while (acked.step()) out.emplace_back(ChatId(acked.i64(0)), acked.i64(1));
    return out;
  });
  if (!due) return done(due.status());
  if (due->empty()) return done(std::vector<ActionResult>{});
  write<std::vector<ActionResult>>(
      [this, due = std::move(*due)](Db& db) -> Result<std::vector<ActionResult>> {
        // Already gone meanwhile (a delete for everyone): expire() leaves it unchanged.
        ActionTx tx(*this, db);
        std::vector<ActionResult> out;
        for (auto [chat, seq] : due)
          if (auto r = message_actions::expire(tx, chat, seq); r && r->changed) out.push_back(std::move(*r));
        return out;
      },
      std::move(done));
}

Result<std::vector<Message>> SqliteStore::starred(UserId user, int limit, int offset) {
  return read([&](Db& db) -> Result<std::vector<Message>> {
    auto& q = db.prepare(
        "SELECT " PARLEY_MESSAGE_COLUMNS " FROM stars s JOIN messages m ON m.chat_id = s.chat_id AND m.seq = s.seq "
        "WHERE s.user_id = ? AND m.deleted = 0 ORDER BY s.at DESC, s.chat_id DESC, s.seq DESC LIMIT ? OFFSET ?");
    q.bind(1, user.value).bind(2, limit).bind(3, offset);
    std::vector<Message> out;
    while (q.step()) {
      out.push_back(message_at(q, 0));
      out.back().starred = true;
    }
    return out;
  });
}

Result<std::vector<SearchHit>> SqliteStore::search(const SearchQuery& s) {
  // Everything acknowledged before the search is found: the index takes what is queued in
  // a round that starts now. While search.db is being rebuilt (or its disk fails) the search
  // goes on after a while with what is indexed so far.
  if (!s.terms.empty() && !search_index_->catch_up(std::chrono::seconds(3)))
    spdlog::warn("store: search index still catching up; searching what it has");
  return read([&](Db& db) -> Result<std::vector<SearchHit>> {
    std::vector<SearchHit> out;
    if (s.terms.empty()) return out;
    // FTS5 finds the rows (in one chat: a rowid range), best first by bm25; each is then
    // kept only if the user may read it now.
    auto& q = db.prepare(
        "SELECT " PARLEY_MESSAGE_COLUMNS ", snippet(messages_fts, 0, char(2), char(3), '…', 16) "
        "FROM search.messages_fts f JOIN messages m ON m.chat_id = f.rowid >> 32 AND m.seq = f.rowid & 4294967295 "
        "JOIN (SELECT chat_id, joined_seq AS after, 9223372036854775807 AS until FROM chat_members WHERE user_id = ?1 "
        "      UNION ALL SELECT chat_id, joined_seq, left_seq FROM former_members WHERE user_id = ?1) r "
        "  ON r.chat_id = m.chat_id "
        "WHERE messages_fts MATCH ?2 AND f.rowid BETWEEN ?3 AND ?4 AND m.seq > r.after AND m.seq <= r.until "
        "  AND m.deleted = 0 "
        "  AND NOT EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = ?1 AND h.chat_id = m.chat_id AND h.seq = m.seq) "
        "ORDER BY bm25(messages_fts), f.rowid DESC LIMIT ?5 OFFSET ?6");
    const std::int64_t lo = s.chat ? fts_rowid(*s.chat, 0) : 0;
    const std::int64_t hi = s.chat ? fts_rowid(*s.chat, 4294967295LL) : INT64_MAX;
    q.bind(1, s.user.value).bind(2, fts_query(s.terms)).bind(3, lo).bind(4, hi).bind(5, s.limit).bind(6, s.offset);
    while (q.step()) out.push_back(SearchHit{message_at(q, 0), q.text(kMessageColumnCount)});
    return out;
  });
}

}  // namespace parley::sqlite
