#include "store/postgres/schema.h"

#include <string>

namespace parley::pg {

namespace {

// Append only: never edit a migration that has shipped. Mirrors store/sqlite/schema.cc
// (same tables and meaning), in PostgreSQL types.
constexpr const char* kMigrations[] = {
    // 1: users, devices, sign-in codes, one-to-one chats, messages, update logs.
    R"sql(
CREATE TABLE users (
  id          BIGSERIAL PRIMARY KEY,
  phone       TEXT NOT NULL UNIQUE,
  created_at  BIGINT NOT NULL,
  log_head    BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE devices (
  id              BIGSERIAL PRIMARY KEY,
  user_id         BIGINT NOT NULL REFERENCES users(id),
  name            TEXT NOT NULL,
  token_hash      BYTEA NOT NULL UNIQUE,
  created_at      BIGINT NOT NULL,
  last_active_at  BIGINT NOT NULL DEFAULT 0,
  position        BIGINT NOT NULL DEFAULT 0,
  revoked         BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX devices_user ON devices(user_id);
CREATE TABLE auth_codes (
  phone       TEXT PRIMARY KEY,
  code_hash   BYTEA NOT NULL,
  expires_at  BIGINT NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE chats (
  id          BIGSERIAL PRIMARY KEY,
  kind        INTEGER NOT NULL,
  created_at  BIGINT NOT NULL,
  last_seq    BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE direct_chats (
  user_lo  BIGINT NOT NULL,
  user_hi  BIGINT NOT NULL,
  chat_id  BIGINT NOT NULL,
  PRIMARY KEY (user_lo, user_hi)
);
CREATE TABLE chat_members (
  chat_id        BIGINT NOT NULL,
  user_id        BIGINT NOT NULL,
  delivered_seq  BIGINT NOT NULL DEFAULT 0,
  read_seq       BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (chat_id, user_id)
);
CREATE INDEX chat_members_user ON chat_members(user_id);
CREATE TABLE messages (
  chat_id        BIGINT NOT NULL,
  seq            BIGINT NOT NULL,
  sender         BIGINT NOT NULL,
  sender_device  BIGINT NOT NULL,
  client_id      TEXT NOT NULL,
  ts             BIGINT NOT NULL,
  text           TEXT NOT NULL,
  PRIMARY KEY (chat_id, seq)
);
CREATE UNIQUE INDEX messages_client ON messages(sender, client_id);
CREATE TABLE updates (
  user_id    BIGINT NOT NULL,
  pts        BIGINT NOT NULL,
  kind       SMALLINT NOT NULL,
  chat_id    BIGINT NOT NULL,
  seq        BIGINT NOT NULL DEFAULT 0,
  member     BIGINT NOT NULL DEFAULT 0,
  delivered  BIGINT NOT NULL DEFAULT 0,
  read       BIGINT NOT NULL DEFAULT 0,
  ts         BIGINT NOT NULL,
  PRIMARY KEY (user_id, pts)
);
CREATE INDEX updates_ts ON updates(ts);
)sql",
    // 2: the id of this data set; nodes on it share it (it names their NATS subjects).
    R"sql(
CREATE TABLE parley_cluster (id TEXT NOT NULL);
INSERT INTO parley_cluster (id) SELECT substr(md5(random()::text || clock_timestamp()::text), 1, 16);
)sql",
    // 3: presence: last seen (written in batches) and the last-seen privacy setting. Not
    // in `users`, whose rows message batches lock.
    R"sql(
CREATE TABLE presence (
  user_id     BIGINT PRIMARY KEY,
  last_seen   BIGINT NOT NULL DEFAULT 0,
  visibility  SMALLINT NOT NULL DEFAULT 0
);
)sql",
    // 4: groups and rooms (as SQLite migration 3), plus chats.members_version: bumped by
    // every membership or settings change, checked under the chat's row lock by batches
    // that planned with a node's cached member list.
    R"sql(
ALTER TABLE chats ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE chats ADD COLUMN avatar TEXT NOT NULL DEFAULT '';
ALTER TABLE chats ADD COLUMN members_can_add BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE chats ADD COLUMN everyone_posts BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE chats ADD COLUMN created_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE chats ADD COLUMN invite TEXT UNIQUE;
ALTER TABLE chats ADD COLUMN member_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE chats ADD COLUMN members_version BIGINT NOT NULL DEFAULT 0;
UPDATE chats SET member_count = (SELECT count(*) FROM chat_members m WHERE m.chat_id = chats.id);
ALTER TABLE chat_members ADD COLUMN role SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE chat_members ADD COLUMN joined_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX chat_members_read ON chat_members(chat_id, read_seq);
ALTER TABLE messages ADD COLUMN system TEXT;
CREATE TABLE former_members (
  chat_id     BIGINT NOT NULL,
  user_id     BIGINT NOT NULL,
  joined_seq  BIGINT NOT NULL,
  left_seq    BIGINT NOT NULL,
  PRIMARY KEY (chat_id, user_id)
);
CREATE TABLE room_positions (
  device_id  BIGINT NOT NULL,
  chat_id    BIGINT NOT NULL,
  seq        BIGINT NOT NULL,
  PRIMARY KEY (device_id, chat_id)
);
)sql",
    // 5: the write path's cost. Counter rows (users.log_head, chats.last_seq) and receipt
    // rows are locked and rewritten by every batch: free space on their pages lets
    // PostgreSQL update them in place (HOT), without a new entry in each of their indexes.
    // The update log's time index only serves the retention sweep, and the log is appended
    // in time order: a BRIN index (a few pages) instead of a B-tree entry per row.
    R"sql(
ALTER TABLE users SET (fillfactor = 50);
ALTER TABLE chats SET (fillfactor = 50);
ALTER TABLE chat_members SET (fillfactor = 70);
ALTER TABLE devices SET (fillfactor = 70);
DROP INDEX updates_ts;
CREATE INDEX updates_ts ON updates USING brin (ts);
)sql",
    // 6: who knows whom (issue 14), as SQLite migration 5.
    R"sql(
ALTER TABLE chat_members ADD COLUMN posted BOOLEAN NOT NULL DEFAULT false;
UPDATE chat_members cm SET posted = true
  WHERE (SELECT kind FROM chats c WHERE c.id = cm.chat_id) <> 3
    AND EXISTS (SELECT 1 FROM messages m WHERE m.chat_id = cm.chat_id AND m.sender = cm.user_id);
CREATE TABLE phone_known (
  user_id  BIGINT NOT NULL,
  peer_id  BIGINT NOT NULL,
  PRIMARY KEY (user_id, peer_id)
);
ALTER TABLE presence ADD COLUMN group_add INTEGER NOT NULL DEFAULT 0;
CREATE TABLE group_invites (
  chat_id     BIGINT NOT NULL,
  user_id     BIGINT NOT NULL,
  inviter     BIGINT NOT NULL,
  code        TEXT NOT NULL UNIQUE,
  expires_at  BIGINT NOT NULL,
  PRIMARY KEY (chat_id, user_id)
);
CREATE INDEX group_invites_user ON group_invites(user_id);
ALTER TABLE chats ADD COLUMN public BOOLEAN NOT NULL DEFAULT false;
CREATE TABLE rate_windows (
  key         TEXT PRIMARY KEY,
  window_end  BIGINT NOT NULL,
  count       BIGINT NOT NULL
);
)sql",
    // 8: media (issue 16), as SQLite migration 6.
    R"sql(
ALTER TABLE messages ADD COLUMN media TEXT;
CREATE TABLE media (
  id          TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  mime        TEXT NOT NULL,
  size        BIGINT NOT NULL,
  width       INTEGER NOT NULL DEFAULT 0,
  height      INTEGER NOT NULL DEFAULT 0,
  duration_ms BIGINT NOT NULL DEFAULT 0,
  thumbnail   TEXT NOT NULL DEFAULT '',
  waveform    TEXT NOT NULL DEFAULT '',
  preview     TEXT NOT NULL DEFAULT '',
  uploaded_at BIGINT NOT NULL
);
CREATE INDEX media_uploaded_at ON media(uploaded_at);
CREATE INDEX media_preview ON media(preview) WHERE preview <> '';
CREATE TABLE media_uploads (
  media       TEXT NOT NULL,
  user_id     BIGINT NOT NULL,
  at          BIGINT NOT NULL,
  PRIMARY KEY (media, user_id)
);
CREATE TABLE media_refs (
  media       TEXT NOT NULL,
  chat_id     BIGINT NOT NULL,
  seq         BIGINT NOT NULL,
  PRIMARY KEY (media, chat_id, seq)
);
)sql",
    // 9: users' avatars (issue 16), as SQLite migration 7.
    R"sql(
ALTER TABLE users ADD COLUMN avatar TEXT NOT NULL DEFAULT '';
CREATE INDEX users_avatar ON users(avatar) WHERE avatar <> '';
ALTER TABLE media_uploads ADD COLUMN name TEXT NOT NULL DEFAULT '';
)sql",
    // 10: message actions, search and chat modes (issue 17), as SQLite migration 8. `search`
    // is the text as model/search_text.h indexes it when that differs from `text` (CJK); the
    // full-text index is a GIN index on its tsvector ('simple': no stemming; docs/search.md).
    R"sql(
ALTER TABLE messages ADD COLUMN edited_at BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN deleted BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN reply_to BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN forwarded BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN reactions TEXT,
  ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN transient BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN search TEXT;
CREATE INDEX messages_expiry ON messages(expires_at) WHERE expires_at > 0 AND deleted = 0;
CREATE INDEX messages_transient ON messages(chat_id, seq) WHERE transient AND deleted = 0;
CREATE TABLE reactions (
  chat_id  BIGINT NOT NULL,
  seq      BIGINT NOT NULL,
  user_id  BIGINT NOT NULL,
  emoji    TEXT NOT NULL,
  at       BIGINT NOT NULL,
  PRIMARY KEY (chat_id, seq, user_id)
);
CREATE TABLE stars (
  user_id  BIGINT NOT NULL,
  chat_id  BIGINT NOT NULL,
  seq      BIGINT NOT NULL,
  at       BIGINT NOT NULL,
  PRIMARY KEY (user_id, chat_id, seq)
);
CREATE TABLE hidden (
  user_id  BIGINT NOT NULL,
  chat_id  BIGINT NOT NULL,
  seq      BIGINT NOT NULL,
  PRIMARY KEY (user_id, chat_id, seq)
);
ALTER TABLE chats ADD COLUMN temporary BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN disappear_ms BIGINT NOT NULL DEFAULT 0;
CREATE INDEX messages_search ON messages USING gin (to_tsvector('simple', coalesce(search, text)))
  WHERE system IS NULL AND deleted = 0;
)sql",
    // 11: profiles, saved contacts, blocks, a user's chat settings, push targets and jobs
    // (issue 18, as SQLite migration 9; docs/protocol.md §4.8, docs/push.md). Profile privacy settings sit beside
    // last seen's in `presence`. A push job collapses events per target, chat and event; it
    // is due at `due_at` and leased by one node until `lease_until`.
    R"sql(
ALTER TABLE users ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN about TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN previews BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE presence ADD COLUMN name_vis INTEGER NOT NULL DEFAULT 0;
ALTER TABLE presence ADD COLUMN about_vis INTEGER NOT NULL DEFAULT 0;
ALTER TABLE presence ADD COLUMN photo_vis INTEGER NOT NULL DEFAULT 0;
CREATE TABLE saved_contacts (
  user_id     BIGINT NOT NULL,
  contact_id  BIGINT NOT NULL,
  name        TEXT NOT NULL,
  PRIMARY KEY (user_id, contact_id)
);
CREATE INDEX saved_contacts_contact ON saved_contacts(contact_id);
CREATE TABLE blocks (
  user_id     BIGINT NOT NULL,
  blocked_id  BIGINT NOT NULL,
  at          BIGINT NOT NULL,
  PRIMARY KEY (user_id, blocked_id)
);
CREATE INDEX blocks_blocked ON blocks(blocked_id);
CREATE TABLE chat_prefs (
  user_id      BIGINT NOT NULL,
  chat_id      BIGINT NOT NULL,
  muted_until  BIGINT NOT NULL DEFAULT 0,
  archived     BOOLEAN NOT NULL DEFAULT false,
  pinned       BOOLEAN NOT NULL DEFAULT false,
  PRIMARY KEY (user_id, chat_id)
);
CREATE TABLE push_targets (
  id          BIGSERIAL PRIMARY KEY,
  user_id     BIGINT NOT NULL,
  device_id   BIGINT NOT NULL,
  provider    TEXT NOT NULL,
  token       TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  UNIQUE (device_id, provider)
);
CREATE INDEX push_targets_user ON push_targets(user_id);
CREATE TABLE push_jobs (
  id           BIGSERIAL PRIMARY KEY,
  target_id    BIGINT NOT NULL,
  chat_id      BIGINT NOT NULL,
  event        TEXT NOT NULL,
  seq          BIGINT NOT NULL,
  sender       BIGINT NOT NULL,
  count        BIGINT NOT NULL,
  preview      TEXT NOT NULL,
  first_at     BIGINT NOT NULL,
  due_at       BIGINT NOT NULL,
  lease_until  BIGINT NOT NULL DEFAULT 0,
  attempts     INTEGER NOT NULL DEFAULT 0,
  version      BIGINT NOT NULL DEFAULT 0,
  UNIQUE (target_id, chat_id, event)
);
CREATE INDEX push_jobs_due ON push_jobs(due_at);
)sql",
    // 10: message info and former groups (issue 19), as in SQLite's 10.
    R"sql(
CREATE TABLE receipt_raises (
  chat_id  BIGINT NOT NULL,
  user_id  BIGINT NOT NULL,
  kind     INTEGER NOT NULL,
  seq      BIGINT NOT NULL,
  at       BIGINT NOT NULL,
  PRIMARY KEY (chat_id, user_id, kind, seq)
);
ALTER TABLE former_members ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE former_members ADD COLUMN read_seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX former_members_user ON former_members(user_id);
UPDATE former_members f SET read_seq = f.left_seq, name = coalesce((SELECT coalesce(m.system::jsonb ->> 'name', '')
  FROM messages m WHERE m.chat_id = f.chat_id AND m.seq <= f.left_seq AND m.system IS NOT NULL
  AND m.system::jsonb ->> 'event' IN ('created', 'renamed') ORDER BY m.seq DESC LIMIT 1), '');
)sql",
    // 11: retention collapses group members' old raises (model/receipt_times.h), found by time.
    R"sql(
CREATE INDEX receipt_raises_at ON receipt_raises USING brin (at);
)sql",
};

// Any constant works; it only has to be the same on every node.
constexpr const char* kLockKey = "7046737265790001";

}  // namespace

int latest_schema_version() { return static_cast<int>(std::size(kMigrations)); }

int migrate(Conn& conn) {
  conn.query(std::string("SELECT pg_advisory_lock(") + kLockKey + ")");
  int version = 0;
  try {
    conn.exec("CREATE TABLE IF NOT EXISTS parley_schema (version INTEGER NOT NULL)");
    auto rows = conn.query("SELECT coalesce(max(version), 0) FROM parley_schema");
    version = static_cast<int>(rows.i64(0, 0));
    if (version > latest_schema_version())
      throw std::runtime_error("database schema version " + std::to_string(version) + " is newer than this parleyd (" +
                               std::to_string(latest_schema_version()) + ")");
    for (; version < latest_schema_version(); ++version) {
      conn.exec("BEGIN");
      try {
        conn.exec(kMigrations[version]);
        conn.query("INSERT INTO parley_schema (version) VALUES ($1)", {version + 1});
        conn.exec("COMMIT");
      } catch (...) {
        if (conn.ok()) conn.exec("ROLLBACK");
        throw;
      }
    }
  } catch (...) {
    if (conn.ok()) conn.query(std::string("SELECT pg_advisory_unlock(") + kLockKey + ")");
    throw;
  }
  conn.query(std::string("SELECT pg_advisory_unlock(") + kLockKey + ")");
  return version;
}

}  // namespace parley::pg
