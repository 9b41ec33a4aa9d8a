// SqliteStore: media (docs/media.md): who uploaded what, which messages and avatars refer
// to it, who may read it, and the sweep of what nothing refers to.
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace parley::sqlite {

namespace {

// Who may read a media (?1 = id, ?2 = user): its uploaders; members of a chat with a message
// they may read that carries it (and still exists); members of a chat whose avatar it is
// (seq 0); whoever shares a chat with a user whose avatar it is. The same rule as history (read_history) and as PostgreSQL's pg_media.cc.
constexpr const char* kReadable =
    "SELECT id, kind, mime, size, width, height, duration_ms, thumbnail, waveform, preview, uploaded_at, "
    "  coalesce((SELECT name FROM media_uploads n WHERE n.media = m.id AND n.user_id = ?2), '') "
    "FROM media m WHERE m.id = ?1 AND ("
    " EXISTS (SELECT 1 FROM media_uploads u WHERE u.media = m.id AND u.user_id = ?2)"
    " OR EXISTS (SELECT 1 FROM media_refs r JOIN chat_members c ON c.chat_id = r.chat_id AND c.user_id = ?2"
    "   WHERE r.media = m.id AND (r.seq = 0 OR (r.seq > c.joined_seq AND EXISTS"
    "     (SELECT 1 FROM messages x WHERE x.chat_id = r.chat_id AND x.seq = r.seq))))"
    " OR EXISTS (SELECT 1 FROM media_refs r JOIN former_members f ON f.chat_id = r.chat_id AND f.user_id = ?2"
    "   WHERE r.media = m.id AND r.seq > f.joined_seq AND r.seq <= f.left_seq AND EXISTS"
    "     (SELECT 1 FROM messages x WHERE x.chat_id = r.chat_id AND x.seq = r.seq))"
    " OR EXISTS (SELECT 1 FROM users w WHERE w.avatar = m.id AND (w.id = ?2 OR EXISTS"
    "   (SELECT 1 FROM chat_members a JOIN chat_members b ON b.chat_id = a.chat_id AND b.user_id = ?2"
    "    WHERE a.user_id = w.id))))";

std::optional<MediaRecord> readable(Db& db, UserId user, const std::string& id) {
  auto& q = db.prepare(kReadable);
  q.bind(1, id).bind(2, user.value);
  if (!q.step()) {
    q.reset();
    return std::nullopt;
  }
  MediaRecord m{q.text(0), q.text(1), q.text(2), q.i64(3),  static_cast<int>(q.i64(4)), static_cast<int>(q.i64(5)),
                q.i64(6),  q.text(7), q.text(8), q.text(9), q.text(11),                 q.i64(10)};
  q.reset();
  return m;
}

}  // namespace

std::optional<MediaRecord> SqliteStore::readable_media(Db& db, UserId user, const std::string& id) {
  return readable(db, user, id);
}

void SqliteStore::refer_media(Db& db, const std::string& id, ChatId chat, Seq seq) {
  db.prepare("INSERT INTO media_refs (media, chat_id, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
      .bind(1, id)
      .bind(2, chat.value)
      .bind(3, seq)
      .exec();
}

void SqliteStore::unrefer_media(Db& db, const std::string& id, ChatId chat, Seq seq) {
  db.prepare("DELETE FROM media_refs WHERE media = ? AND chat_id = ? AND seq = ?")
      .bind(1, id)
      .bind(2, chat.value)
      .bind(3, seq)
      .exec();
}

void SqliteStore::record_media(MediaRecord m, UserId uploader, DoneStatus done) {
  write<bool>(
      [m = std::move(m), uploader](Db& db) -> Result<bool> {
        db.prepare(
              "INSERT INTO media (id, kind, mime, size, width, height, duration_ms, thumbnail, waveform, preview, "
              "uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT(id) DO UPDATE SET uploaded_at = max(uploaded_at, excluded.uploaded_at)")
            .bind(1, m.id)
            .bind(2, m.kind)
            .bind(3, m.mime)
            .bind(4, m.size)
            .bind(5, m.width)
            .bind(6, m.height)
            .bind(7, m.duration_ms)
            .bind(8, m.thumbnail)
            .bind(9, m.waveform)
            .bind(10, m.preview)
            .bind(11, m.uploaded_at)
            .exec();
        db.prepare(
              "INSERT INTO media_uploads (media, user_id, at, name) VALUES (?, ?, ?, ?) "
              "ON CONFLICT(media, user_id) DO UPDATE SET at = excluded.at, name = excluded.name")
            .bind(1, m.id)
            .bind(2, uploader.value)
            .bind(3, m.uploaded_at)
            .bind(4, m.name)
            .exec();
        return true;
      },
      status_of(std::move(done)));
}

Result<MediaRecord> SqliteStore::readable_media(UserId user, const std::string& id) {
  return read([&](Db& db) -> Result<MediaRecord> {
    auto m = readable(db, user, id);
    if (!m) return Status(Code::kNotFound, "no such media");
    return std::move(*m);
  });
}

void SqliteStore::set_user_avatar(UserId user, std::string id, DoneStatus done) {
  write<bool>(
      [user, id = std::move(id)](Db& db) -> Result<bool> {
        db.prepare("UPDATE users SET avatar = ? WHERE id = ?").bind(1, id).bind(2, user.value).exec();
        return true;
      },
      status_of(std::move(done)));
}

void SqliteStore::sweep_media(TimeMs cutoff, int limit, Done<std::vector<std::string>> done) {
  write<std::vector<std::string>>(
      [cutoff, limit](Db& db) -> Result<std::vector<std::string>> {
        auto& q = db.prepare(
            "SELECT id, preview FROM media m WHERE m.uploaded_at < ? AND NOT EXISTS ("
            " SELECT 1 FROM media_refs r WHERE r.media = m.id AND (r.seq = 0 OR EXISTS"
            "   (SELECT 1 FROM messages x WHERE x.chat_id = r.chat_id AND x.seq = r.seq))) "
            "AND NOT EXISTS (SELECT 1 FROM users w WHERE w.avatar = m.id) "
            "ORDER BY uploaded_at LIMIT ?");
        q.bind(1, cutoff).bind(2, limit);
        std::vector<std::pair<std::string, std::string>> gone;
        while (q.step()) gone.emplace_back(q.text(0), q.text(1));
        q.reset();
        auto& del = db.prepare("DELETE FROM media WHERE id = ?");
        auto& uploads = db.prepare("DELETE FROM media_uploads WHERE media = ?");
        auto& refs = db.prepare("DELETE FROM media_refs WHERE media = ?");
        for (const auto& [id, preview] : gone) {
          del.bind(1, id).exec();
          del.reset();
          uploads.bind(1, id).exec();
          uploads.reset();
          refs.bind(1, id).exec();
          refs.reset();
        }
        // An object goes with its media unless another media still uses it (as itself or
        // as its preview: the same bytes may be both).
        auto& used = db.prepare("SELECT 1 FROM media WHERE id = ?1 OR preview = ?1 LIMIT 1");
        std::vector<std::string> objects;
        for (const auto& [id, preview] : gone)
          for (const std::string* object : {&id, &preview}) {
            if (object->empty()) continue;
            used.bind(1, *object);
            if (!used.step()) objects.push_back(*object);
            used.reset();
          }
        return objects;
      },
      std::move(done));
}

}  // namespace parley::sqlite
