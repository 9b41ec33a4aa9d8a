// SqliteStore: push targets and jobs (docs/push.md). The store keeps the rows and leases
// them; push::PushService decides what a job becomes.
#include <algorithm>

#include "store/sqlite/sqlite_store_impl.h"

namespace parley::sqlite {

namespace {

PushTarget target_at(const Stmt& q, int first) {
  return PushTarget{q.i64(first), UserId(q.i64(first + 1)), DeviceId(q.i64(first + 2)), q.text(first + 3),
                    q.text(first + 4), q.i64(first + 5)};
}

void drop_target(Db& db, std::int64_t id) {
  db.prepare("DELETE FROM push_jobs WHERE target_id = ?").bind(1, id).exec();
  db.prepare("DELETE FROM push_targets WHERE id = ?").bind(1, id).exec();
}

}  // namespace

void SqliteStore::put_push_target(PushTarget t, Done<std::int64_t> done) {
  write<std::int64_t>(
      [this, t = std::move(t)](Db& db) -> Result<std::int64_t> {
        auto& q = db.prepare(
            "INSERT INTO push_targets (user_id, device_id, provider, token, created_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(device_id, provider) DO UPDATE SET token = excluded.token, created_at = excluded.created_at "
            "RETURNING id");
        q.bind(1, t.user.value).bind(2, t.device.value).bind(3, t.provider).bind(4, t.token).bind(5, stamp());
        if (!q.step()) return Status(Code::kInternal, "push target not stored");
        std::int64_t id = q.i64(0);
        q.reset();
        return id;
      },
      std::move(done));
}

Result<std::vector<PushTarget>> SqliteStore::push_targets(UserId user) {
  return read([&](Db& db) -> Result<std::vector<PushTarget>> {
    auto& q = db.prepare(
        "SELECT id, user_id, device_id, provider, token, created_at FROM push_targets WHERE user_id = ? ORDER BY id");
    q.bind(1, user.value);
    std::vector<PushTarget> out;
    while (q.step()) out.push_back(target_at(q, 0));
    return out;
  });
}

void SqliteStore::delete_push_target(UserId user, std::int64_t id, Done<bool> done) {
  write<bool>(
      [user, id](Db& db) -> Result<bool> {
        auto& q = db.prepare("SELECT 1 FROM push_targets WHERE id = ?1 AND (?2 = 0 OR user_id = ?2)");
        q.bind(1, id).bind(2, user.value);
        const bool found = q.step();
        q.reset();
        if (!found) return false;
        drop_target(db, id);
        return true;
      },
      std::move(done));
}

void SqliteStore::queue_pushes(std::vector<PushEvent> events, TimeMs collapse_ms, DoneStatus done) {
  // Only users with a target get a job. Which ones is read here, on the caller's thread and a
  // reader connection, not by the writer statement by statement: most recipients of a busy
  // server have none, and the writer is what every message waits for. (A target stored
  // between this read and the write misses the events of those few milliseconds.)
  auto targeted = read([&](Db& db) -> Result<std::vector<PushEvent>> {
    std::vector<std::int64_t> users;
    for (const auto& e : events) users.push_back(e.user.value);
    std::sort(users.begin(), users.end());
    users.erase(std::unique(users.begin(), users.end()), users.end());
    std::vector<std::int64_t> with_target;
    auto& q = db.prepare("SELECT 1 FROM push_targets WHERE user_id = ? LIMIT 1");
    for (auto u : users) {
      q.reset();
      if (q.bind(1, u).step()) with_target.push_back(u);
    }
    q.reset();
    std::vector<PushEvent> kept;
    for (auto& e : events)
      if (std::binary_search(with_target.begin(), with_target.end(), e.user.value)) kept.push_back(std::move(e));
    return kept;
  });
  if (!targeted) return done(targeted.status());
  if (targeted->empty()) return done(Status::Ok());
  events = std::move(*targeted);
  write<bool>(
      [events = std::move(events), collapse_ms](Db& db) -> Result<bool> {
        auto& q = db.prepare(
            "INSERT INTO push_jobs (target_id, chat_id, event, seq, sender, count, preview, first_at, due_at) "
            "SELECT t.id, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8 + ?9 FROM push_targets t WHERE t.user_id = ?1 "
            "ON CONFLICT(target_id, chat_id, event) DO UPDATE SET count = count + excluded.count, "
            "seq = max(seq, excluded.seq), sender = excluded.sender, preview = excluded.preview, version = version + 1");
        for (const auto& e : events) {
          q.bind(1, e.user.value).bind(2, e.chat.value).bind(3, e.event).bind(4, e.seq).bind(5, e.sender.value);
          q.bind(6, e.count).bind(7, e.preview).bind(8, e.at).bind(9, collapse_ms).exec();
          q.reset();
        }
        return true;
      },
      status_of(std::move(done)));
}

void SqliteStore::claim_pushes(TimeMs now, TimeMs lease_ms, int limit, Done<std::vector<PushJob>> done) {
  auto due = read([&](Db& db) -> Result<bool> {
    auto& q = db.prepare("SELECT 1 FROM push_jobs WHERE due_at <= ?1 AND lease_until <= ?1 LIMIT 1");
    q.bind(1, now);
    return q.step();
  });
  if (!due) return done(due.status());
  if (!*due) return done(std::vector<PushJob>{});
  write<std::vector<PushJob>>(
      [now, lease_ms, limit](Db& db) -> Result<std::vector<PushJob>> {
        auto& q = db.prepare(
            "UPDATE push_jobs SET lease_until = ?2 WHERE id IN (SELECT id FROM push_jobs WHERE due_at <= ?1 "
            "AND lease_until <= ?1 ORDER BY due_at LIMIT ?3) "
            "RETURNING id, target_id, chat_id, event, seq, sender, count, preview, first_at, attempts, version");
        q.bind(1, now).bind(2, now + lease_ms).bind(3, limit);
        std::vector<PushJob> jobs;
        while (q.step()) {
          PushJob j;
          j.id = q.i64(0);
          j.target.id = q.i64(1);
          j.chat = ChatId(q.i64(2));
          j.event = q.text(3);
          j.seq = q.i64(4);
          j.sender = UserId(q.i64(5));
          j.count = q.i64(6);
          j.preview = q.text(7);
          j.first_at = q.i64(8);
          j.attempts = static_cast<int>(q.i64(9));
          j.version = q.i64(10);
          jobs.push_back(std::move(j));
        }
        auto& t = db.prepare("SELECT id, user_id, device_id, provider, token, created_at FROM push_targets WHERE id = ?");
        for (auto& j : jobs) {
          t.bind(1, j.target.id);
          if (t.step()) j.target = target_at(t, 0);
          t.reset();
        }
        return jobs;
      },
      std::move(done));
}

void SqliteStore::finish_push(PushJob job, PushFinish f, DoneStatus done) {
  write<bool>(
      [job = std::move(job), f](Db& db) -> Result<bool> {
        switch (f.what) {
          case PushFinish::What::kDropTarget:
            drop_target(db, job.target.id);
            break;
          case PushFinish::What::kRelease:
            db.prepare("UPDATE push_jobs SET lease_until = 0 WHERE id = ?").bind(1, job.id).exec();
            break;
          case PushFinish::What::kRetry:
            db.prepare("UPDATE push_jobs SET due_at = ?, lease_until = 0, attempts = attempts + 1 WHERE id = ?")
                .bind(1, f.retry_at)
                .bind(2, job.id)
                .exec();
            break;
          case PushFinish::What::kDone:
            db.prepare("DELETE FROM push_jobs WHERE id = ? AND version = ?").bind(1, job.id).bind(2, job.version).exec();
            if (db.changes() == 0)  // events came while it was being sent: what they add is due later
              db.prepare(
                    "UPDATE push_jobs SET count = max(count - ?2, 1), lease_until = 0, attempts = 0, first_at = ?3, "
                    "due_at = ?3 + ?4 WHERE id = ?1")
                  .bind(1, job.id)
                  .bind(2, job.count)
                  .bind(3, f.now)
                  .bind(4, f.collapse_ms)
                  .exec();
            break;
        }
        return true;
      },
      status_of(std::move(done)));
}

Result<PushContext> SqliteStore::push_context(UserId user, ChatId chat) {
  return read([&](Db& db) -> Result<PushContext> {
    auto& q = db.prepare(
        "SELECT coalesce(p.muted_until, 0), coalesce(m.read_seq, 0), u.previews, c.kind, c.name FROM users u "
        "JOIN chats c ON c.id = ?2 LEFT JOIN chat_prefs p ON p.user_id = u.id AND p.chat_id = c.id "
        "LEFT JOIN chat_members m ON m.chat_id = c.id AND m.user_id = u.id WHERE u.id = ?1");
    q.bind(1, user.value).bind(2, chat.value);
    if (!q.step()) return Status(Code::kNoSuchChat, "no such chat");
    PushContext c{q.i64(0), q.i64(1), q.i64(2) != 0, 0, static_cast<ChatKind>(q.i64(3)), q.text(4)};
    auto& n = db.prepare(
        "SELECT count(*) FROM chat_members m JOIN chats c ON c.id = m.chat_id "
        "WHERE m.user_id = ? AND c.kind <> ? AND c.last_seq > m.read_seq");
    n.bind(1, user.value).bind(2, stored(ChatKind::kRoom));
    n.step();
    c.badge = n.i64(0);
    return c;
  });
}

}  // namespace parley::sqlite
