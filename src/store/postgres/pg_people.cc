// PostgresStore: profiles, saved contacts, blocks and a user's own settings of a chat
// (docs/protocol.md §4.8), as SqliteStore does them (sqlite_people.cc).
#include "store/postgres/pg_store_impl.h"

namespace parley::pg {

namespace {

const char* flag(bool b) { return b ? "t" : "f"; }

}  // namespace

Result<std::vector<Profile>> PostgresStore::profiles(const std::vector<UserId>& users) {
  return read([&](Conn& c) -> Result<std::vector<Profile>> {
    auto q = c.query(
        "SELECT u.id, u.phone, u.name, u.about, u.avatar, u.previews, coalesce(p.name_vis, 0), coalesce(p.about_vis, 0), "
        "coalesce(p.photo_vis, 0) FROM users u LEFT JOIN presence p ON p.user_id = u.id WHERE u.id = ANY($1::bigint[])",
        {user_array(users)});
    std::vector<Profile> out;
    for (int i = 0; i < q.size(); ++i)
      out.push_back(Profile{UserId(q.i64(i, 0)), q.text(i, 1), q.text(i, 2), q.text(i, 3), q.text(i, 4),
                            q.text(i, 5) == "t", static_cast<Visibility>(q.i64(i, 6)),
                            static_cast<Visibility>(q.i64(i, 7)), static_cast<Visibility>(q.i64(i, 8))});
    return out;
  });
}

void PostgresStore::set_profile(UserId user, ProfileChange change, DoneStatus done) {
  write<bool>(
      no_plan,
      [this, user, change = std::move(change)](Batch& b) -> Result<bool> {
        if (!user_exists(b.conn, user)) return Status(Code::kNoSuchUser, "no such user");
        if (change.name) b.conn.query("UPDATE users SET name = $1 WHERE id = $2", {*change.name, user.value});
        if (change.about) b.conn.query("UPDATE users SET about = $1 WHERE id = $2", {*change.about, user.value});
        if (change.previews) b.conn.query("UPDATE users SET previews = $1 WHERE id = $2", {flag(*change.previews), user.value});
        return true;
      },
      status_of(std::move(done)));
}

void PostgresStore::set_visibility(UserId user, PrivacyField field, Visibility who, DoneStatus done) {
  write<bool>(
      no_plan,
      [this, user, field, who](Batch& b) -> Result<bool> {
        if (!user_exists(b.conn, user)) return Status(Code::kNoSuchUser, "no such user");
        const char* sql =
            field == PrivacyField::kName
                ? "INSERT INTO presence (user_id, name_vis) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET name_vis = excluded.name_vis"
            : field == PrivacyField::kAbout
                ? "INSERT INTO presence (user_id, about_vis) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET about_vis = excluded.about_vis"
                : "INSERT INTO presence (user_id, photo_vis) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET photo_vis = excluded.photo_vis";
        b.conn.query(sql, {user.value, static_cast<int>(who)});
        return true;
      },
      status_of(std::move(done)));
}

Result<std::vector<Relation>> PostgresStore::relations(UserId viewer, const std::vector<UserId>& users) {
  return read([&](Conn& c) -> Result<std::vector<Relation>> {
    auto q = c.query(
        "SELECT u, coalesce((SELECT name FROM saved_contacts WHERE user_id = $1 AND contact_id = u), ''), "
        "EXISTS (SELECT 1 FROM phone_known WHERE user_id = $1 AND peer_id = u), "
        "EXISTS (SELECT 1 FROM chat_members a JOIN chats c ON c.id = a.chat_id AND c.kind <> $3 "
        "  JOIN chat_members b ON b.chat_id = a.chat_id AND b.user_id = u WHERE a.user_id = $1), "
        "EXISTS (SELECT 1 FROM saved_contacts WHERE user_id = u AND contact_id = $1) OR EXISTS (SELECT 1 FROM direct_chats d "
        "  JOIN chat_members a ON a.chat_id = d.chat_id AND a.user_id = d.user_lo AND a.posted "
        "  JOIN chat_members b ON b.chat_id = d.chat_id AND b.user_id = d.user_hi AND b.posted "
        "  WHERE d.user_lo = least($1, u) AND d.user_hi = greatest($1, u)), "
        "EXISTS (SELECT 1 FROM chat_members a JOIN chat_members b ON b.chat_id = a.chat_id AND b.user_id = $1 "
        "  WHERE a.user_id = u AND a.posted), "
        "EXISTS (SELECT 1 FROM blocks WHERE user_id = $1 AND blocked_id = u), "
        "EXISTS (SELECT 1 FROM blocks WHERE user_id = u AND blocked_id = $1) "
        "FROM unnest($2::bigint[]) WITH ORDINALITY AS t(u, i) ORDER BY i",
        {viewer.value, user_array(users), stored(ChatKind::kDirect)});
    std::vector<Relation> out;
    for (int i = 0; i < q.size(); ++i) {
      Relation r;
      r.user = UserId(q.i64(i, 0));
      if (r.user == viewer) {
        r.knows = r.contact = r.phone_visible = true;
        out.push_back(r);
        continue;
      }
      r.contact_name = q.text(i, 1);
      const bool found = q.text(i, 2) == "t";
      const bool posted = q.text(i, 5) == "t";  // in a chat both are in (one-to-one: they wrote to the viewer)
      r.knows = !r.contact_name.empty() || found || posted || q.text(i, 3) == "t";
      r.contact = q.text(i, 4) == "t";
      r.phone_visible = found || !r.contact_name.empty() || posted;
      r.blocked = q.text(i, 6) == "t";
      r.blocks_viewer = q.text(i, 7) == "t";
      out.push_back(std::move(r));
    }
    return out;
  });
}

Result<std::vector<UserId>> PostgresStore::profile_audience(UserId user) {
  return read([&](Conn& c) -> Result<std::vector<UserId>> {
    auto q = c.query(
        "SELECT b.user_id FROM chat_members a JOIN chats c ON c.id = a.chat_id AND c.kind <> $2 "
        "JOIN chat_members b ON b.chat_id = a.chat_id WHERE a.user_id = $1 AND b.user_id <> $1 "
        "UNION SELECT user_id FROM saved_contacts WHERE contact_id = $1",
        {user.value, stored(ChatKind::kRoom)});
    std::vector<UserId> out;
    for (int i = 0; i < q.size(); ++i) out.push_back(UserId(q.i64(i, 0)));
    return out;
  });
}

void PostgresStore::save_contact(UserId owner, UserId contact, std::string name, DoneStatus done) {
  write<bool>(
      no_plan,
      [owner, contact, name = std::move(name)](Batch& b) -> Result<bool> {
        b.conn.query(
            "INSERT INTO saved_contacts (user_id, contact_id, name) VALUES ($1, $2, $3) "
            "ON CONFLICT (user_id, contact_id) DO UPDATE SET name = excluded.name",
            {owner.value, contact.value, name});
        return true;
      },
      status_of(std::move(done)));
}

void PostgresStore::remove_contact(UserId owner, UserId contact, Done<bool> done) {
  write<bool>(
      no_plan,
      [owner, contact](Batch& b) -> Result<bool> {
        return b.conn.query("DELETE FROM saved_contacts WHERE user_id = $1 AND contact_id = $2", {owner.value, contact.value})
                   .affected() > 0;
      },
      std::move(done));
}

Result<std::vector<SavedContact>> PostgresStore::saved_contacts(UserId owner) {
  return read([&](Conn& c) -> Result<std::vector<SavedContact>> {
    auto q = c.query("SELECT contact_id, name FROM saved_contacts WHERE user_id = $1 ORDER BY lower(name), contact_id",
                     {owner.value});
    std::vector<SavedContact> out;
    for (int i = 0; i < q.size(); ++i) out.push_back(SavedContact{UserId(q.i64(i, 0)), q.text(i, 1)});
    return out;
  });
}

void PostgresStore::set_block(UserId blocker, UserId blocked, bool on, DoneStatus done) {
  write<bool>(
      no_plan,
      [this, blocker, blocked, on](Batch& b) -> Result<bool> {
        if (!on) {
          b.conn.query("DELETE FROM blocks WHERE user_id = $1 AND blocked_id = $2", {blocker.value, blocked.value});
          return true;
        }
        if (!user_exists(b.conn, blocked)) return Status(Code::kNoSuchUser, "no such user");
        b.conn.query("INSERT INTO blocks (user_id, blocked_id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                     {blocker.value, blocked.value, stamp()});
        return true;
      },
      status_of(std::move(done)));
}

Result<std::vector<UserId>> PostgresStore::blocked_by(UserId blocker) {
  return read([&](Conn& c) -> Result<std::vector<UserId>> {
    auto q = c.query("SELECT blocked_id FROM blocks WHERE user_id = $1 ORDER BY blocked_id", {blocker.value});
    std::vector<UserId> out;
    for (int i = 0; i < q.size(); ++i) out.push_back(UserId(q.i64(i, 0)));
    return out;
  });
}

Result<std::vector<UserId>> PostgresStore::blocked_among(UserId user, const std::vector<UserId>& others) {
  return read([&](Conn& c) -> Result<std::vector<UserId>> {
    auto q = c.query(
        "SELECT o FROM unnest($2::bigint[]) AS t(o) WHERE EXISTS (SELECT 1 FROM blocks WHERE "
        "(user_id = $1 AND blocked_id = o) OR (user_id = o AND blocked_id = $1))",
        {user.value, user_array(others)});
    std::vector<UserId> out;
    for (int i = 0; i < q.size(); ++i) out.push_back(UserId(q.i64(i, 0)));
    return out;
  });
}

void PostgresStore::set_chat_prefs(ChatPrefsChange ch, Done<ChatPrefs> done) {
  write<ChatPrefs>(
      no_plan,
      [ch](Batch& b) -> Result<ChatPrefs> {
        if (b.conn.query("SELECT 1 FROM chat_members WHERE chat_id = $1 AND user_id = $2", {ch.chat.value, ch.user.value})
                .empty())
          return Status(Code::kNotMember, "not a member of this chat");
        auto now = b.conn.query("SELECT muted_until, archived, pinned FROM chat_prefs WHERE user_id = $1 AND chat_id = $2",
                                {ch.user.value, ch.chat.value});
        ChatPrefs p{ch.chat};
        if (!now.empty()) p = ChatPrefs{ch.chat, now.i64(0, 0), now.text(0, 1) == "t", now.text(0, 2) == "t"};
        if (ch.pinned && *ch.pinned && !p.pinned &&
            b.conn.query("SELECT count(*) FROM chat_prefs WHERE user_id = $1 AND pinned", {ch.user.value}).i64(0, 0) >=
                ch.max_pinned)
          return Status(Code::kInvalid, "at most " + std::to_string(ch.max_pinned) + " chats can be pinned");
        if (ch.muted_until) p.muted_until = *ch.muted_until;
        if (ch.archived) p.archived = *ch.archived;
        if (ch.pinned) p.pinned = *ch.pinned;
        b.conn.query(
            "INSERT INTO chat_prefs (user_id, chat_id, muted_until, archived, pinned) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (user_id, chat_id) DO UPDATE SET muted_until = excluded.muted_until, "
            "archived = excluded.archived, pinned = excluded.pinned",
            {ch.user.value, ch.chat.value, p.muted_until, flag(p.archived), flag(p.pinned)});
        return p;
      },
      std::move(done));
}

}  // namespace parley::pg
