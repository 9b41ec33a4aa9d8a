// PostgresStore: privacy settings, who knows whom (contacts, visible phone numbers) and
// group invites.
#include "store/postgres/pg_store_impl.h"

namespace parley::pg {

namespace {

std::vector<UserId> users_of(const Rows& q) {
  std::vector<UserId> out;
  for (int i = 0; i < q.size(); ++i) out.push_back(UserId(q.i64(i, 0)));
  return out;
}

constexpr const char* kInviteColumns =
    "SELECT i.chat_id, i.user_id, i.inviter, i.code, i.expires_at, c.name FROM group_invites i "
    "JOIN chats c ON c.id = i.chat_id ";

GroupInvite invite_from(const Rows& q, int i) {
  return GroupInvite{ChatId(q.i64(i, 0)), UserId(q.i64(i, 1)), UserId(q.i64(i, 2)), q.text(i, 3), q.i64(i, 4),
                     q.text(i, 5)};
}

}  // namespace

void PostgresStore::set_privacy(UserId user, Visibility last_seen, DoneStatus done) {
  write<bool>(
      no_plan,
      [this, user, last_seen](Batch& b) -> Result<bool> {
        if (!user_exists(b.conn, user)) return Status(Code::kNoSuchUser, "no such user");
        b.conn.query(
            "INSERT INTO presence (user_id, visibility) VALUES ($1, $2) "
            "ON CONFLICT (user_id) DO UPDATE SET visibility = excluded.visibility",
            {user.value, static_cast<int>(last_seen)});
        return true;
      },
      status_of(std::move(done)));
}

void PostgresStore::set_group_add(UserId user, Visibility who, DoneStatus done) {
  write<bool>(
      no_plan,
      [this, user, who](Batch& b) -> Result<bool> {
        if (!user_exists(b.conn, user)) return Status(Code::kNoSuchUser, "no such user");
        b.conn.query(
            "INSERT INTO presence (user_id, group_add) VALUES ($1, $2) "
            "ON CONFLICT (user_id) DO UPDATE SET group_add = excluded.group_add",
            {user.value, static_cast<int>(who)});
        return true;
      },
      status_of(std::move(done)));
}

Result<std::vector<PresenceRecord>> PostgresStore::read_presence(const std::vector<UserId>& users) {
  return read([&](Conn& c) -> Result<std::vector<PresenceRecord>> {
    auto q = c.query(
        "SELECT u.id, COALESCE(p.last_seen, 0), COALESCE(p.visibility, 0), COALESCE(p.group_add, 0), "
        "COALESCE(p.name_vis, 0), COALESCE(p.about_vis, 0), COALESCE(p.photo_vis, 0) FROM users u "
        "LEFT JOIN presence p ON p.user_id = u.id WHERE u.id = ANY($1::bigint[])",
        {user_array(users)});
    std::vector<PresenceRecord> out;
    for (int i = 0; i < q.size(); ++i) {
      auto vis = [&](int col) { return static_cast<Visibility>(q.i64(i, col)); };
      out.push_back(PresenceRecord{UserId(q.i64(i, 0)), q.i64(i, 1), vis(2), vis(3), vis(4), vis(5), vis(6)});
    }
    return out;
  });
}

Result<std::vector<UserId>> PostgresStore::contacts_among(UserId user, const std::vector<UserId>& others) {
  return read([&](Conn& c) -> Result<std::vector<UserId>> {
    return users_of(c.query(
        "SELECT o FROM unnest($2::bigint[]) AS t(o) "
        "JOIN direct_chats d ON d.user_lo = least($1, o) AND d.user_hi = greatest($1, o) "
        "JOIN chat_members a ON a.chat_id = d.chat_id AND a.user_id = $1 AND a.posted "
        "JOIN chat_members b ON b.chat_id = d.chat_id AND b.user_id = o AND b.posted WHERE o <> $1 "
        "UNION SELECT o FROM unnest($2::bigint[]) AS t(o) JOIN saved_contacts s ON s.user_id = o AND s.contact_id = $1 "
        "WHERE o <> $1",
        {user.value, user_array(others)}));
  });
}

Result<std::vector<UserId>> PostgresStore::phones_visible(UserId viewer, const std::vector<UserId>& users) {
  return read([&](Conn& c) -> Result<std::vector<UserId>> {
    return users_of(c.query(
        "SELECT u FROM unnest($2::bigint[]) AS t(u) WHERE u = $1 "
        "OR EXISTS (SELECT 1 FROM phone_known k WHERE k.user_id = $1 AND k.peer_id = u) "
        "OR EXISTS (SELECT 1 FROM chat_members a JOIN chat_members b ON b.chat_id = a.chat_id AND b.user_id = $1 "
        "WHERE a.user_id = u AND a.posted)",
        {viewer.value, user_array(users)}));
  });
}

void PostgresStore::remember_phones(UserId viewer, std::vector<UserId> found, DoneStatus done) {
  write<bool>(
      no_plan,
      [viewer, found = std::move(found)](Batch& b) -> Result<bool> {
        b.conn.query(
            "INSERT INTO phone_known (user_id, peer_id) SELECT $1, p FROM unnest($2::bigint[]) AS t(p) "
            "ON CONFLICT DO NOTHING",
            {viewer.value, user_array(found)});
        return true;
      },
      status_of(std::move(done)));
}

void PostgresStore::put_invites(std::vector<GroupInvite> invites, DoneStatus done) {
  write<bool>(
      no_plan,
      [invites = std::move(invites)](Batch& b) -> Result<bool> {
        for (const auto& i : invites)
          b.conn.query(
              "INSERT INTO group_invites (chat_id, user_id, inviter, code, expires_at) VALUES ($1, $2, $3, $4, $5) "
              "ON CONFLICT (chat_id, user_id) DO UPDATE SET inviter = excluded.inviter, code = excluded.code, "
              "expires_at = excluded.expires_at",
              {i.chat.value, i.user.value, i.inviter.value, i.code, i.expires_at});
        return true;
      },
      status_of(std::move(done)));
}

Result<GroupInvite> PostgresStore::find_invite(const std::string& code) {
  return read([&](Conn& c) -> Result<GroupInvite> {
    auto q = c.query(std::string(kInviteColumns) + "WHERE i.code = $1", {code});
    if (q.empty()) return Status(Code::kNotFound, "no such invite");
    return invite_from(q, 0);
  });
}

Result<std::vector<GroupInvite>> PostgresStore::invites_for(UserId user, TimeMs now) {
  return read([&](Conn& c) -> Result<std::vector<GroupInvite>> {
    auto q = c.query(std::string(kInviteColumns) + "WHERE i.user_id = $1 AND i.expires_at > $2 ORDER BY i.expires_at DESC",
                     {user.value, now});
    std::vector<GroupInvite> out;
    for (int i = 0; i < q.size(); ++i) out.push_back(invite_from(q, i));
    return out;
  });
}

void PostgresStore::delete_invite(ChatId chat, UserId user, DoneStatus done) {
  write<bool>(
      no_plan,
      [chat, user](Batch& b) -> Result<bool> {
        b.conn.query("DELETE FROM group_invites WHERE chat_id = $1 AND user_id = $2", {chat.value, user.value});
        return true;
      },
      status_of(std::move(done)));
}

void PostgresStore::take_rates(std::vector<RateLimit> limits, TimeMs now, bool count, Done<RateVerdict> done) {
  write<RateVerdict>(
      no_plan,
      [limits = std::move(limits), now, count](Batch& b) -> Result<RateVerdict> {
        // Locked in key order, so two nodes counting the same keys wait instead of deadlocking.
        std::vector<std::string> keys;
        for (const auto& l : limits) keys.push_back(l.key);
        auto q = b.conn.query(
            "SELECT key, window_end, count FROM rate_windows WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE",
            {text_array(keys)});
        for (std::size_t i = 0; i < limits.size(); ++i) {
          std::int64_t used = 0;
          TimeMs wait = limits[i].window_ms;
          for (int r = 0; r < q.size(); ++r)
            if (limits[i].key == q.text(r, 0) && q.i64(r, 1) > now) {
              used = q.i64(r, 2);
              wait = q.i64(r, 1) - now;
            }
          if (used + limits[i].cost > limits[i].limit) return RateVerdict{wait, i};
        }
        if (!count) return RateVerdict{};
        std::vector<std::int64_t> windows, costs;
        for (const auto& l : limits) {
          windows.push_back(l.window_ms);
          costs.push_back(l.cost);
        }
        b.conn.query(
            "INSERT INTO rate_windows (key, window_end, count) SELECT k, $2 + w, n "
            "FROM unnest($1::text[], $3::bigint[], $4::bigint[]) AS t(k, w, n) "
            "ON CONFLICT (key) DO UPDATE SET "
            "count = CASE WHEN rate_windows.window_end <= $2 THEN excluded.count ELSE rate_windows.count + excluded.count END, "
            "window_end = CASE WHEN rate_windows.window_end <= $2 THEN excluded.window_end ELSE rate_windows.window_end END",
            {text_array(keys), now, int_array(windows), int_array(costs)});
        return RateVerdict{};
      },
      std::move(done));
}

}  // namespace parley::pg
