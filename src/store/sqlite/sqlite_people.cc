// SqliteStore: profiles, saved contacts, blocks and a user's own settings of a chat
// (docs/protocol.md §4.8). The rules of who sees what are the domain's (model/people.h);
// this file keeps and reads the facts.
#include "store/sqlite/sqlite_store_impl.h"

namespace parley::sqlite {

namespace {

bool exists(Db& db, const char* sql, std::int64_t a, std::int64_t b) {
  auto& q = db.prepare(sql);
  q.bind(1, a).bind(2, b);
  bool found = q.step();
  q.reset();  // a statement left mid-step would keep the writer's transaction from committing
  return found;
}

// A group or room both are in (kind 1, a one-to-one chat, counts once the other wrote in
// it: writing to an id must not reveal who has it).
constexpr const char* kSharesGroup =
    "SELECT 1 FROM chat_members a JOIN chats c ON c.id = a.chat_id AND c.kind <> 1 "
    "JOIN chat_members b ON b.chat_id = a.chat_id AND b.user_id = ?2 WHERE a.user_id = ?1 LIMIT 1";
constexpr const char* kFound = "SELECT 1 FROM phone_known WHERE user_id = ? AND peer_id = ?";
constexpr const char* kSaved = "SELECT name FROM saved_contacts WHERE user_id = ? AND contact_id = ?";
constexpr const char* kBlocks = "SELECT 1 FROM blocks WHERE user_id = ? AND blocked_id = ?";
constexpr const char* kTwoWay =
    "SELECT 1 FROM direct_chats d JOIN chat_members a ON a.chat_id = d.chat_id AND a.user_id = d.user_lo "
    "JOIN chat_members b ON b.chat_id = d.chat_id AND b.user_id = d.user_hi "
    "WHERE d.user_lo = ? AND d.user_hi = ? AND a.posted AND b.posted";
// ?1 wrote in their one-to-one chat with the viewer: one probe (the common case).
constexpr const char* kWroteDirect =
    "SELECT 1 FROM direct_chats d JOIN chat_members a ON a.chat_id = d.chat_id AND a.user_id = ?1 AND a.posted "
    "WHERE d.user_lo = min(?1, ?2) AND d.user_hi = max(?1, ?2)";
// A chat (not a room: rooms never set `posted`) both are in, where ?1 posted: walks ?1's chats.
constexpr const char* kPostedWith =
    "SELECT 1 FROM chat_members a JOIN chat_members b ON b.chat_id = a.chat_id AND b.user_id = ?2 "
    "WHERE a.user_id = ?1 AND a.posted LIMIT 1";

}  // namespace

Result<std::vector<Profile>> SqliteStore::profiles(const std::vector<UserId>& users) {
  return read([&](Db& db) -> Result<std::vector<Profile>> {
    auto& q = db.prepare(
        "SELECT u.phone, u.name, u.about, u.avatar, u.previews, coalesce(p.name_vis, 0), coalesce(p.about_vis, 0), "
        "coalesce(p.photo_vis, 0) FROM users u LEFT JOIN presence p ON p.user_id = u.id WHERE u.id = ?");
    std::vector<Profile> out;
    for (UserId u : users) {
      q.bind(1, u.value);
      if (q.step())
        out.push_back(Profile{u, q.text(0), q.text(1), q.text(2), q.text(3), q.i64(4) != 0,
                              static_cast<Visibility>(q.i64(5)), static_cast<Visibility>(q.i64(6)),
                              static_cast<Visibility>(q.i64(7))});
      q.reset();
    }
    return out;
  });
}

void SqliteStore::set_profile(UserId user, ProfileChange change, DoneStatus done) {
  write<bool>(
      [this, user, change = std::move(change)](Db& db) -> Result<bool> {
        if (!user_exists(db, user)) return Status(Code::kNoSuchUser, "no such user");
        if (change.name) db.prepare("UPDATE users SET name = ? WHERE id = ?").bind(1, *change.name).bind(2, user.value).exec();
        if (change.about)
          db.prepare("UPDATE users SET about = ? WHERE id = ?").bind(1, *change.about).bind(2, user.value).exec();
        if (change.previews)
          db.prepare("UPDATE users SET previews = ? WHERE id = ?").bind(1, *change.previews ? 1 : 0).bind(2, user.value).exec();
        return true;
      },
      status_of(std::move(done)));
}

void SqliteStore::set_visibility(UserId user, PrivacyField field, Visibility who, DoneStatus done) {
  write<bool>(
      [this, user, field, who](Db& db) -> Result<bool> {
        if (!user_exists(db, user)) return Status(Code::kNoSuchUser, "no such user");
        const char* sql =
            field == PrivacyField::kName
                ? "INSERT INTO presence (user_id, name_vis) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET name_vis = excluded.name_vis"
            : field == PrivacyField::kAbout
                ? "INSERT INTO presence (user_id, about_vis) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET about_vis = excluded.about_vis"
                : "INSERT INTO presence (user_id, photo_vis) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET photo_vis = excluded.photo_vis";
        db.prepare(sql).bind(1, user.value).bind(2, static_cast<std::int64_t>(who)).exec();
        return true;
      },
      status_of(std::move(done)));
}

Result<std::vector<Relation>> SqliteStore::relations(UserId viewer, const std::vector<UserId>& users) {
  return read([&](Db& db) -> Result<std::vector<Relation>> {
    std::vector<Relation> out;
    for (UserId u : users) {
      Relation r;
      r.user = u;
      if (u == viewer) {
        r.knows = r.contact = r.phone_visible = true;
        out.push_back(r);
        continue;
      }
      auto& saved = db.prepare(kSaved);
      saved.bind(1, viewer.value).bind(2, u.value);
      if (saved.step()) r.contact_name = saved.text(0);
      saved.reset();
      const bool found = exists(db, kFound, viewer.value, u.value);
      const bool posted = exists(db, kWroteDirect, u.value, viewer.value) || exists(db, kPostedWith, u.value, viewer.value);
      r.knows = !r.contact_name.empty() || found || posted || exists(db, kSharesGroup, viewer.value, u.value);
      r.contact = exists(db, kSaved, u.value, viewer.value) ||
                  exists(db, kTwoWay, std::min(u, viewer).value, std::max(u, viewer).value);
      r.phone_visible = found || !r.contact_name.empty() || posted;
      r.blocked = exists(db, kBlocks, viewer.value, u.value);
      r.blocks_viewer = exists(db, kBlocks, u.value, viewer.value);
      out.push_back(std::move(r));
    }
    return out;
  });
}

Result<std::vector<UserId>> SqliteStore::profile_audience(UserId user) {
  return read([&](Db& db) -> Result<std::vector<UserId>> {
    auto& q = db.prepare(
        "SELECT b.user_id FROM chat_members a JOIN chats c ON c.id = a.chat_id AND c.kind <> ?2 "
        "JOIN chat_members b ON b.chat_id = a.chat_id WHERE a.user_id = ?1 AND b.user_id <> ?1 "
        "UNION SELECT user_id FROM saved_contacts WHERE contact_id = ?1");
    q.bind(1, user.value).bind(2, stored(ChatKind::kRoom));
    std::vector<UserId> out;
    while (q.step()) out.push_back(UserId(q.i64(0)));
    return out;
  });
}

void SqliteStore::save_contact(UserId owner, UserId contact, std::string name, DoneStatus done) {
  write<bool>(
      [owner, contact, name = std::move(name)](Db& db) -> Result<bool> {
        db.prepare(
              "INSERT INTO saved_contacts (user_id, contact_id, name) VALUES (?, ?, ?) "
              "ON CONFLICT(user_id, contact_id) DO UPDATE SET name = excluded.name")
            .bind(1, owner.value)
            .bind(2, contact.value)
            .bind(3, name)
            .exec();
        return true;
      },
      status_of(std::move(done)));
}

void SqliteStore::remove_contact(UserId owner, UserId contact, Done<bool> done) {
  write<bool>(
      [owner, contact](Db& db) -> Result<bool> {
        db.prepare("DELETE FROM saved_contacts WHERE user_id = ? AND contact_id = ?").bind(1, owner.value).bind(2, contact.value).exec();
        return db.changes() > 0;
      },
      std::move(done));
}

Result<std::vector<SavedContact>> SqliteStore::saved_contacts(UserId owner) {
  return read([&](Db& db) -> Result<std::vector<SavedContact>> {
    auto& q = db.prepare("SELECT contact_id, name FROM saved_contacts WHERE user_id = ? ORDER BY name COLLATE NOCASE, contact_id");
    q.bind(1, owner.value);
    std::vector<SavedContact> out;
    while (q.step()) out.push_back(SavedContact{UserId(q.i64(0)), q.text(1)});
    return out;
  });
}

void SqliteStore::set_block(UserId blocker, UserId blocked, bool on, DoneStatus done) {
  write<bool>(
      [this, blocker, blocked, on](Db& db) -> Result<bool> {
        if (!on) {
          db.prepare("DELETE FROM blocks WHERE user_id = ? AND blocked_id = ?").bind(1, blocker.value).bind(2, blocked.value).exec();
          return true;
        }
        if (!user_exists(db, blocked)) return Status(Code::kNoSuchUser, "no such user");
        db.prepare("INSERT INTO blocks (user_id, blocked_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            .bind(1, blocker.value)
            .bind(2, blocked.value)
            .bind(3, stamp())
            .exec();
        return true;
      },
      status_of(std::move(done)));
}

Result<std::vector<UserId>> SqliteStore::blocked_by(UserId blocker) {
  return read([&](Db& db) -> Result<std::vector<UserId>> {
    auto& q = db.prepare("SELECT blocked_id FROM blocks WHERE user_id = ? ORDER BY blocked_id");
    q.bind(1, blocker.value);
    std::vector<UserId> out;
    while (q.step()) out.push_back(UserId(q.i64(0)));
    return out;
  });
}

Result<std::vector<UserId>> SqliteStore::blocked_among(UserId user, const std::vector<UserId>& others) {
  return read([&](Db& db) -> Result<std::vector<UserId>> {
    std::vector<UserId> out;
    for (UserId o : others)
      if (exists(db, kBlocks, user.value, o.value) || exists(db, kBlocks, o.value, user.value)) out.push_back(o);
    return out;
  });
}

void SqliteStore::set_chat_prefs(ChatPrefsChange c, Done<ChatPrefs> done) {
  write<ChatPrefs>(
      [c](Db& db) -> Result<ChatPrefs> {
        if (!exists(db, "SELECT 1 FROM chat_members WHERE chat_id = ? AND user_id = ?", c.chat.value, c.user.value))
          return Status(Code::kNotMember, "not a member of this chat");
        auto& now = db.prepare("SELECT muted_until, archived, pinned FROM chat_prefs WHERE user_id = ? AND chat_id = ?");
        now.bind(1, c.user.value).bind(2, c.chat.value);
        ChatPrefs p{c.chat};
        if (now.step()) p = ChatPrefs{c.chat, now.i64(0), now.i64(1) != 0, now.i64(2) != 0};
        now.reset();
        if (c.pinned && *c.pinned && !p.pinned) {
          auto& n = db.prepare("SELECT count(*) FROM chat_prefs WHERE user_id = ? AND pinned = 1");
          n.bind(1, c.user.value);
          n.step();
          const bool full = n.i64(0) >= c.max_pinned;
          n.reset();
          if (full)
            return Status(Code::kInvalid, "at most " + std::to_string(c.max_pinned) + " chats can be pinned");
        }
        if (c.muted_until) p.muted_until = *c.muted_until;
        if (c.archived) p.archived = *c.archived;
        if (c.pinned) p.pinned = *c.pinned;
        db.prepare(
              "INSERT INTO chat_prefs (user_id, chat_id, muted_until, archived, pinned) VALUES (?, ?, ?, ?, ?) "
              "ON CONFLICT(user_id, chat_id) DO UPDATE SET muted_until = excluded.muted_until, "
              "archived = excluded.archived, pinned = excluded.pinned")
            .bind(1, c.user.value)
            .bind(2, c.chat.value)
            .bind(3, p.muted_until)
            .bind(4, p.archived ? 1 : 0)
            .bind(5, p.pinned ? 1 : 0)
            .exec();
        return p;
      },
      std::move(done));
}

}  // namespace parley::sqlite
