// PostgresStore: what the browser's message info and a former member's chat list read (issue
// 19), as in store/sqlite/sqlite_receipts.cc: when each member's positions first reached a
// message (model/receipt_times.h), and the groups a user left or was removed from, as they were.
#include "model/receipt_times.h"
#include "store/postgres/pg_store.h"
#include "store/postgres/pg_store_impl.h"

namespace parley::pg {

Result<std::vector<ChatSummary>> PostgresStore::former_chats(UserId user) {
  return read([&](Conn& c) -> Result<std::vector<ChatSummary>> {
    // The last message the former member may see (as in SqliteStore::former_chats).
    auto q = c.query(
        "SELECT f.chat_id, f.name, f.read_seq, coalesce(e.sender = f.user_id, false), coalesce(m.seq, 0), "
        "  coalesce(m.ts, ch.created_at), coalesce(m.text, ''), coalesce(m.sender, 0), coalesce(m.media, ''), "
        "  coalesce(p.muted_until, 0), coalesce(p.archived, false), coalesce(p.pinned, false) "
        "FROM former_members f JOIN chats ch ON ch.id = f.chat_id AND ch.kind = $2 "
        "LEFT JOIN messages e ON e.chat_id = f.chat_id AND e.seq = f.left_seq "
        "LEFT JOIN chat_prefs p ON p.user_id = f.user_id AND p.chat_id = f.chat_id "
        "LEFT JOIN messages m ON m.chat_id = f.chat_id AND m.seq = (SELECT x.seq FROM messages x WHERE x.chat_id = f.chat_id "
        "  AND x.seq <= f.left_seq AND x.seq > f.joined_seq AND x.deleted <> -1 AND NOT EXISTS (SELECT 1 FROM hidden h "
        "  WHERE h.user_id = f.user_id AND h.chat_id = x.chat_id AND h.seq = x.seq) ORDER BY x.seq DESC LIMIT 1) "
        "WHERE f.user_id = $1 ORDER BY 6 DESC, 1 DESC",
        {user.value, stored(ChatKind::kGroup)});
    std::vector<ChatSummary> out;
    for (int i = 0; i < q.size(); ++i) {
      ChatSummary s;
      s.chat = ChatId(q.i64(i, 0));
      s.kind = ChatKind::kGroup;
      s.member = false;
      s.name = q.text(i, 1);
      s.my_read = q.i64(i, 2);
      s.left = q.text(i, 3) == "t";
      s.last_seq = q.i64(i, 4);
      s.last_ts = q.i64(i, 5);
      s.last_text = q.text(i, 6);
      s.last_sender = UserId(q.i64(i, 7));
      s.last_media = q.text(i, 8);
      s.muted_until = q.i64(i, 9);
      s.archived = q.text(i, 10) == "t";
      s.pinned = q.text(i, 11) == "t";
      out.push_back(std::move(s));
    }
    return out;
  });
}

Result<std::vector<ReceiptTimes>> PostgresStore::receipt_times(ChatId chat, ChatKind kind, UserId viewer, Seq seq,
                                                               const std::vector<UserId>& members) {
  return read([&](Conn& c) -> Result<std::vector<ReceiptTimes>> {
    std::vector<ReceiptTimes> out;
    for (UserId u : members) out.push_back({u});
    auto at = [](const Rows& r, int i, int col) -> TimeMs { return r.is_null(i, col) ? 0 : r.i64(i, col); };
    if (kind == ChatKind::kDirect) {
      // The peer's raises in the viewer's last 10,000 log entries (as in SqliteStore::receipt_times).
      auto q = c.query(
          "SELECT member, min(CASE WHEN kind = $3 AND delivered >= $5 THEN ts END), "
          "  min(CASE WHEN kind = $3 AND read >= $5 THEN ts END), "
          "  max(CASE WHEN kind = $4 AND seq = $5 THEN 1 WHEN kind = $3 AND delivered < $5 THEN 1 ELSE 0 END), "
          "  max(CASE WHEN kind = $4 AND seq = $5 THEN 1 WHEN kind = $3 AND read < $5 THEN 1 ELSE 0 END) "
          "FROM (SELECT kind, chat_id, seq, member, delivered, read, ts FROM updates WHERE user_id = $1 "
          "  ORDER BY pts DESC LIMIT 10000) w WHERE chat_id = $2 AND kind IN ($3, $4) GROUP BY member",
          {viewer.value, chat.value, stored(UpdateKind::kReceipt), stored(UpdateKind::kMessage), seq});
      bool message_seen = false;
      for (int i = 0; i < q.size(); ++i)
        if (q.i64(i, 0) == 0 && q.i64(i, 3) != 0) message_seen = true;
      for (int i = 0; i < q.size(); ++i)
        for (auto& t : out)
          if (t.user.value == q.i64(i, 0)) {
            if (q.i64(i, 3) != 0 || message_seen) t.delivered = at(q, i, 1);
            if (q.i64(i, 4) != 0 || message_seen) t.read = at(q, i, 2);
          }
      return out;
    }
    // Groups: each member's first raise at or past `seq` of each kind, along the primary key;
    // and their first message among the 1,000 after it (sending moves positions without a raise).
    auto q = c.query(
        "SELECT t.u, (SELECT r.at FROM receipt_raises r WHERE r.chat_id = $1 AND r.user_id = t.u AND r.kind = $3 "
        "  AND r.seq >= $2 ORDER BY r.seq LIMIT 1), (SELECT r.at FROM receipt_raises r WHERE r.chat_id = $1 "
        "  AND r.user_id = t.u AND r.kind = $4 AND r.seq >= $2 ORDER BY r.seq LIMIT 1) "
        "FROM unnest($5::bigint[]) AS t(u)",
        {chat.value, seq, static_cast<std::int64_t>(receipt_times::RaiseKind::kDelivered),
         static_cast<std::int64_t>(receipt_times::RaiseKind::kRead), user_array(members)});
    for (int i = 0; i < q.size(); ++i)
      for (auto& t : out)
        if (t.user.value == q.i64(i, 0)) {
          t.delivered = at(q, i, 1);
          t.read = at(q, i, 2);
        }
    auto s = c.query(
        "SELECT sender, min(ts) FROM messages WHERE chat_id = $1 AND seq >= $2 AND seq < $3 AND system IS NULL "
        "GROUP BY sender",
        {chat.value, seq, seq + 1000});
    for (int i = 0; i < s.size(); ++i)
      for (auto& t : out)
        if (t.user.value == s.i64(i, 0)) t.sent = s.i64(i, 1);
    return out;
  });
}

}  // namespace parley::pg
