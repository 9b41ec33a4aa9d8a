// PostgresStore: push targets and jobs (docs/push.md), as SqliteStore does them
// (sqlite_push.cc). Nodes claim jobs with FOR UPDATE SKIP LOCKED, so two never lease the same.
#include "store/postgres/pg_store_impl.h"

namespace parley::pg {

namespace {

constexpr const char* kTargetColumns = "id, user_id, device_id, provider, token, created_at";

PushTarget target_at(const Rows& q, int i, int first) {
  return PushTarget{q.i64(i, first), UserId(q.i64(i, first + 1)), DeviceId(q.i64(i, first + 2)), q.text(i, first + 3),
                    q.text(i, first + 4), q.i64(i, first + 5)};
}

void drop_target(Conn& c, std::int64_t id) {
  c.query("DELETE FROM push_jobs WHERE target_id = $1", {id});
  c.query("DELETE FROM push_targets WHERE id = $1", {id});
}

}  // namespace

void PostgresStore::put_push_target(PushTarget t, Done<std::int64_t> done) {
  write<std::int64_t>(
      no_plan,
      [this, t = std::move(t)](Batch& b) -> Result<std::int64_t> {
        auto q = b.conn.query(
            "INSERT INTO push_targets (user_id, device_id, provider, token, created_at) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (device_id, provider) DO UPDATE SET token = excluded.token, created_at = excluded.created_at "
            "RETURNING id",
            {t.user.value, t.device.value, t.provider, t.token, stamp()});
        return q.i64(0, 0);
      },
      std::move(done));
}

Result<std::vector<PushTarget>> PostgresStore::push_targets(UserId user) {
  return read([&](Conn& c) -> Result<std::vector<PushTarget>> {
    auto q = c.query(std::string("SELECT ") + kTargetColumns + " FROM push_targets WHERE user_id = $1 ORDER BY id",
                     {user.value});
    std::vector<PushTarget> out;
    for (int i = 0; i < q.size(); ++i) out.push_back(target_at(q, i, 0));
    return out;
  });
}

void PostgresStore::delete_push_target(UserId user, std::int64_t id, Done<bool> done) {
  write<bool>(
      no_plan,
      [user, id](Batch& b) -> Result<bool> {
        if (b.conn.query("SELECT 1 FROM push_targets WHERE id = $1 AND ($2 = 0 OR user_id = $2)", {id, user.value}).empty())
          return false;
        drop_target(b.conn, id);
        return true;
      },
      std::move(done));
}

void PostgresStore::queue_pushes(std::vector<PushEvent> events, TimeMs collapse_ms, DoneStatus done) {
  write<bool>(
      no_plan,
      [events = std::move(events), collapse_ms](Batch& b) -> Result<bool> {
        std::vector<std::int64_t> users, chats, seqs, senders, counts, ats;
        std::vector<std::string> kinds, previews;
        for (const auto& e : events) {
          users.push_back(e.user.value);
          chats.push_back(e.chat.value);
          kinds.push_back(e.event);
          seqs.push_back(e.seq);
          senders.push_back(e.sender.value);
          counts.push_back(e.count);
          previews.push_back(e.preview);
          ats.push_back(e.at);
        }
        // One statement for the batch; events for one target and chat are folded first (an
        // upsert may not touch a row twice).
        b.conn.query(
            "INSERT INTO push_jobs (target_id, chat_id, event, seq, sender, count, preview, first_at, due_at) "
            "SELECT DISTINCT ON (t.id, e.c, e.k) t.id, e.c, e.k, e.s, e.f, "
            "  sum(e.n) OVER (PARTITION BY t.id, e.c, e.k), e.p, "
            "  min(e.a) OVER (PARTITION BY t.id, e.c, e.k), min(e.a) OVER (PARTITION BY t.id, e.c, e.k) + $9 "
            "FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], "
            "  $8::bigint[]) WITH ORDINALITY AS e(u, c, k, s, f, n, p, a, i) "
            "JOIN push_targets t ON t.user_id = e.u ORDER BY t.id, e.c, e.k, e.i DESC "
            "ON CONFLICT (target_id, chat_id, event) DO UPDATE SET count = push_jobs.count + excluded.count, "
            "seq = greatest(push_jobs.seq, excluded.seq), sender = excluded.sender, preview = excluded.preview, "
            "version = push_jobs.version + 1",
            {int_array(users), int_array(chats), text_array(kinds), int_array(seqs), int_array(senders), int_array(counts),
             text_array(previews), int_array(ats), collapse_ms});
        return true;
      },
      status_of(std::move(done)));
}

void PostgresStore::claim_pushes(TimeMs now, TimeMs lease_ms, int limit, Done<std::vector<PushJob>> done) {
  auto due = read([&](Conn& c) -> Result<bool> {
    return !c.query("SELECT 1 FROM push_jobs WHERE due_at <= $1 AND lease_until <= $1 LIMIT 1", {now}).empty();
  });
  if (!due) return done(due.status());
  if (!*due) return done(std::vector<PushJob>{});
  write<std::vector<PushJob>>(
      no_plan,
      [now, lease_ms, limit](Batch& b) -> Result<std::vector<PushJob>> {
        auto q = b.conn.query(
            "UPDATE push_jobs j SET lease_until = $2 FROM push_targets t WHERE t.id = j.target_id AND j.id IN ("
            "  SELECT id FROM push_jobs WHERE due_at <= $1 AND lease_until <= $1 ORDER BY due_at LIMIT $3 "
            "  FOR UPDATE SKIP LOCKED) "
            "RETURNING j.id, j.chat_id, j.event, j.seq, j.sender, j.count, j.preview, j.first_at, j.attempts, j.version, "
            "t.id, t.user_id, t.device_id, t.provider, t.token, t.created_at",
            {now, now + lease_ms, limit});
        std::vector<PushJob> jobs;
        for (int i = 0; i < q.size(); ++i) {
          PushJob j;
          j.id = q.i64(i, 0);
          j.chat = ChatId(q.i64(i, 1));
          j.event = q.text(i, 2);
          j.seq = q.i64(i, 3);
          j.sender = UserId(q.i64(i, 4));
          j.count = q.i64(i, 5);
          j.preview = q.text(i, 6);
          j.first_at = q.i64(i, 7);
          j.attempts = static_cast<int>(q.i64(i, 8));
          j.version = q.i64(i, 9);
          j.target = target_at(q, i, 10);
          jobs.push_back(std::move(j));
        }
        return jobs;
      },
      std::move(done));
}

void PostgresStore::finish_push(PushJob job, PushFinish f, DoneStatus done) {
  write<bool>(
      no_plan,
      [job = std::move(job), f](Batch& b) -> Result<bool> {
        switch (f.what) {
          case PushFinish::What::kDropTarget:
            drop_target(b.conn, job.target.id);
            break;
          case PushFinish::What::kRelease:
            b.conn.query("UPDATE push_jobs SET lease_until = 0 WHERE id = $1", {job.id});
            break;
          case PushFinish::What::kRetry:
            b.conn.query("UPDATE push_jobs SET due_at = $1, lease_until = 0, attempts = attempts + 1 WHERE id = $2",
                         {f.retry_at, job.id});
            break;
          case PushFinish::What::kDone:
            if (b.conn.query("DELETE FROM push_jobs WHERE id = $1 AND version = $2", {job.id, job.version}).affected() == 0)
              b.conn.query(
                  "UPDATE push_jobs SET count = greatest(count - $2, 1), lease_until = 0, attempts = 0, first_at = $3, "
                  "due_at = $3 + $4 WHERE id = $1",
                  {job.id, job.count, f.now, f.collapse_ms});
            break;
        }
        return true;
      },
      status_of(std::move(done)));
}

Result<PushContext> PostgresStore::push_context(UserId user, ChatId chat) {
  return read([&](Conn& c) -> Result<PushContext> {
    auto q = c.query(
        "SELECT coalesce(p.muted_until, 0), coalesce(m.read_seq, 0), u.previews, c.kind, c.name, "
        "(SELECT count(*) FROM chat_members x JOIN chats y ON y.id = x.chat_id WHERE x.user_id = u.id AND y.kind <> $3 "
        " AND y.last_seq > x.read_seq) FROM users u "
        "JOIN chats c ON c.id = $2 LEFT JOIN chat_prefs p ON p.user_id = u.id AND p.chat_id = c.id "
        "LEFT JOIN chat_members m ON m.chat_id = c.id AND m.user_id = u.id WHERE u.id = $1",
        {user.value, chat.value, stored(ChatKind::kRoom)});
    if (q.empty()) return Status(Code::kNoSuchChat, "no such chat");
    return PushContext{q.i64(0, 0), q.i64(0, 1), q.text(0, 2) == "t", q.i64(0, 5), static_cast<ChatKind>(q.i64(0, 3)),
                       q.text(0, 4)};
  });
}

}  // namespace parley::pg
