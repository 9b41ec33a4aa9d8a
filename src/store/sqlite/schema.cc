#include "store/sqlite/schema.h"

#include <string>

#include "model/search_text.h"

namespace parley::sqlite {

namespace {

// Append only: never edit a migration that has shipped.
constexpr const char* kMigrations[] = {
    // 1: users, devices, sign-in codes, one-to-one chats, messages, update logs.
    R"sql(
CREATE TABLE users (
  id          INTEGER PRIMARY KEY,
  phone       TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL,
  log_head    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE devices (
  id              INTEGER PRIMARY KEY,
  user_id         INTEGER NOT NULL REFERENCES users(id),
  name            TEXT NOT NULL,
  token_hash      BLOB NOT NULL UNIQUE,
  created_at      INTEGER NOT NULL,
  last_active_at  INTEGER NOT NULL DEFAULT 0,
  position        INTEGER NOT NULL DEFAULT 0,
  revoked         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX devices_user ON devices(user_id);
CREATE TABLE auth_codes (
  phone       TEXT PRIMARY KEY,
  code_hash   BLOB NOT NULL,
  expires_at  INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE chats (
  id          INTEGER PRIMARY KEY,
  kind        INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  last_seq    INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE direct_chats (
  user_lo  INTEGER NOT NULL,
  user_hi  INTEGER NOT NULL,
  chat_id  INTEGER NOT NULL,
  PRIMARY KEY (user_lo, user_hi)
) WITHOUT ROWID;
CREATE TABLE chat_members (
  chat_id        INTEGER NOT NULL,
  user_id        INTEGER NOT NULL,
  delivered_seq  INTEGER NOT NULL DEFAULT 0,
  read_seq       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (chat_id, user_id)
) WITHOUT ROWID;
CREATE INDEX chat_members_user ON chat_members(user_id);
CREATE TABLE messages (
  chat_id        INTEGER NOT NULL,
  seq            INTEGER NOT NULL,
  sender         INTEGER NOT NULL,
  sender_device  INTEGER NOT NULL,
  client_id      TEXT NOT NULL,
  ts             INTEGER NOT NULL,
  text           TEXT NOT NULL,
  PRIMARY KEY (chat_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX messages_client ON messages(sender, client_id);
CREATE TABLE updates (
  user_id    INTEGER NOT NULL,
  pts        INTEGER NOT NULL,
  kind       INTEGER NOT NULL,
  chat_id    INTEGER NOT NULL,
  seq        INTEGER NOT NULL DEFAULT 0,
  member     INTEGER NOT NULL DEFAULT 0,
  delivered  INTEGER NOT NULL DEFAULT 0,
  read       INTEGER NOT NULL DEFAULT 0,
  ts         INTEGER NOT NULL,
  PRIMARY KEY (user_id, pts)
) WITHOUT ROWID;
CREATE INDEX updates_ts ON updates(ts);
)sql",
    // 2: presence: last seen (written in batches) and the last-seen privacy setting.
    R"sql(
CREATE TABLE presence (
  user_id     INTEGER PRIMARY KEY,
  last_seen   INTEGER NOT NULL DEFAULT 0,
  visibility  INTEGER NOT NULL DEFAULT 0
);
)sql",
    // 3: groups and rooms. Chats get a name, settings and a member count; members a role
    // and the seq they joined at; messages an optional system event. Former members keep
    // read access to what they had; devices keep a position in each room's log. Update
    // kinds 3 (everyone in a group delivered/read up to: delivered, read) and 4 (joined
    // (delivered = 1) or left a room at seq) reuse the updates columns.
    R"sql(
ALTER TABLE chats ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE chats ADD COLUMN avatar TEXT NOT NULL DEFAULT '';
ALTER TABLE chats ADD COLUMN members_can_add INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chats ADD COLUMN everyone_posts INTEGER NOT NULL DEFAULT 1;
ALTER TABLE chats ADD COLUMN created_by INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chats ADD COLUMN invite TEXT;
ALTER TABLE chats ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
UPDATE chats SET member_count = (SELECT count(*) FROM chat_members m WHERE m.chat_id = chats.id);
CREATE UNIQUE INDEX chats_invite ON chats(invite) WHERE invite IS NOT NULL;
ALTER TABLE chat_members ADD COLUMN role INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chat_members ADD COLUMN joined_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX chat_members_read ON chat_members(chat_id, read_seq);
ALTER TABLE messages ADD COLUMN system TEXT;
CREATE TABLE former_members (
  chat_id     INTEGER NOT NULL,
  user_id     INTEGER NOT NULL,
  joined_seq  INTEGER NOT NULL,
  left_seq    INTEGER NOT NULL,
  PRIMARY KEY (chat_id, user_id)
) WITHOUT ROWID;
CREATE TABLE room_positions (
  device_id  INTEGER NOT NULL,
  chat_id    INTEGER NOT NULL,
  seq        INTEGER NOT NULL,
  PRIMARY KEY (device_id, chat_id)
) WITHOUT ROWID;
)sql",
    // 4: no index on the update log's ts: retention walks each user's log from its start
    // (SqliteStore::expire), and every log entry is one B-tree insert cheaper.
    R"sql(
DROP INDEX IF EXISTS updates_ts;
)sql",
    // 5: who knows whom (issue 14). A member row's `posted` is set by the member's first
    // message in a one-to-one chat or group (contacts: both posted in their one-to-one
    // chat; you share your number with the chats you post in); numbers a user found by
    // phone; who may add a user to groups; invites for the others. Rooms are private (joined
    // by invite code only) unless created public; rooms made before are private. Sign-in
    // rate limits count in the store, so they hold across restarts (and nodes).
    R"sql(
ALTER TABLE chat_members ADD COLUMN posted INTEGER NOT NULL DEFAULT 0;
UPDATE chat_members SET posted = 1
  WHERE (SELECT kind FROM chats c WHERE c.id = chat_members.chat_id) <> 3
    AND EXISTS (SELECT 1 FROM messages m WHERE m.chat_id = chat_members.chat_id AND m.sender = chat_members.user_id);
CREATE TABLE phone_known (
  user_id  INTEGER NOT NULL,
  peer_id  INTEGER NOT NULL,
  PRIMARY KEY (user_id, peer_id)
) WITHOUT ROWID;
ALTER TABLE presence ADD COLUMN group_add INTEGER NOT NULL DEFAULT 0;
CREATE TABLE group_invites (
  chat_id     INTEGER NOT NULL,
  user_id     INTEGER NOT NULL,
  inviter     INTEGER NOT NULL,
  code        TEXT NOT NULL UNIQUE,
  expires_at  INTEGER NOT NULL,
  PRIMARY KEY (chat_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_invites_user ON group_invites(user_id);
ALTER TABLE chats ADD COLUMN public INTEGER NOT NULL DEFAULT 0;
CREATE TABLE rate_windows (
  key         TEXT PRIMARY KEY,
  window_end  INTEGER NOT NULL,
  count       INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 6: media (issue 16, docs/media.md). A message's media object; the stored objects and
    // who uploaded them; which chats' messages (seq) or avatars (seq 0) refer to them.
    R"sql(
ALTER TABLE messages ADD COLUMN media TEXT;
CREATE TABLE media (
  id          TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  mime        TEXT NOT NULL,
  size        INTEGER NOT NULL,
  width       INTEGER NOT NULL DEFAULT 0,
  height      INTEGER NOT NULL DEFAULT 0,
  duration_ms INTEGER NOT NULL DEFAULT 0,
  thumbnail   TEXT NOT NULL DEFAULT '',
  waveform    TEXT NOT NULL DEFAULT '',
  preview     TEXT NOT NULL DEFAULT '',
  uploaded_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX media_uploaded_at ON media(uploaded_at);
CREATE INDEX media_preview ON media(preview) WHERE preview <> '';
CREATE TABLE media_uploads (
  media       TEXT NOT NULL,
  user_id     INTEGER NOT NULL,
  at          INTEGER NOT NULL,
  PRIMARY KEY (media, user_id)
) WITHOUT ROWID;
CREATE TABLE media_refs (
  media       TEXT NOT NULL,
  chat_id     INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  PRIMARY KEY (media, chat_id, seq)
) WITHOUT ROWID;
)sql",
    // 7: users' avatars (issue 16): a media id, readable by whoever shares a chat with them;
    // the name each uploader gave a media.
    R"sql(
ALTER TABLE users ADD COLUMN avatar TEXT NOT NULL DEFAULT '';
CREATE INDEX users_avatar ON users(avatar) WHERE avatar <> '';
ALTER TABLE media_uploads ADD COLUMN name TEXT NOT NULL DEFAULT '';
)sql",
    // 8: message actions, search, chat modes (issue 17, docs/protocol.md "Message actions").
    // What happened to a message since it was sent; reactions (one per user), stars and
    // messages hidden ("deleted for me") per user; the full-text index (model/search_text.h:
    // rowid = chat_id * 2^32 + seq; letters, digits and marks make words); a chat's mode
    // (temporary: messages sent meanwhile are `transient`, gone once every device has them)
    // and disappearing timer (`expires_at`). The partial indexes hold live messages only.
    R"sql(
ALTER TABLE messages ADD COLUMN edited_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN reply_to INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN forwarded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN reactions TEXT;
ALTER TABLE messages ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN transient INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_expiry ON messages(expires_at) WHERE expires_at > 0 AND deleted = 0;
CREATE INDEX messages_transient ON messages(chat_id, seq) WHERE transient = 1 AND deleted = 0;
CREATE TABLE reactions (
  chat_id  INTEGER NOT NULL,
  seq      INTEGER NOT NULL,
  user_id  INTEGER NOT NULL,
  emoji    TEXT NOT NULL,
  at       INTEGER NOT NULL,
  PRIMARY KEY (chat_id, seq, user_id)
) WITHOUT ROWID;
CREATE TABLE stars (
  user_id  INTEGER NOT NULL,
  chat_id  INTEGER NOT NULL,
  seq      INTEGER NOT NULL,
  at       INTEGER NOT NULL,
  PRIMARY KEY (user_id, chat_id, seq)
) WITHOUT ROWID;
CREATE TABLE hidden (
  user_id  INTEGER NOT NULL,
  chat_id  INTEGER NOT NULL,
  seq      INTEGER NOT NULL,
  PRIMARY KEY (user_id, chat_id, seq)
) WITHOUT ROWID;
ALTER TABLE chats ADD COLUMN temporary INTEGER NOT NULL DEFAULT 0;
ALTER TABLE chats ADD COLUMN disappear_ms INTEGER NOT NULL DEFAULT 0;
CREATE VIRTUAL TABLE messages_fts USING fts5(body, tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'");
INSERT INTO messages_fts (rowid, body)
  SELECT chat_id * 4294967296 + seq, parley_indexable(text) FROM messages WHERE text <> '' AND system IS NULL;
)sql",
    // 9: profiles, saved contacts, blocks, a user's chat settings, push targets and jobs
    // (issue 18, docs/protocol.md §4.8, docs/push.md). Profile privacy settings sit beside
    // last seen's in `presence`. A push job collapses events per target, chat and event; it
    // is due at `due_at` and leased by one node until `lease_until`.
    R"sql(
ALTER TABLE users ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN about TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN previews INTEGER NOT NULL DEFAULT 1;
ALTER TABLE presence ADD COLUMN name_vis INTEGER NOT NULL DEFAULT 0;
ALTER TABLE presence ADD COLUMN about_vis INTEGER NOT NULL DEFAULT 0;
ALTER TABLE presence ADD COLUMN photo_vis INTEGER NOT NULL DEFAULT 0;
CREATE TABLE saved_contacts (
  user_id     INTEGER NOT NULL,
  contact_id  INTEGER NOT NULL,
  name        TEXT NOT NULL,
  PRIMARY KEY (user_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX saved_contacts_contact ON saved_contacts(contact_id);
CREATE TABLE blocks (
  user_id     INTEGER NOT NULL,
  blocked_id  INTEGER NOT NULL,
  at          INTEGER NOT NULL,
  PRIMARY KEY (user_id, blocked_id)
) WITHOUT ROWID;
CREATE INDEX blocks_blocked ON blocks(blocked_id);
CREATE TABLE chat_prefs (
  user_id      INTEGER NOT NULL,
  chat_id      INTEGER NOT NULL,
  muted_until  INTEGER NOT NULL DEFAULT 0,
  archived     INTEGER NOT NULL DEFAULT 0,
  pinned       INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, chat_id)
) WITHOUT ROWID;
CREATE TABLE push_targets (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER NOT NULL,
  device_id   INTEGER NOT NULL,
  provider    TEXT NOT NULL,
  token       TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  UNIQUE (device_id, provider)
);
CREATE INDEX push_targets_user ON push_targets(user_id);
CREATE TABLE push_jobs (
  id           INTEGER PRIMARY KEY,
  target_id    INTEGER NOT NULL,
  chat_id      INTEGER NOT NULL,
  event        TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  sender       INTEGER NOT NULL,
  count        INTEGER NOT NULL,
  preview      TEXT NOT NULL,
  first_at     INTEGER NOT NULL,
  due_at       INTEGER NOT NULL,
  lease_until  INTEGER NOT NULL DEFAULT 0,
  attempts     INTEGER NOT NULL DEFAULT 0,
  version      INTEGER NOT NULL DEFAULT 0,
  UNIQUE (target_id, chat_id, event)
);
CREATE INDEX push_jobs_due ON push_jobs(due_at);
)sql",
    // 10: the browser client's message info and former groups (issue 19). A group member's
    // position raises, one row each (kind 0: delivered, 1: read; `seq` the new position), for
    // when a message reached them; a former member keeps the group's name and their read
    // position as they were at the removal (found by user: every chat list reads them). Rows from
    // before keep the name of the message that last named the group before the removal, and read
    // up to the removal.
    R"sql(
CREATE TABLE receipt_raises (
  chat_id  INTEGER NOT NULL,
  user_id  INTEGER NOT NULL,
  kind     INTEGER NOT NULL,
  seq      INTEGER NOT NULL,
  at       INTEGER NOT NULL,
  PRIMARY KEY (chat_id, user_id, kind, seq)
) WITHOUT ROWID;
ALTER TABLE former_members ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE former_members ADD COLUMN read_seq INTEGER NOT NULL DEFAULT 0;
CREATE INDEX former_members_user ON former_members(user_id);
UPDATE former_members SET read_seq = left_seq, name = coalesce((SELECT coalesce(json_extract(m.system, '$.name'), '')
  FROM messages m WHERE m.chat_id = former_members.chat_id AND m.seq <= former_members.left_seq
  AND json_extract(m.system, '$.event') IN ('created', 'renamed') ORDER BY m.seq DESC LIMIT 1), '');
)sql",
    // 11: messages waiting to be indexed for search (search_queue.h): appended with the
    // message, indexed in rounds (chat_id·2³² + seq, as messages_fts rowids).
    R"sql(
CREATE TABLE fts_queue (
  id   INTEGER PRIMARY KEY,
  doc  INTEGER NOT NULL
);
)sql",
    // 12: the full-text index moves to a database of its own, written by a thread of its own
    // (search_index.h), which builds it again from the messages.
    R"sql(
DROP TABLE IF EXISTS messages_fts;
)sql",
};

}  // namespace

int latest_schema_version() { return static_cast<int>(std::size(kMigrations)); }

void register_functions(Db& db) {
  auto indexable = [](sqlite3_context* ctx, int, sqlite3_value** argv) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    std::string out = search_text::indexable(text ? std::string_view(text, sqlite3_value_bytes(argv[0])) : "");
    sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
  };
  int rc = sqlite3_create_function_v2(db.raw(), "parley_indexable", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                      indexable, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw SqliteError(rc, "cannot register parley_indexable");
}

int migrate(Db& db) {
  register_functions(db);
  auto& q = db.prepare("PRAGMA user_version");
  q.step();
  int version = static_cast<int>(q.i64(0));
  q.reset();
  if (version > latest_schema_version())
    throw SqliteError(SQLITE_MISMATCH, "database schema version " + std::to_string(version) +
                                           " is newer than this parleyd (" +
                                           std::to_string(latest_schema_version()) + ")");
  for (; version < latest_schema_version(); ++version) {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(kMigrations[version]);
      db.exec(("PRAGMA user_version = " + std::to_string(version + 1)).c_str());
      db.exec("COMMIT");
    } catch (...) {
      db.exec("ROLLBACK");
      throw;
    }
  }
  return version;
}

}  // namespace parley::sqlite
