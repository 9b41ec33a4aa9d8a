// PostgresStore: media (docs/media.md), as store/sqlite/sqlite_media.cc.
#include "store/postgres/pg_store.h"
#include "store/postgres/pg_store_impl.h"

namespace parley::pg {

namespace {

// Who may read a media ($1 = id, $2 = user): the same rule as SQLite's kReadable.
constexpr const char* kReadable =
    "SELECT id, kind, mime, size, width, height, duration_ms, thumbnail, waveform, preview, uploaded_at, "
    "  coalesce((SELECT name FROM media_uploads n WHERE n.media = m.id AND n.user_id = $2), '') "
    "FROM media m WHERE m.id = $1 AND ("
    " EXISTS (SELECT 1 FROM media_uploads u WHERE u.media = m.id AND u.user_id = $2)"
    " OR EXISTS (SELECT 1 FROM media_refs r JOIN chat_members c ON c.chat_id = r.chat_id AND c.user_id = $2"
    "   WHERE r.media = m.id AND (r.seq = 0 OR (r.seq > c.joined_seq AND EXISTS"
    "     (SELECT 1 FROM messages x WHERE x.chat_id = r.chat_id AND x.seq = r.seq))))"
    " OR EXISTS (SELECT 1 FROM media_refs r JOIN former_members f ON f.chat_id = r.chat_id AND f.user_id = $2"
    "   WHERE r.media = m.id AND r.seq > f.joined_seq AND r.seq <= f.left_seq AND EXISTS"
    "     (SELECT 1 FROM messages x WHERE x.chat_id = r.chat_id AND x.seq = r.seq))"
    " OR EXISTS (SELECT 1 FROM users w WHERE w.avatar = m.id AND (w.id = $2 OR EXISTS"
    "   (SELECT 1 FROM chat_members a JOIN chat_members b ON b.chat_id = a.chat_id AND b.user_id = $2"
    "    WHERE a.user_id = w.id))))";

// The sweep takes this transaction-scoped advisory lock: one node sweeps at a time.
constexpr std::int64_t kSweepLock = 7046737265790016;

}  // namespace

std::optional<MediaRecord> PostgresStore::readable_media(Conn& c, UserId user, const std::string& id) {
  auto q = c.query(kReadable, {id, user.value});
  if (q.empty()) return std::nullopt;
  return MediaRecord{q.text(0, 0), q.text(0, 1), q.text(0, 2), q.i64(0, 3),  static_cast<int>(q.i64(0, 4)),
                     static_cast<int>(q.i64(0, 5)), q.i64(0, 6), q.text(0, 7), q.text(0, 8), q.text(0, 9), q.text(0, 11),
                     q.i64(0, 10)};
}

void PostgresStore::record_media(MediaRecord m, UserId uploader, DoneStatus done) {
  write<bool>(
      no_plan,
      [m = std::move(m), uploader](Batch& b) -> Result<bool> {
        b.conn.query(
            "INSERT INTO media (id, kind, mime, size, width, height, duration_ms, thumbnail, waveform, preview, "
            "uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
            "ON CONFLICT (id) DO UPDATE SET uploaded_at = greatest(media.uploaded_at, excluded.uploaded_at)",
            {m.id, m.kind, m.mime, m.size, std::int64_t{m.width}, std::int64_t{m.height}, m.duration_ms, m.thumbnail,
             m.waveform, m.preview, m.uploaded_at});
        b.conn.query(
            "INSERT INTO media_uploads (media, user_id, at, name) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (media, user_id) DO UPDATE SET at = excluded.at, name = excluded.name",
            {m.id, uploader.value, m.uploaded_at, m.name});
        return true;
      },
      status_of(std::move(done)));
}

Result<MediaRecord> PostgresStore::readable_media(UserId user, const std::string& id) {
  return read([&](Conn& c) -> Result<MediaRecord> {
    auto m = readable_media(c, user, id);
    if (!m) return Status(Code::kNotFound, "no such media");
    return std::move(*m);
  });
}

void PostgresStore::set_user_avatar(UserId user, std::string id, DoneStatus done) {
  write<bool>(
      no_plan,
      [user, id = std::move(id)](Batch& b) -> Result<bool> {
        b.conn.query("UPDATE users SET avatar = $1 WHERE id = $2", {id, user.value});
        return true;
      },
      status_of(std::move(done)));
}

void PostgresStore::sweep_media(TimeMs cutoff, int limit, Done<std::vector<std::string>> done) {
  write<std::vector<std::string>>(
      no_plan,
      [cutoff, limit](Batch& b) -> Result<std::vector<std::string>> {
        if (b.conn.query("SELECT pg_try_advisory_xact_lock($1)", {kSweepLock}).text(0, 0) != "t")
          return std::vector<std::string>{};  // another node is sweeping
        auto gone = b.conn.query(
            "DELETE FROM media WHERE id IN (SELECT id FROM media m WHERE m.uploaded_at < $1 AND NOT EXISTS ("
            " SELECT 1 FROM media_refs r WHERE r.media = m.id AND (r.seq = 0 OR EXISTS"
            "   (SELECT 1 FROM messages x WHERE x.chat_id = r.chat_id AND x.seq = r.seq))) "
            " AND NOT EXISTS (SELECT 1 FROM users w WHERE w.avatar = m.id)"
            " ORDER BY uploaded_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING id, preview",
            {cutoff, std::int64_t{limit}});
        std::vector<std::string> ids, candidates;
        for (int i = 0; i < gone.size(); ++i) {
          ids.push_back(gone.text(i, 0));
          candidates.push_back(gone.text(i, 0));
          if (!gone.text(i, 1).empty()) candidates.push_back(gone.text(i, 1));
        }
        if (ids.empty()) return std::vector<std::string>{};
        b.conn.query("DELETE FROM media_uploads WHERE media = ANY($1::text[])", {text_array(ids)});
        b.conn.query("DELETE FROM media_refs WHERE media = ANY($1::text[])", {text_array(ids)});
        // An object goes with its media unless another media still uses it.
        auto kept = b.conn.query(
            "SELECT o FROM unnest($1::text[]) AS t(o) WHERE NOT EXISTS "
            "(SELECT 1 FROM media WHERE id = t.o OR preview = t.o)",
            {text_array(candidates)});
        std::vector<std::string> objects;
        for (int i = 0; i < kept.size(); ++i) objects.push_back(kept.text(i, 0));
        return objects;
      },
      std::move(done));
}

}  // namespace parley::pg
