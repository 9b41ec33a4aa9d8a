#include "store/postgres/pg_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "model/device_names.h"
#include "model/membership.h"
#include "store/postgres/pg_store_impl.h"
#include "store/postgres/schema.h"
#include "core/handoff.h"
#include "core/wait_for.h"
#include "core/thread_name.h"

namespace parley::pg {

namespace {

constexpr int kMaxAttempts = 5;

DeviceRecord device_from(const Rows& r, int i) {
  DeviceRecord d;
  d.id = DeviceId(r.i64(i, 0));
  d.user = UserId(r.i64(i, 1));
  d.name = r.text(i, 2);
  d.created_at = r.i64(i, 3);
  d.last_active_at = r.i64(i, 4);
  d.position = r.i64(i, 5);
  d.revoked = r.text(i, 6) == "t";
  return d;
}

}  // namespace

std::string describe(const std::string& url) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  if (!opts) {
    std::string msg = err ? err : "unparsable";
    if (err) PQfreemem(err);
    return "(bad connection string: " + msg + ")";
  }
  std::string out;
  for (auto* o = opts; o->keyword; ++o) {
    std::string_view k = o->keyword;
    if (o->val && (k == "host" || k == "hostaddr" || k == "port" || k == "dbname" || k == "user"))
      out += (out.empty() ? "" : " ") + std::string(k) + "=" + o->val;
  }
  PQconninfoFree(opts);
  return out.empty() ? "(libpq defaults)" : out;
}

// The writer's statements join a batch's arrays (unnest) to tables by primary key. In a
// prepared statement's generic plan PostgreSQL cannot see an array's length and plans a
// hash join over a sequential scan, which reads every dead row version the counter
// updates leave behind: most of PostgreSQL's CPU under load. Index nested loops only.
namespace {
std::unique_ptr<Conn> open_writer(const std::string& url) {
  auto c = std::make_unique<Conn>(url);
  c->exec("SET enable_hashjoin = off; SET enable_mergejoin = off");
  return c;
}
}  // namespace

// Per-transaction state of the writer: the locked counters and the rows to COPY.
PostgresStore::PostgresStore(Options options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      queue_(options_.max_batch),
      readers_(
          options_.readers, [this] { return std::make_unique<Conn>(options_.url); },
          [](Conn& c) { return c.ok(); }) {  // a broken connection is dropped; the next lease reconnects
  if (char* err = nullptr; PQconninfoOption* parsed = PQconninfoParse(options_.url.c_str(), &err)) {
    PQconninfoFree(parsed);
  } else {
    std::string msg = err ? err : "unparsable";
    if (err) PQfreemem(err);
    throw std::runtime_error("store.postgres_url: " + msg);
  }
  auto where = describe(options_.url);
  auto open = [this]() -> std::string {
    try {
      writer_conn_ = open_writer(options_.url);
      return {};
    } catch (const PgError& e) {
      return e.what();
    }
  };
  if (!wait_for("store: waiting for postgres at " + where, open, options_.stop_requested, std::chrono::milliseconds(500)))
    throw std::runtime_error("stopped while waiting for postgres at " + where);
  int version = migrate(*writer_conn_);
  cluster_id_ = writer_conn_->query("SELECT id FROM parley_cluster").text(0, 0);
  spdlog::info("store: postgres at {}, schema version {}", where, version);
  thread_ = std::thread([this] {
    set_thread_name("writer");
    loop();
  });
}

PostgresStore::~PostgresStore() { close(); }

void PostgresStore::close() {
  queue_.close();
  if (thread_.joinable()) thread_.join();
}

WriterStats PostgresStore::writer_stats() const {
  std::lock_guard lk(mu_);
  return stats_;
}

// ---------------------------------------------------------------- the writer

void PostgresStore::loop() {
  std::vector<Task> batch;
  std::vector<Status> statuses;
  std::chrono::steady_clock::time_point oldest;
  while (queue_.take(batch, {}, &oldest)) {
    auto start = std::chrono::steady_clock::now();
    histograms_.wait_seconds.observe(std::chrono::duration<double>(start - oldest).count());
    commit_isolated(batch, statuses, [this](std::span<Task> tasks) { return commit_batch(tasks); });
    histograms_.batch_size.observe(static_cast<double>(batch.size()));
    histograms_.commit_seconds.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    {
      std::lock_guard lk(mu_);
      ++stats_.batches;
      stats_.tasks += batch.size();
      if (std::any_of(statuses.begin(), statuses.end(), [](const Status& s) { return !s.ok(); })) ++stats_.failed_batches;
    }
    {
      HandoffBatch handoff;  // one wake-up per io thread for the whole batch
      for (std::size_t i = 0; i < batch.size(); ++i) batch[i].complete(statuses[i]);
    }
    batch.clear();
  }
}

// Whether a failed batch is the store's fault (connection, resources, a lock: retry later)
// or a write's own (bad data, a constraint, a query it makes impossible: retrying cannot help).
Status PostgresStore::failure(const std::exception& e) {
  const auto* pe = dynamic_cast<const PgError*>(&e);
  if (pe && pe->connection_lost()) return Status(Code::kUnavailable, "store unavailable (postgres unreachable); retry");
  std::string_view cls = pe ? std::string_view(pe->sqlstate()).substr(0, 2) : "";
  if (!pe || cls == "22" || cls == "23" || cls == "42")
    return Status(Code::kInternal, "the store refused this write; it will not succeed if sent again");
  return Status(Code::kUnavailable, "store write failed; retry");
}

Status PostgresStore::commit_batch(std::span<Task> batch) {
  for (int attempt = 1;; ++attempt) {
    try {
      if (!writer_conn_ || !writer_conn_->ok()) {
        writer_conn_.reset();
        writer_conn_ = open_writer(options_.url);
        spdlog::info("store: writer reconnected to postgres");
      }
      run_batch(*writer_conn_, batch);
      return Status::Ok();
    } catch (const std::exception& e) {
      known_users_.clear();
      direct_chats_.clear();
      posted_.clear();
      chats_.clear();
      const auto* pe = dynamic_cast<const PgError*>(&e);
      if (writer_conn_ && writer_conn_->ok()) {
        try {
          writer_conn_->exec("ROLLBACK");
        } catch (const std::exception&) {
          writer_conn_.reset();
        }
      }
      if (pe && pe->retryable() && attempt < kMaxAttempts) {
        spdlog::debug("store: batch of {} writes lost a race ({}); running it again", batch.size(), e.what());
        std::lock_guard lk(mu_);
        ++stats_.retried_batches;
        continue;
      }
      spdlog::error("store: {} write(s) rolled back: {}", batch.size(), e.what());
      return failure(e);
    }
  }
}

// Round trips: BEGIN goes out with the first statement; the duplicate lookup and every
// lock in one pipeline; the rows in two COPYs; the counter write-backs and COMMIT in one
// more pipeline. Fewer round trips are less time holding rows other nodes wait for.
void PostgresStore::run_batch(Conn& conn, std::span<Task> batch) {
  conn.begin();
  Batch b(conn);
  for (auto& t : batch) t.plan(b);
  lock_counters(b);
  for (auto& t : batch) t.run(b);
  flush(b);
}

void PostgresStore::lock_counters(Batch& b) {
  Pipeline p(b.conn);
  std::optional<std::size_t> dup, unlocked_q, chats_q, users_q, receipts_q, blocks_q;
  if (!b.dedupe_senders.empty())
    dup = p.add(
        "SELECT " PARLEY_MESSAGE_COLUMNS " "
        "FROM messages m JOIN unnest($1::bigint[], $2::text[]) AS k(sender, client_id) "
        "ON m.sender = k.sender AND m.client_id = k.client_id",
        {int_array(b.dedupe_senders), text_array(b.dedupe_ids)});
  std::vector<std::int64_t> unlocked;
  for (auto id : b.read_chats)
    if (!b.lock_chats.count(id)) unlocked.push_back(id);
  if (!unlocked.empty())
    unlocked_q = p.add("SELECT id, last_seq FROM chats WHERE id = ANY($1::bigint[])", {int_array(unlocked)});
  // One global order (chats before users, ascending ids) on every node: no deadlocks.
  if (!b.lock_chats.empty())
    chats_q = p.add("SELECT id, last_seq, members_version FROM chats WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE",
                    {int_array({b.lock_chats.begin(), b.lock_chats.end()})});
  if (!b.lock_users.empty())
    users_q = p.add("SELECT id, log_head FROM users WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE",
                    {int_array({b.lock_users.begin(), b.lock_users.end()})});
  if (!b.lock_receipts.empty()) {
    std::vector<std::int64_t> chats, members;
    for (auto [c, m] : b.lock_receipts) {
      chats.push_back(c);
      members.push_back(m);
    }
    receipts_q = p.add(
        "SELECT m.chat_id, m.user_id, m.delivered_seq, m.read_seq FROM chat_members m "
        "JOIN unnest($1::bigint[], $2::bigint[]) AS k(c, u) ON m.chat_id = k.c AND m.user_id = k.u "
        "ORDER BY m.chat_id, m.user_id FOR UPDATE OF m",
        {int_array(chats), int_array(members)});
  }
  if (!b.block_users.empty())
    blocks_q = p.add("SELECT user_id, blocked_id FROM blocks WHERE user_id = ANY($1::bigint[]) AND blocked_id = ANY($1::bigint[])",
                     {int_array({b.block_users.begin(), b.block_users.end()})});
  if (p.empty()) return;
  auto rows = p.run();
  if (blocks_q) {
    const auto& r = rows[*blocks_q];
    for (int i = 0; i < r.size(); ++i) b.blocks.insert({r.i64(i, 0), r.i64(i, 1)});
  }
  if (dup) {
    const auto& r = rows[*dup];
    for (int i = 0; i < r.size(); ++i) {
      Message m = message_at(r, i, 0);
      b.existing[{m.sender.value, m.client_id}] = std::move(m);
    }
  }
  if (unlocked_q) {
    const auto& r = rows[*unlocked_q];
    for (int i = 0; i < r.size(); ++i) b.committed_seq[r.i64(i, 0)] = r.i64(i, 1);
  }
  if (chats_q) {
    const auto& r = rows[*chats_q];
    for (int i = 0; i < r.size(); ++i) {
      b.chat_seq[r.i64(i, 0)] = r.i64(i, 1);
      auto planned = b.planned_versions.find(r.i64(i, 0));
      if (planned != b.planned_versions.end() && planned->second != r.i64(i, 2)) {
        chats_.erase(planned->first);
        throw PgError("40001", "chat " + std::to_string(planned->first) + " changed since this batch was planned", false);
      }
    }
  }
  if (users_q) {
    const auto& r = rows[*users_q];
    for (int i = 0; i < r.size(); ++i) b.user_pts[r.i64(i, 0)] = r.i64(i, 1);
  }
  if (receipts_q) {
    const auto& r = rows[*receipts_q];
    for (int i = 0; i < r.size(); ++i) b.receipts[{r.i64(i, 0), r.i64(i, 1)}] = {r.i64(i, 2), r.i64(i, 3)};
  }
}

void PostgresStore::flush(Batch& b) {
  if (!b.message_rows.empty())
    b.conn.copy_in("COPY messages (chat_id, seq, sender, sender_device, client_id, ts, text, system, media, reply_to, forwarded, "
                   "expires_at, transient, search) "
                   "FROM STDIN",
                   b.message_rows);
  if (!b.update_rows.empty())
    b.conn.copy_in("COPY updates (user_id, pts, kind, chat_id, seq, member, delivered, read, ts) FROM STDIN",
                   b.update_rows);
  Pipeline p(b.conn);  // everything after the COPYs, COMMIT included, in one round trip
  auto write_back = [&](const char* sql, const std::unordered_set<std::int64_t>& dirty, auto& values) {
    if (dirty.empty()) return;
    std::vector<std::int64_t> ids(dirty.begin(), dirty.end()), vals;
    std::sort(ids.begin(), ids.end());
    for (auto id : ids) vals.push_back(values[id]);
    p.add(sql, {int_array(ids), int_array(vals)});
  };
  write_back("UPDATE chats SET last_seq = t.v FROM unnest($1::bigint[], $2::bigint[]) AS t(id, v) WHERE chats.id = t.id",
             b.dirty_chats, b.chat_seq);
  write_back("UPDATE users SET log_head = t.v FROM unnest($1::bigint[], $2::bigint[]) AS t(id, v) WHERE users.id = t.id",
             b.dirty_users, b.user_pts);
  if (!b.dirty_receipts.empty()) {
    std::vector<std::int64_t> chats, members, delivered, read;
    for (auto key : b.dirty_receipts) {
      chats.push_back(key.first);
      members.push_back(key.second);
      delivered.push_back(b.receipts[key].first);
      read.push_back(b.receipts[key].second);
    }
    p.add(
        "UPDATE chat_members m SET delivered_seq = t.d, read_seq = t.r "
        "FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS t(c, u, d, r) "
        "WHERE m.chat_id = t.c AND m.user_id = t.u",
        {int_array(chats), int_array(members), int_array(delivered), int_array(read)});
  }
  if (!b.posted_users.empty())
    p.add(
        "UPDATE chat_members m SET posted = true FROM unnest($1::bigint[], $2::bigint[]) AS t(c, u) "
        "WHERE m.chat_id = t.c AND m.user_id = t.u AND NOT m.posted",
        {int_array(b.posted_chats), int_array(b.posted_users)});
  if (!b.ref_media.empty())
    p.add(
        "INSERT INTO media_refs (media, chat_id, seq) SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) "
        "ON CONFLICT DO NOTHING",
        {text_array(b.ref_media), int_array(b.ref_chats), int_array(b.ref_seqs)});
  if (!b.raise_chats.empty())
    p.add(
        "INSERT INTO receipt_raises (chat_id, user_id, kind, seq, at) "
        "SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::bigint[], $5::bigint[]) ON CONFLICT DO NOTHING",
        {int_array(b.raise_chats), int_array(b.raise_users), int_array(b.raise_kinds), int_array(b.raise_seqs),
         int_array(b.raise_ats)});
  if (!b.positions.empty()) {
    std::vector<std::int64_t> ids, pos, ts;
    for (auto& [id, v] : b.positions) {
      ids.push_back(id);
      pos.push_back(v.first);
      ts.push_back(v.second);
    }
    p.add(
        "UPDATE devices d SET position = greatest(d.position, t.p), last_active_at = t.ts "
        "FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS t(id, p, ts) WHERE d.id = t.id",
        {int_array(ids), int_array(pos), int_array(ts)});
  }
  p.add("COMMIT");
  p.run();
}

void PostgresStore::mark_posted(Batch& b, ChatId chat, UserId sender) {
  if (!posted_.insert({chat.value, sender.value}).second) return;
  b.posted_chats.push_back(chat.value);
  b.posted_users.push_back(sender.value);
}

TimeMs PostgresStore::stamp() {
  last_ts_ = std::max(last_ts_, clock_.now_ms());
  return last_ts_;
}

bool PostgresStore::user_exists(Conn& c, UserId user) {
  if (known_users_.count(user.value)) return true;
  if (c.query("SELECT 1 FROM users WHERE id = $1", {user.value}).empty()) return false;
  known_users_.insert(user.value);
  return true;
}

const PostgresStore::ChatCache* PostgresStore::chat_cache(Conn& c, ChatId chat) {
  if (auto it = chats_.find(chat.value); it != chats_.end()) return &it->second;
  auto r = c.query(
      "SELECT kind, name, avatar, members_can_add, everyone_posts, members_version, temporary, disappear_ms FROM chats "
      "WHERE id = $1",
      {chat.value});
  if (r.empty()) return nullptr;
  ChatCache cc;
  cc.kind = static_cast<ChatKind>(r.i64(0, 0));
  cc.settings = {r.text(0, 1), r.text(0, 2), r.text(0, 3) == "t", r.text(0, 4) == "t"};
  cc.settings.temporary = r.text(0, 6) == "t";
  cc.settings.disappear_ms = r.i64(0, 7);
  cc.version = r.i64(0, 5);
  if (cc.kind != ChatKind::kRoom) {
    auto m = c.query("SELECT user_id, role FROM chat_members WHERE chat_id = $1 ORDER BY user_id", {chat.value});
    for (int i = 0; i < m.size(); ++i) {
      cc.members.push_back(UserId(m.i64(i, 0)));
      if (m.i64(i, 1) == static_cast<int>(Role::kAdmin)) cc.admins.push_back(UserId(m.i64(i, 0)));
    }
  }
  return &chats_.emplace(chat.value, std::move(cc)).first->second;
}

std::vector<UserId> PostgresStore::fresh_members(Conn& c, ChatId chat) {
  std::vector<UserId> out;
  auto m = c.query("SELECT user_id FROM chat_members WHERE chat_id = $1 ORDER BY user_id", {chat.value});
  for (int i = 0; i < m.size(); ++i) out.push_back(UserId(m.i64(i, 0)));
  return out;
}

ChatId PostgresStore::direct_chat(Conn& c, UserId a, UserId b) {
  auto key = std::minmax(a.value, b.value);
  if (auto it = direct_chats_.find(key); it != direct_chats_.end()) return it->second;
  auto find = [&] {
    auto r = c.query("SELECT chat_id FROM direct_chats WHERE user_lo = $1 AND user_hi = $2", {key.first, key.second});
    return r.empty() ? ChatId() : ChatId(r.i64(0, 0));
  };
  ChatId chat = find();
  if (!chat.value) {
    auto r = c.query("INSERT INTO chats (kind, created_at) VALUES ($1, $2) RETURNING id", {stored(ChatKind::kDirect), stamp()});
    ChatId created(r.i64(0, 0));
    // Another node may be creating the same pair's chat: the first to commit wins.
    auto won = c.query(
        "INSERT INTO direct_chats (user_lo, user_hi, chat_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        {key.first, key.second, created.value});
    if (won.affected() == 1) {
      c.query("INSERT INTO chat_members (chat_id, user_id) VALUES ($1, $2), ($1, $3) ON CONFLICT DO NOTHING",
              {created.value, key.first, key.second});
      c.query("UPDATE chats SET member_count = $2 WHERE id = $1", {created.value, key.first == key.second ? 1 : 2});
      chat = created;
    } else {
      c.query("DELETE FROM chats WHERE id = $1", {created.value});
      chat = find();
    }
    chats_.erase(chat.value);
  }
  direct_chats_.emplace(key, chat);
  return chat;
}

// ---------------------------------------------------------------- users and devices

Status PostgresStore::no_plan(Batch&) { return Status::Ok(); }

void PostgresStore::upsert_user(std::string phone, Done<UserRecord> done) {
  write<UserRecord>(
      no_plan,
      [this, phone = std::move(phone)](Batch& b) -> Result<UserRecord> {
        b.conn.query("INSERT INTO users (phone, created_at) VALUES ($1, $2) ON CONFLICT (phone) DO NOTHING",
                     {phone, stamp()});
        auto r = b.conn.query("SELECT id, created_at FROM users WHERE phone = $1", {phone});
        return UserRecord{UserId(r.i64(0, 0)), phone, r.i64(0, 1)};
      },
      std::move(done));
}

void PostgresStore::create_device(NewDevice device, Done<DeviceRecord> done) {
  const UserId user = device.user;
  write<DeviceRecord>(
      [user](Batch& b) -> Status {
        b.lock_users.insert(user.value);  // locked in the batch's one global order
        return Status::Ok();
      },
      [this, device = std::move(device)](Batch& b) -> Result<DeviceRecord> {
        if (!user_exists(b.conn, device.user)) return Status(Code::kNoSuchUser, "no such user");
        DeviceRecord d;
        d.user = device.user;
        // The user's row locked (their log head): two nodes signing the same user in at once
        // take turns, so their devices' names differ too.
        d.position = b.pts(device.user);
        std::vector<std::string> taken;  // the names of the user's devices still signed in
        auto names = b.conn.query("SELECT name FROM devices WHERE user_id = $1 AND NOT revoked", {device.user.value});
        for (int i = 0; i < names.size(); ++i) taken.push_back(names.text(i, 0));
        d.name = device_names::distinct(device.name, taken);
        d.created_at = stamp();
        auto r = b.conn.query(
            "INSERT INTO devices (user_id, name, token_hash, created_at, position) VALUES ($1, $2, $3, $4, $5) "
            "RETURNING id",
            {d.user.value, d.name, Param::bytes(device.token_hash), d.created_at, d.position});
        d.id = DeviceId(r.i64(0, 0));
        return d;
      },
      std::move(done));
}

void PostgresStore::revoke_device(UserId user, DeviceId device, DoneStatus done) {
  write<bool>(
      no_plan,
      [user, device](Batch& b) -> Result<bool> {
        auto r = b.conn.query("UPDATE devices SET revoked = true WHERE id = $1 AND user_id = $2 AND NOT revoked",
                              {device.value, user.value});
        if (r.affected() == 0) return Status(Code::kNotFound, "no such device");
        // Its push targets go with it (and their jobs).
        b.conn.query("DELETE FROM push_jobs WHERE target_id IN (SELECT id FROM push_targets WHERE device_id = $1)",
                     {device.value});
        b.conn.query("DELETE FROM push_targets WHERE device_id = $1", {device.value});
        return true;
      },
      status_of(std::move(done)));
}

void PostgresStore::set_device_position(DeviceId device, Pts pts, DoneStatus done) {
  write<bool>(
      no_plan,
      [this, device, pts](Batch& b) -> Result<bool> {
        auto& p = b.positions[device.value];  // written with the batch, one statement for all
        p = {std::max(p.first, pts), stamp()};
        return true;
      },
      status_of(std::move(done)));
}

Result<UserRecord> PostgresStore::find_user(UserId id) {
  return read([&](Conn& c) -> Result<UserRecord> {
    auto r = c.query("SELECT phone, created_at FROM users WHERE id = $1", {id.value});
    if (r.empty()) return Status(Code::kNoSuchUser, "no such user");
    return UserRecord{id, r.text(0, 0), r.i64(0, 1)};
  });
}

Result<UserRecord> PostgresStore::find_user_by_phone(const std::string& phone) {
  return read([&](Conn& c) -> Result<UserRecord> {
    auto r = c.query("SELECT id, created_at FROM users WHERE phone = $1", {phone});
    if (r.empty()) return Status(Code::kNoSuchUser, "no such user");
    return UserRecord{UserId(r.i64(0, 0)), phone, r.i64(0, 1)};
  });
}

Result<DeviceRecord> PostgresStore::find_device_by_token(const std::string& token_hash) {
  return read([&](Conn& c) -> Result<DeviceRecord> {
    auto r = c.query(
        "SELECT id, user_id, name, created_at, last_active_at, position, revoked FROM devices WHERE token_hash = $1",
        {Param::bytes(token_hash)});
    if (r.empty()) return Status(Code::kUnauthorized, "unknown token");
    DeviceRecord d = device_from(r, 0);
    if (d.revoked) return Status(Code::kUnauthorized, "device revoked");
    return d;
  });
}

Result<std::vector<DeviceRecord>> PostgresStore::list_devices(UserId user) {
  return read([&](Conn& c) -> Result<std::vector<DeviceRecord>> {
    auto r = c.query(
        "SELECT id, user_id, name, created_at, last_active_at, position, revoked FROM devices "
        "WHERE user_id = $1 AND NOT revoked ORDER BY id",
        {user.value});
    std::vector<DeviceRecord> out;
    for (int i = 0; i < r.size(); ++i) out.push_back(device_from(r, i));
    return out;
  });
}

// ---------------------------------------------------------------- sign-in codes

void PostgresStore::put_auth_code(AuthCode code, DoneStatus done) {
  write<bool>(
      no_plan,
      [code = std::move(code)](Batch& b) -> Result<bool> {
        b.conn.query(
            "INSERT INTO auth_codes (phone, code_hash, expires_at, attempts) VALUES ($1, $2, $3, 0) "
            "ON CONFLICT (phone) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at, "
            "attempts = 0",
            {code.phone, Param::bytes(code.code_hash), code.expires_at});
        return true;
      },
      status_of(std::move(done)));
}

void PostgresStore::take_auth_attempt(std::string phone, Done<AuthCode> done) {
  write<AuthCode>(
      no_plan,
      [phone = std::move(phone)](Batch& b) -> Result<AuthCode> {
        auto r = b.conn.query(
            "UPDATE auth_codes SET attempts = attempts + 1 WHERE phone = $1 RETURNING code_hash, expires_at, attempts - 1",
            {phone});
        if (r.empty()) return Status(Code::kCodeInvalid, "no code was requested for this phone");
        return AuthCode{phone, r.bytes(0, 0), r.i64(0, 1), static_cast<int>(r.i64(0, 2))};
      },
      std::move(done));
}

void PostgresStore::delete_auth_code(std::string phone, DoneStatus done) {
  write<bool>(
      no_plan,
      [phone = std::move(phone)](Batch& b) -> Result<bool> {
        b.conn.query("DELETE FROM auth_codes WHERE phone = $1", {phone});
        return true;
      },
      status_of(std::move(done)));
}

// ---------------------------------------------------------------- messages and receipts

void PostgresStore::everyone_reached(Batch& b, ChatId chat, const std::vector<UserId>& members,
                                     std::pair<Seq, Seq> before, std::pair<Seq, Seq> after, std::vector<Delivery>& out,
                                     Seq& all_delivered, Seq& all_read) {
  if (after == before || after.first == INT64_MAX) return;
  all_delivered = after.first;
  all_read = after.second;
  Seq lo = after.first != before.first ? before.first : before.second;
  if (after.second != before.second) lo = std::min(lo, before.second);
  Seq hi = std::max(after.first, after.second);
  std::set<std::int64_t> senders;
  auto r = b.conn.query("SELECT DISTINCT sender FROM messages WHERE chat_id = $1 AND seq > $2 AND seq <= $3 AND system IS NULL",
                        {chat.value, lo, hi});
  for (int i = 0; i < r.size(); ++i) senders.insert(r.i64(i, 0));
  for (auto [seq, sender] : b.appended[chat.value])
    if (seq > lo && seq <= hi) senders.insert(sender);
  TimeMs ts = stamp();
  for (auto u : senders) {
    if (!std::binary_search(members.begin(), members.end(), UserId(u))) continue;
    Pts pts = b.next_pts(UserId(u));
    b.add_update(UserId(u), pts, UpdateKind::kReceiptAll, chat, 0, 0, after.first, after.second, ts);
    out.push_back({UserId(u), pts});
  }
}


void PostgresStore::update_receipt(ChatId chat, UserId member, Seq delivered, Seq read,
                                   Done<ReceiptResult> done) {
  auto kind = std::make_shared<ChatKind>(ChatKind::kDirect);
  write<ReceiptResult>(
      [this, chat, member, kind](Batch& b) -> Status {
        const ChatCache* cc = chat_cache(b.conn, chat);
        if (!cc) return Status(Code::kNoSuchChat, "no such chat");
        *kind = cc->kind;
        if (cc->kind != ChatKind::kRoom && !std::binary_search(cc->members.begin(), cc->members.end(), member))
          return Status(Code::kNotMember, "not a member of this chat");
        // The chat row is not locked: positions are clamped to its committed last_seq
        // (or to this batch's, when a message of the batch locked it).
        b.read_chats.insert(chat.value);
        b.lock_receipts.insert({chat.value, member.value});
        if (cc->kind == ChatKind::kDirect) {
          for (UserId u : cc->members)
            if (u != member) b.lock_users.insert(u.value);
        } else if (cc->kind == ChatKind::kGroup) {
          for (UserId u : cc->members) {
            b.lock_users.insert(u.value);
            b.lock_receipts.insert({chat.value, u.value});
          }
        }
        return Status::Ok();
      },
      [this, chat, member, delivered, read, kind](Batch& b) -> Result<ReceiptResult> {
        auto found = b.receipts.find({chat.value, member.value});  // locked by lock_counters
        if (found == b.receipts.end()) return Status(Code::kNotMember, "not a member of this chat");
        auto& cur = found->second;
        ReceiptResult r;
        r.kind = *kind;
        r.state = {chat, member, cur.first, cur.second};
        Seq last = b.chat_seq.count(chat.value) ? b.chat_seq[chat.value] : b.committed_seq[chat.value];
        Seq new_read = std::min(std::max(r.state.read, read), last);
        Seq new_delivered = std::min(std::max({r.state.delivered, delivered, new_read}), last);
        if (new_read == r.state.read && new_delivered == r.state.delivered) return r;
        const std::pair<Seq, Seq> was{r.state.delivered, r.state.read};
        std::vector<UserId> members;
        if (*kind != ChatKind::kRoom)
          members = b.changed_chats.count(chat.value) ? fresh_members(b.conn, chat) : chat_cache(b.conn, chat)->members;
        auto before = b.minimum(chat, members);
        r.state.read = new_read;
        r.state.delivered = new_delivered;
        r.changed = true;
        cur = {new_delivered, new_read};
        b.dirty_receipts.insert({chat.value, member.value});
        if (*kind == ChatKind::kRoom) return r;
        if (*kind == ChatKind::kGroup) {
          b.add_raises(chat, member, was, {new_delivered, new_read}, stamp());
          everyone_reached(b, chat, members, before, b.minimum(chat, members), r.all_deliveries, r.all_delivered, r.all_read);
          return r;
        }
        TimeMs ts = stamp();
        for (UserId u : members) {
          if (u == member) continue;
          Pts pts = b.next_pts(u);
          b.add_update(u, pts, UpdateKind::kReceipt, chat, 0, member.value, new_delivered, new_read, ts);
          r.deliveries.push_back({u, pts});
        }
        return r;
      },
      std::move(done));
}

Result<std::vector<Update>> PostgresStore::read_updates(UserId user, Pts after, int limit) {
  return read([&](Conn& c) -> Result<std::vector<Update>> {
    auto q = c.query(
        "SELECT u.pts, u.kind, u.chat_id, u.seq, u.member, u.delivered, u.read, " PARLEY_MESSAGE_COLUMNS " "
        "FROM updates u LEFT JOIN messages m ON u.kind IN ($4, $5) AND m.chat_id = u.chat_id AND m.seq = u.seq "
        "WHERE u.user_id = $1 AND u.pts > $2 ORDER BY u.pts LIMIT $3",
        {user.value, after, limit, stored(UpdateKind::kMessage), stored(UpdateKind::kChanged)});
    std::vector<Update> out;
    for (int i = 0; i < q.size(); ++i) {
      Update u;
      u.pts = q.i64(i, 0);
      u.kind = static_cast<UpdateKind>(q.i64(i, 1));
      ChatId chat(q.i64(i, 2));
      if (u.kind == UpdateKind::kMessage || u.kind == UpdateKind::kChanged) {
        if (q.is_null(i, 7)) continue;  // message deleted by retention
        u.message = message_at(q, i, 7);
      } else if (u.kind == UpdateKind::kMarked) {
        u.message.chat = chat;
        u.message.seq = q.i64(i, 3);
        u.starred = q.i64(i, 4) != 0;
        u.hidden = q.i64(i, 5) != 0;
      } else if (u.kind == UpdateKind::kMembership) {
        u.membership = MembershipUpdate{chat, q.i64(i, 5) != 0, q.i64(i, 3)};
      } else {
        u.receipt = ReceiptState{chat, UserId(q.i64(i, 4)), q.i64(i, 5), q.i64(i, 6)};
      }
      out.push_back(std::move(u));
    }
    return out;
  });
}

Result<Pts> PostgresStore::log_head(UserId user) {
  return read([&](Conn& c) -> Result<Pts> {
    auto r = c.query("SELECT log_head FROM users WHERE id = $1", {user.value});
    return r.empty() ? Pts(0) : r.i64(0, 0);
  });
}

Result<Pts> PostgresStore::log_tail(UserId user) {
  return read([&](Conn& c) -> Result<Pts> {
    auto r = c.query(
        "SELECT coalesce((SELECT min(pts) FROM updates WHERE user_id = $1), "
        "(SELECT log_head FROM users WHERE id = $1) + 1, 1)",
        {user.value});
    return r.i64(0, 0);
  });
}

Result<std::vector<ChatSummary>> PostgresStore::list_chats(UserId user) {
  return read([&](Conn& c) -> Result<std::vector<ChatSummary>> {
    auto q = c.query(
        "SELECT me.chat_id, CASE WHEN m.seq IS NULL AND EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = me.user_id "
        "  AND h.chat_id = me.chat_id AND h.seq = c.last_seq) THEN 0 ELSE coalesce(m.seq, c.last_seq) END, me.read_seq, "
        "  CASE WHEN c.kind = $2 THEN coalesce(peer.user_id, me.user_id) ELSE 0 END, "
        "  CASE WHEN c.kind = $2 THEN coalesce(pu.phone, mu.phone) ELSE '' END, "
        "  coalesce(peer.delivered_seq, me.delivered_seq), coalesce(peer.read_seq, me.read_seq), "
        "  coalesce(m.ts, c.created_at), coalesce(m.text, ''), coalesce(m.sender, 0), c.kind, c.name, c.member_count, "
        "  coalesce(m.media, ''), c.avatar, CASE WHEN c.kind = $2 THEN coalesce(pu.avatar, mu.avatar) ELSE '' END, "
        "  c.temporary, c.disappear_ms, coalesce(p.muted_until, 0), coalesce(p.archived, false), coalesce(p.pinned, false), "
        // A group's "everyone has delivered / read up to" (at most 256 members each).
        "  CASE WHEN c.kind = $3 THEN (SELECT min(a.delivered_seq) FROM chat_members a WHERE a.chat_id = me.chat_id) ELSE 0 END, "
        "  CASE WHEN c.kind = $3 THEN (SELECT min(a.read_seq) FROM chat_members a WHERE a.chat_id = me.chat_id) ELSE 0 END "
        "FROM chat_members me JOIN chats c ON c.id = me.chat_id JOIN users mu ON mu.id = me.user_id "
        "LEFT JOIN chat_members peer ON c.kind = $2 AND peer.chat_id = me.chat_id AND peer.user_id <> me.user_id "
        "LEFT JOIN users pu ON pu.id = peer.user_id "
        "LEFT JOIN chat_prefs p ON p.user_id = me.user_id AND p.chat_id = me.chat_id "
        // The last message the user may see (as in SqliteStore::list_chats).
        "LEFT JOIN messages m ON m.chat_id = me.chat_id AND m.seq = CASE WHEN NOT EXISTS (SELECT 1 FROM hidden h "
        "  WHERE h.user_id = me.user_id AND h.chat_id = me.chat_id AND h.seq = c.last_seq) THEN c.last_seq ELSE "
        "  (SELECT max(x.seq) FROM messages x WHERE x.chat_id = me.chat_id AND NOT EXISTS (SELECT 1 FROM hidden h "
        "   WHERE h.user_id = me.user_id AND h.chat_id = x.chat_id AND h.seq = x.seq)) END "
        "WHERE me.user_id = $1 ORDER BY 8 DESC, 1 DESC",
        {user.value, stored(ChatKind::kDirect), stored(ChatKind::kGroup)});
    std::vector<ChatSummary> out;
    for (int i = 0; i < q.size(); ++i) {
      ChatSummary s;
      s.chat = ChatId(q.i64(i, 0));
      s.kind = static_cast<ChatKind>(q.i64(i, 10));
      s.name = q.text(i, 11);
      s.member_count = q.i64(i, 12);
      s.last_seq = q.i64(i, 1);
      s.my_read = q.i64(i, 2);
      s.peer = UserId(q.i64(i, 3));
      s.peer_phone = q.text(i, 4);
      s.peer_delivered = q.i64(i, 5);
      s.peer_read = q.i64(i, 6);
      s.last_ts = q.i64(i, 7);
      s.last_text = q.text(i, 8);
      s.last_sender = UserId(q.i64(i, 9));
      s.last_media = q.text(i, 13);
      s.avatar = q.text(i, 14);
      s.peer_avatar = q.text(i, 15);
      s.temporary = q.text(i, 16) == "t";
      s.disappear_ms = q.i64(i, 17);
      s.muted_until = q.i64(i, 18);
      s.archived = q.text(i, 19) == "t";
      s.pinned = q.text(i, 20) == "t";
      s.all_delivered = q.i64(i, 21);
      s.all_read = q.i64(i, 22);
      out.push_back(std::move(s));
    }
    return out;
  });
}

Result<std::vector<Message>> PostgresStore::read_history(ChatId chat, UserId member, Seq before, int limit) {
  return read([&](Conn& c) -> Result<std::vector<Message>> {
    // Members read what came after they joined; former members what they had when they left.
    auto m = c.query(
        "SELECT joined_seq, NULL::bigint FROM chat_members WHERE chat_id = $1 AND user_id = $2 "
        "UNION ALL SELECT joined_seq, left_seq FROM former_members WHERE chat_id = $1 AND user_id = $2",
        {chat.value, member.value});
    if (m.empty()) return Status(Code::kNotMember, "not a member of this chat");
    Seq from = m.i64(0, 0);
    Seq until = m.is_null(0, 1) ? INT64_MAX : m.i64(0, 1) + 1;
    // Newest first along the primary key; what the reader hid or what expired is skipped.
    auto q = c.query(
        "SELECT " PARLEY_MESSAGE_COLUMNS ", EXISTS (SELECT 1 FROM stars s WHERE s.user_id = $5 AND s.chat_id = m.chat_id "
        "AND s.seq = m.seq) FROM messages m WHERE m.chat_id = $1 AND m.seq < $2 AND m.seq > $3 AND m.deleted <> -1 "
        "AND NOT EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = $5 AND h.chat_id = m.chat_id AND h.seq = m.seq) "
        "ORDER BY m.seq DESC LIMIT $4",
        {chat.value, std::min(before > 0 ? before : INT64_MAX, until), from, limit, member.value});
    std::vector<Message> out;
    for (int i = 0; i < q.size(); ++i) {
      out.push_back(message_at(q, i, 0));
      out.back().starred = q.text(i, kMessageColumnCount) == "t";
    }
    return out;
  });
}

// ---------------------------------------------------------------- groups and rooms

Result<ChatInfo> PostgresStore::chat_info(ChatId chat, UserId viewer) {
  return read([&](Conn& c) -> Result<ChatInfo> {
    auto q = c.query(
        "SELECT kind, name, avatar, members_can_add, everyone_posts, created_by, created_at, last_seq, member_count, "
        "coalesce(invite, ''), public, temporary, disappear_ms FROM chats WHERE id = $1",
        {chat.value});
    if (q.empty()) return Status(Code::kNoSuchChat, "no such chat");
    ChatInfo info;
    info.chat = chat;
    info.kind = static_cast<ChatKind>(q.i64(0, 0));
    info.settings = {q.text(0, 1),       q.text(0, 2),       q.text(0, 3) == "t", q.text(0, 4) == "t",
                     q.text(0, 10) == "t", q.text(0, 11) == "t", q.i64(0, 12)};
    info.created_by = UserId(q.i64(0, 5));
    info.created_at = q.i64(0, 6);
    info.last_seq = q.i64(0, 7);
    info.member_count = q.i64(0, 8);
    info.invite = q.text(0, 9);
    auto me = c.query("SELECT role FROM chat_members WHERE chat_id = $1 AND user_id = $2", {chat.value, viewer.value});
    bool member = !me.empty();
    if (member) info.my_role = static_cast<Role>(me.i64(0, 0));
    if (!member && info.kind != ChatKind::kRoom) return Status(Code::kNotMember, "not a member of this chat");
    info.member = member;
    if (info.my_role != Role::kAdmin) info.invite.clear();
    if (!member) return info;
    auto m = c.query(
        "SELECT user_id, role, joined_seq, delivered_seq, read_seq FROM chat_members WHERE chat_id = $1 "
        "AND ($2 OR role = 1) ORDER BY user_id",
        {chat.value, info.kind != ChatKind::kRoom ? "true" : "false"});
    for (int i = 0; i < m.size(); ++i)
      info.members.push_back({UserId(m.i64(i, 0)), static_cast<Role>(m.i64(i, 1)), m.i64(i, 2), m.i64(i, 3), m.i64(i, 4)});
    return info;
  });
}

Result<ChatId> PostgresStore::room_by_invite(const std::string& code) {
  return read([&](Conn& c) -> Result<ChatId> {
    auto q = c.query("SELECT id FROM chats WHERE invite = $1", {code});
    if (q.empty()) return Status(Code::kNotFound, "no room has this invite code");
    return ChatId(q.i64(0, 0));
  });
}

Result<std::vector<std::pair<Seq, std::int64_t>>> PostgresStore::view_counts(ChatId room, UserId viewer,
                                                                            const std::vector<Seq>& seqs) {
  return read([&](Conn& c) -> Result<std::vector<std::pair<Seq, std::int64_t>>> {
    if (c.query("SELECT 1 FROM chat_members WHERE chat_id = $1 AND user_id = $2", {room.value, viewer.value}).empty())
      return Status(Code::kNotMember, "not a member of this chat");
    std::vector<std::pair<Seq, std::int64_t>> out;
    for (Seq seq : seqs)
      out.emplace_back(
          seq, c.query("SELECT count(*) FROM chat_members WHERE chat_id = $1 AND read_seq >= $2 AND joined_seq < $2", {room.value, seq}).i64(0, 0));
    return out;
  });
}

Result<std::vector<RoomPosition>> PostgresStore::user_rooms(UserId user, DeviceId device) {
  return read([&](Conn& c) -> Result<std::vector<RoomPosition>> {
    auto q = c.query(
        "SELECT m.chat_id, ch.last_seq, coalesce(p.seq, greatest(m.joined_seq, ch.last_seq - 100)) FROM chat_members m "
        "JOIN chats ch ON ch.id = m.chat_id AND ch.kind = $3 "
        "LEFT JOIN room_positions p ON p.device_id = $2 AND p.chat_id = m.chat_id WHERE m.user_id = $1 ORDER BY 1",
        {user.value, device.value, stored(ChatKind::kRoom)});
    std::vector<RoomPosition> out;
    for (int i = 0; i < q.size(); ++i) out.push_back({ChatId(q.i64(i, 0)), q.i64(i, 1), q.i64(i, 2)});
    return out;
  });
}

Result<std::vector<Message>> PostgresStore::read_room(ChatId room, UserId member, Seq after, int limit) {
  return read([&](Conn& c) -> Result<std::vector<Message>> {
    auto m = c.query("SELECT joined_seq FROM chat_members WHERE chat_id = $1 AND user_id = $2", {room.value, member.value});
    if (m.empty()) return Status(Code::kNotMember, "not a member of this chat");
    auto q = c.query("SELECT " PARLEY_MESSAGE_COLUMNS " FROM messages m WHERE m.chat_id = $1 AND m.seq > $2 ORDER BY m.seq LIMIT $3",
                     {room.value, std::max(after, m.i64(0, 0)), limit});
    std::vector<Message> out;
    for (int i = 0; i < q.size(); ++i) out.push_back(message_at(q, i, 0));
    return out;
  });
}

void PostgresStore::set_room_positions(DeviceId device, std::vector<std::pair<ChatId, Seq>> positions, DoneStatus done) {
  std::sort(positions.begin(), positions.end());
  std::vector<std::int64_t> chats, seqs;
  for (auto [chat, seq] : positions) {
    chats.push_back(chat.value);
    seqs.push_back(seq);
  }
  write<bool>(
      no_plan,
      [device, chats = int_array(chats), seqs = int_array(seqs)](Batch& b) -> Result<bool> {
        b.conn.query(
            "INSERT INTO room_positions (device_id, chat_id, seq) "
            "SELECT $1, c, max(s) FROM unnest($2::bigint[], $3::bigint[]) AS t(c, s) GROUP BY c ORDER BY c "
            "ON CONFLICT (device_id, chat_id) DO UPDATE SET seq = GREATEST(room_positions.seq, excluded.seq)",
            {device.value, chats, seqs});
        return true;
      },
      status_of(std::move(done)));
}

// ---------------------------------------------------------------- presence

void PostgresStore::save_last_seen(std::vector<std::pair<UserId, TimeMs>> seen, DoneStatus done) {
  std::vector<std::int64_t> users, times;
  for (const auto& [u, t] : seen) {
    users.push_back(u.value);
    times.push_back(t);
  }
  write<bool>(
      no_plan,
      [users = int_array(users), times = int_array(times)](Batch& b) -> Result<bool> {
        // One statement for the whole flush; rows in user order, so two nodes flushing
        // overlapping users wait for each other instead of deadlocking.
        b.conn.query(
            "INSERT INTO presence (user_id, last_seen) "
            "SELECT x.u, max(x.t) FROM unnest($1::bigint[], $2::bigint[]) AS x(u, t) "
            "WHERE EXISTS (SELECT 1 FROM users WHERE id = x.u) GROUP BY x.u ORDER BY x.u "
            "ON CONFLICT (user_id) DO UPDATE SET last_seen = GREATEST(presence.last_seen, excluded.last_seen)",
            {users, times});
        return true;
      },
      status_of(std::move(done)));
}

// ---------------------------------------------------------------- retention

void PostgresStore::expire(TimeMs log_cutoff, TimeMs now, Done<ExpireStep> done) {
  write<ExpireStep>(
      no_plan,
      [log_cutoff, now](Batch& b) -> Result<ExpireStep> {
        // Bounded chunk per transaction (found by the BRIN index on ts); the caller repeats
        // until a step deletes nothing.
        auto a = b.conn.query(
            "DELETE FROM updates WHERE ctid IN (SELECT ctid FROM updates WHERE ts < $1 LIMIT 5000)", {log_cutoff});
        auto c = b.conn.query("DELETE FROM auth_codes WHERE expires_at < $1", {now});
        auto i = b.conn.query("DELETE FROM group_invites WHERE expires_at < $1", {now});
        auto w = b.conn.query("DELETE FROM rate_windows WHERE window_end < $1", {now});
        // Group members' raises before the cutoff: each run keeps its last one, with no time
        // (model/receipt_times.h). A chunk's last old row of a run may be followed by more in a
        // later step; the older, timeless one goes then.
        auto r = b.conn.query(
            "WITH old AS (SELECT chat_id, user_id, kind, seq FROM receipt_raises WHERE at < $1 AND at <> 0 LIMIT 5000), "
            "tops AS (SELECT chat_id, user_id, kind, max(seq) AS seq FROM old GROUP BY 1, 2, 3), "
            "gone AS (DELETE FROM receipt_raises r USING tops t WHERE r.chat_id = t.chat_id AND r.user_id = t.user_id "
            "  AND r.kind = t.kind AND r.seq < t.seq RETURNING 1), "
            "kept AS (UPDATE receipt_raises r SET at = 0 FROM tops t WHERE r.chat_id = t.chat_id AND r.user_id = t.user_id "
            "  AND r.kind = t.kind AND r.seq = t.seq RETURNING 1) "
            "SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM kept)",
            {log_cutoff});
        std::int64_t removed = a.affected() + c.affected() + i.affected() + w.affected() + r.i64(0, 0) + r.i64(0, 1);
        return ExpireStep{removed, removed == 0};
      },
      std::move(done));
}

}  // namespace parley::pg
