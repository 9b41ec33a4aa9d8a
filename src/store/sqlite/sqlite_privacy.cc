// SqliteStore: privacy settings, who knows whom (contacts, visible phone numbers) and
// group invites.
#include "store/sqlite/sqlite_store_impl.h"

namespace parley::sqlite {

namespace {

GroupInvite invite_from(Stmt& q) {
  return GroupInvite{ChatId(q.i64(0)), UserId(q.i64(1)), UserId(q.i64(2)), q.text(3), q.i64(4), q.text(5)};
}

// Db::prepare caches statements by the address of their text: whole literals, one each.
constexpr const char* kInviteByCode =
    "SELECT i.chat_id, i.user_id, i.inviter, i.code, i.expires_at, c.name FROM group_invites i "
    "JOIN chats c ON c.id = i.chat_id WHERE i.code = ?";
constexpr const char* kInvitesOfUser =
    "SELECT i.chat_id, i.user_id, i.inviter, i.code, i.expires_at, c.name FROM group_invites i "
    "JOIN chats c ON c.id = i.chat_id WHERE i.user_id = ? AND i.expires_at > ? ORDER BY i.expires_at DESC";

}  // namespace

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

void SqliteStore::set_group_add(UserId user, Visibility who, DoneStatus done) {
  write<bool>(
      [this, user, who](Db& db) -> Result<bool> {
        if (!user_exists(db, user)) return Status(Code::kNoSuchUser, "no such user");
        db.prepare(
              "INSERT INTO presence (user_id, group_add) VALUES (?, ?) "
              "ON CONFLICT(user_id) DO UPDATE SET group_add = excluded.group_add")
            .bind(1, user.value)
            .bind(2, static_cast<std::int64_t>(who))
            .exec();
        return true;
      },
      status_of(std::move(done)));
}

Result<std::vector<PresenceRecord>> SqliteStore::read_presence(const std::vector<UserId>& users) {
  return read([&](Db& db) -> Result<std::vector<PresenceRecord>> {
    auto& q = db.prepare(
        "SELECT p.last_seen, p.visibility, p.group_add, p.name_vis, p.about_vis, p.photo_vis FROM users u "
        "LEFT JOIN presence p ON p.user_id = u.id WHERE u.id = ?");
    std::vector<PresenceRecord> out;
    auto vis = [&](int col) { return static_cast<Visibility>(q.i64(col)); };
    for (UserId u : users) {
      q.bind(1, u.value);
      if (q.step()) out.push_back(PresenceRecord{u, q.i64(0), vis(1), vis(2), vis(3), vis(4), vis(5)});
      q.reset();
    }
    return out;
  });
}

Result<std::vector<UserId>> SqliteStore::contacts_among(UserId user, const std::vector<UserId>& others) {
  return read([&](Db& db) -> Result<std::vector<UserId>> {
    auto& q = db.prepare(
        "SELECT 1 FROM direct_chats d JOIN chat_members a ON a.chat_id = d.chat_id AND a.user_id = d.user_lo "
        "JOIN chat_members b ON b.chat_id = d.chat_id AND b.user_id = d.user_hi "
        "WHERE d.user_lo = ? AND d.user_hi = ? AND a.posted AND b.posted");
    auto& saved = db.prepare("SELECT 1 FROM saved_contacts WHERE user_id = ? AND contact_id = ?");
    std::vector<UserId> out;
    for (UserId o : others) {
      if (o == user) continue;
      saved.bind(1, o.value).bind(2, user.value);
      bool contact = saved.step();
      saved.reset();
      if (!contact) {
        q.bind(1, std::min(user, o).value).bind(2, std::max(user, o).value);
        contact = q.step();
        q.reset();
      }
      if (contact) out.push_back(o);
    }
    return out;
  });
}

Result<std::vector<UserId>> SqliteStore::phones_visible(UserId viewer, const std::vector<UserId>& users) {
  return read([&](Db& db) -> Result<std::vector<UserId>> {
    auto& known = db.prepare("SELECT 1 FROM phone_known WHERE user_id = ? AND peer_id = ?");
    // A chat (not a room: rooms never set `posted`) both are in, where u posted.
    auto& shared = db.prepare(
        "SELECT 1 FROM chat_members a JOIN chat_members b ON b.chat_id = a.chat_id AND b.user_id = ?2 "
        "WHERE a.user_id = ?1 AND a.posted LIMIT 1");
    std::vector<UserId> out;
    for (UserId u : users) {
      bool visible = u == viewer;
      if (!visible) {
        known.bind(1, viewer.value).bind(2, u.value);
        visible = known.step();
        known.reset();
      }
      if (!visible) {
        shared.bind(1, u.value).bind(2, viewer.value);
        visible = shared.step();
        shared.reset();
      }
      if (visible) out.push_back(u);
    }
    return out;
  });
}

void SqliteStore::remember_phones(UserId viewer, std::vector<UserId> found, DoneStatus done) {
  write<bool>(
      [viewer, found = std::move(found)](Db& db) -> Result<bool> {
        auto& q = db.prepare("INSERT INTO phone_known (user_id, peer_id) VALUES (?, ?) ON CONFLICT DO NOTHING");
        for (UserId u : found) {
          q.bind(1, viewer.value).bind(2, u.value).exec();
          q.reset();
        }
        return true;
      },
      status_of(std::move(done)));
}

void SqliteStore::put_invites(std::vector<GroupInvite> invites, DoneStatus done) {
  write<bool>(
      [invites = std::move(invites)](Db& db) -> Result<bool> {
        auto& q = db.prepare(
            "INSERT INTO group_invites (chat_id, user_id, inviter, code, expires_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(chat_id, user_id) DO UPDATE SET inviter = excluded.inviter, code = excluded.code, "
            "expires_at = excluded.expires_at");
        for (const auto& i : invites) {
          q.bind(1, i.chat.value).bind(2, i.user.value).bind(3, i.inviter.value).bind(4, i.code).bind(5, i.expires_at).exec();
          q.reset();
        }
        return true;
      },
      status_of(std::move(done)));
}

Result<GroupInvite> SqliteStore::find_invite(const std::string& code) {
  return read([&](Db& db) -> Result<GroupInvite> {
    auto& q = db.prepare(kInviteByCode);
    q.bind(1, code);
    if (!q.step()) return Status(Code::kNotFound, "no such invite");
    return invite_from(q);
  });
}

Result<std::vector<GroupInvite>> SqliteStore::invites_for(UserId user, TimeMs now) {
  return read([&](Db& db) -> Result<std::vector<GroupInvite>> {
    auto& q = db.prepare(kInvitesOfUser);
    q.bind(1, user.value).bind(2, now);
    std::vector<GroupInvite> out;
    while (q.step()) out.push_back(invite_from(q));
    return out;
  });
}

void SqliteStore::delete_invite(ChatId chat, UserId user, DoneStatus done) {
  write<bool>(
      [chat, user](Db& db) -> Result<bool> {
        db.prepare("DELETE FROM group_invites WHERE chat_id = ? AND user_id = ?").bind(1, chat.value).bind(2, user.value).exec();
        return true;
      },
      status_of(std::move(done)));
}

void SqliteStore::take_rates(std::vector<RateLimit> limits, TimeMs now, bool count, Done<RateVerdict> done) {
  write<RateVerdict>(
      [limits = std::move(limits), now, count](Db& db) -> Result<RateVerdict> {
        auto& q = db.prepare("SELECT window_end, count FROM rate_windows WHERE key = ?");
        for (std::size_t i = 0; i < limits.size(); ++i) {
          q.bind(1, limits[i].key);
          const bool open = q.step() && q.i64(0) > now;
          if ((open ? q.i64(1) : 0) + limits[i].cost > limits[i].limit)
            return RateVerdict{open ? q.i64(0) - now : limits[i].window_ms, i};
          q.reset();
        }
        if (!count) return RateVerdict{};
        auto& up = db.prepare(
            "INSERT INTO rate_windows (key, window_end, count) VALUES (?1, ?2 + ?3, ?4) ON CONFLICT(key) DO UPDATE SET "
            "count = CASE WHEN window_end <= ?2 THEN ?4 ELSE count + ?4 END, "
            "window_end = CASE WHEN window_end <= ?2 THEN ?2 + ?3 ELSE window_end END");
        for (const auto& l : limits) {
          up.bind(1, l.key).bind(2, now).bind(3, l.window_ms).bind(4, l.cost).exec();
          up.reset();
        }
        return RateVerdict{};
      },
      std::move(done));
}

}  // namespace parley::sqlite
