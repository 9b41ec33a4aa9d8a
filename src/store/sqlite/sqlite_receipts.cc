// SqliteStore: what the browser's message info and a former member's chat list read (issue
// 19): when each member's positions first reached a message (model/receipt_times.h), and the
// groups a user left or was removed from, as they were then.
#include "model/receipt_times.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace parley::sqlite {

Result<std::vector<ChatSummary>> SqliteStore::former_chats(UserId user) {
  return read([&](Db& db) -> Result<std::vector<ChatSummary>> {
    // The last message the former member may see: at or before the removal, after they joined,
    // not expired or hidden from them (usually the `removed` or `left` message itself).
    auto& q = db.prepare(
        "SELECT f.chat_id, f.name, f.read_seq, coalesce(e.sender = f.user_id, 0), coalesce(m.seq, 0), "
        "  coalesce(m.ts, c.created_at), coalesce(m.text, ''), coalesce(m.sender, 0), coalesce(m.media, ''), "
        "  coalesce(p.muted_until, 0), coalesce(p.archived, 0), coalesce(p.pinned, 0) "
        "FROM former_members f JOIN chats c ON c.id = f.chat_id AND c.kind = ?2 "
        "LEFT JOIN messages e ON e.chat_id = f.chat_id AND e.seq = f.left_seq "
        "LEFT JOIN chat_prefs p ON p.user_id = f.user_id AND p.chat_id = f.chat_id "
        "LEFT JOIN messages m ON m.chat_id = f.chat_id AND m.seq = (SELECT x.seq FROM messages x WHERE x.chat_id = f.chat_id "
        "  AND x.seq <= f.left_seq AND x.seq > f.joined_seq AND x.deleted <> -1 AND NOT EXISTS (SELECT 1 FROM hidden h "
        "  WHERE h.user_id = f.user_id AND h.chat_id = x.chat_id AND h.seq = x.seq) ORDER BY x.seq DESC LIMIT 1) "
        "WHERE f.user_id = ?1 ORDER BY 6 DESC, 1 DESC");
    q.bind(1, user.value).bind(2, stored(ChatKind::kGroup));
    std::vector<ChatSummary> out;
    while (q.step()) {
      ChatSummary s;
      s.chat = ChatId(q.i64(0));
      s.kind = ChatKind::kGroup;
      s.member = false;
      s.name = q.text(1);
      s.my_read = q.i64(2);
      s.left = q.i64(3) != 0;
      s.last_seq = q.i64(4);
      s.last_ts = q.i64(5);
      s.last_text = q.text(6);
      s.last_sender = UserId(q.i64(7));
      s.last_media = q.text(8);
      s.muted_until = q.i64(9);
      s.archived = q.i64(10) != 0;
      s.pinned = q.i64(11) != 0;
      out.push_back(std::move(s));
    }
    return out;
  });
}

Result<std::vector<ReceiptTimes>> SqliteStore::receipt_times(ChatId chat, ChatKind kind, UserId viewer, Seq seq,
                                                             const std::vector<UserId>& members) {
  return read([&](Db& db) -> Result<std::vector<ReceiptTimes>> {
    std::vector<ReceiptTimes> out;
    for (UserId u : members) out.push_back({u});
    if (kind == ChatKind::kDirect) {
      // The peer's raises are the `receipt` entries of the viewer's log. Among its last 10,000
      // entries, the first of them to reach `seq`; it is the first ever only if the window also
      // holds something from before it (a raise still below `seq`, or the message's own entry).
      auto& q = db.prepare(
          "SELECT member, min(CASE WHEN kind = ?3 AND delivered >= ?5 THEN ts END), "
          "  min(CASE WHEN kind = ?3 AND read >= ?5 THEN ts END), "
          "  max(CASE WHEN kind = ?4 AND seq = ?5 THEN 1 WHEN kind = ?3 AND delivered < ?5 THEN 1 ELSE 0 END), "
          "  max(CASE WHEN kind = ?4 AND seq = ?5 THEN 1 WHEN kind = ?3 AND read < ?5 THEN 1 ELSE 0 END) "
          "FROM (SELECT kind, chat_id, seq, member, delivered, read, ts FROM updates WHERE user_id = ?1 "
          "  ORDER BY pts DESC LIMIT 10000) WHERE chat_id = ?2 AND kind IN (?3, ?4) GROUP BY member");
      q.bind(1, viewer.value).bind(2, chat.value).bind(3, stored(UpdateKind::kReceipt));
      q.bind(4, stored(UpdateKind::kMessage)).bind(5, seq);
      // Grouped by member: the message's own entries (member 0) say the window reaches back
      // to the message, for every peer.
      bool message_seen = false;
      std::vector<std::tuple<std::int64_t, TimeMs, TimeMs, bool, bool>> rows;
      while (q.step()) {
        rows.emplace_back(q.i64(0), q.is_null(1) ? 0 : q.i64(1), q.is_null(2) ? 0 : q.i64(2), q.i64(3) != 0,
                          q.i64(4) != 0);
        if (q.i64(0) == 0 && q.i64(3) != 0) message_seen = true;
      }
      q.reset();
      for (auto& [member, delivered, read, before_delivered, before_read] : rows)
        for (auto& t : out)
          if (t.user.value == member) {
            if (before_delivered || message_seen) t.delivered = delivered;
            if (before_read || message_seen) t.read = read;
          }
      return out;
    }
    // Groups: the first raise at or past `seq` of each kind, found along the primary key.
    auto& r = db.prepare(
        "SELECT at FROM receipt_raises WHERE chat_id = ? AND user_id = ? AND kind = ? AND seq >= ? ORDER BY seq LIMIT 1");
    for (auto& t : out)
      for (auto k : {receipt_times::RaiseKind::kDelivered, receipt_times::RaiseKind::kRead}) {
        r.reset();
        r.bind(1, chat.value).bind(2, t.user.value).bind(3, static_cast<std::int64_t>(k)).bind(4, seq);
        if (r.step()) (k == receipt_times::RaiseKind::kRead ? t.read : t.delivered) = r.i64(0);
      }
    r.reset();
    // Sending moves a member's positions without a raise: their first message among the 1,000 after it.
    auto& s = db.prepare(
        "SELECT sender, min(ts) FROM messages WHERE chat_id = ? AND seq >= ? AND seq < ? AND system IS NULL GROUP BY sender");
    s.bind(1, chat.value).bind(2, seq).bind(3, seq + 1000);
    while (s.step())
      for (auto& t : out)
        if (t.user.value == s.i64(0)) t.sent = s.i64(1);
    s.reset();
    return out;
  });
}

bool SqliteStore::forget_raise_times(Db& db, TimeMs cutoff, std::int64_t budget, std::int64_t& removed) {
  constexpr int kPrefixes = 2000;  // (chat, member, kind) runs looked at per step
  auto& next = db.prepare(
      "SELECT chat_id, user_id, kind FROM receipt_raises WHERE (chat_id, user_id, kind) > (?, ?, ?) "
      "ORDER BY chat_id, user_id, kind LIMIT 1");
  auto& run = db.prepare("SELECT seq, at FROM receipt_raises WHERE chat_id = ? AND user_id = ? AND kind = ? ORDER BY seq");
  for (int visited = 0; visited < kPrefixes; ++visited) {
    next.reset();
    next.bind(1, raises_through_[0]).bind(2, raises_through_[1]).bind(3, raises_through_[2]);
    if (!next.step()) {
      next.reset();
      raises_through_ = {};
      return true;  // every run visited: the pass is over
    }
    const std::array<std::int64_t, 3> key{next.i64(0), next.i64(1), next.i64(2)};
    next.reset();
    // A run's times rise with its positions: its rows before the cutoff are its first ones.
    run.reset();
    run.bind(1, key[0]).bind(2, key[1]).bind(3, key[2]);
    std::int64_t old = 0, last_seq = 0, last_at = 0;
    bool more = false;
    while (run.step() && run.i64(1) < cutoff) {
      if (removed + old >= budget) {
        more = true;
        break;
      }
      ++old;
      last_seq = run.i64(0);
      last_at = run.i64(1);
    }
    run.reset();
    if (old > 1) {
      db.prepare("DELETE FROM receipt_raises WHERE chat_id = ? AND user_id = ? AND kind = ? AND seq < ?")
          .bind(1, key[0]).bind(2, key[1]).bind(3, key[2]).bind(4, last_seq).exec();
      removed += db.changes();
    }
    if (old > 0 && last_at != 0)
      db.prepare("UPDATE receipt_raises SET at = 0 WHERE chat_id = ? AND user_id = ? AND kind = ? AND seq = ?")
          .bind(1, key[0]).bind(2, key[1]).bind(3, key[2]).bind(4, last_seq).exec();
    if (more) return false;  // this run again next step
    raises_through_ = key;
  }
  return false;
}

}  // namespace parley::sqlite
