// PostgresStore's private parts shared by its source files (pg_store.cc, and
// pg_privacy.cc for who knows whom and group invites): the batch a write runs in, how a
// write reaches the writer thread and how a read borrows a reader connection.
#pragma once

#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "model/receipt_times.h"
#include "model/search_text.h"
#include "store/postgres/pg_store.h"

namespace parley::pg {

using Key = std::pair<std::int64_t, std::string>;  // (sender, client_id)

// The columns every read of a message selects, in this order, from `messages m`
// (message_at reads them).
#define PARLEY_MESSAGE_COLUMNS                                                                               \
  "m.chat_id, m.seq, m.sender, m.sender_device, m.client_id, m.ts, m.text, coalesce(m.system, ''), "      \
  "coalesce(m.media, ''), m.edited_at, m.deleted, m.reply_to, m.forwarded, coalesce(m.reactions, ''), " \
  "m.expires_at"
inline constexpr int kMessageColumnCount = 15;

inline Message message_at(const Rows& q, int i, int first) {
  Message m{ChatId(q.i64(i, first)), q.i64(i, first + 1), UserId(q.i64(i, first + 2)), DeviceId(q.i64(i, first + 3)),
            q.text(i, first + 4),   q.i64(i, first + 5), q.text(i, first + 6),        q.text(i, first + 7),
            q.text(i, first + 8)};
  m.edited_at = q.i64(i, first + 9);
  m.deleted = q.i64(i, first + 10);
  m.reply_to = q.i64(i, first + 11);
  m.forwarded = q.i64(i, first + 12);
  m.reactions = q.text(i, first + 13);
  m.expires_at = q.i64(i, first + 14);
  return m;
}

inline Status unavailable(const std::exception& e) {
  spdlog::error("store: read failed: {}", e.what());
  return Status(Code::kUnavailable, "store read failed; retry");
}

inline void copy_row(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (auto f : fields) {
    if (!first) out += '\t';
    first = false;
    copy_field(out, f);
  }
  out += '\n';
}

// User ids as a query's bigint[] parameter.
inline std::string user_array(const std::vector<UserId>& users) {
  std::vector<std::int64_t> ids;
  for (UserId u : users) ids.push_back(u.value);
  return int_array(ids);
}

struct PostgresStore::Batch {
  explicit Batch(Conn& c) : conn(c) {}
  Conn& conn;
  std::set<std::int64_t> lock_chats, lock_users;
  std::set<std::int64_t> read_chats;                       // last_seq read without a lock
  std::unordered_map<std::int64_t, Seq> committed_seq;     // their values
  std::set<std::pair<std::int64_t, std::int64_t>> lock_receipts;  // (chat, member)
  std::map<std::pair<std::int64_t, std::int64_t>, std::pair<Seq, Seq>> receipts;  // -> (delivered, read)
  std::set<std::pair<std::int64_t, std::int64_t>> dirty_receipts;
  std::map<std::int64_t, std::pair<Pts, TimeMs>> positions;  // device -> (position, active at)
  std::unordered_map<std::int64_t, Seq> chat_seq;
  std::unordered_map<std::int64_t, Pts> user_pts;
  std::unordered_set<std::int64_t> dirty_chats, dirty_users;
  std::vector<std::int64_t> dedupe_senders;
  std::vector<std::string> dedupe_ids;
  std::map<Key, Message> existing;  // committed earlier, or earlier in this batch
  std::string message_rows, update_rows;
  std::unordered_map<std::int64_t, std::int64_t> planned_versions;  // chat -> members_version planned with
  std::unordered_set<std::int64_t> changed_chats;                   // membership changed in this batch
  std::unordered_map<std::int64_t, std::vector<std::pair<Seq, std::int64_t>>> appended;  // chat -> (seq, sender)
  std::vector<std::int64_t> posted_chats, posted_users;  // first posts of a member (PostgresStore::mark_posted)
  std::vector<std::string> ref_media;                    // media_refs rows written at flush
  std::vector<std::int64_t> ref_chats, ref_seqs;
  std::vector<std::int64_t> raise_chats, raise_users, raise_kinds, raise_seqs, raise_ats;  // receipt_raises rows
  std::set<std::int64_t> block_users;                          // members of direct chats written to
  std::set<std::pair<std::int64_t, std::int64_t>> blocks;      // (blocker, blocked) among them

  void add_message(const Message& m, bool transient = false) {
    for (auto f : {std::to_string(m.chat.value), std::to_string(m.seq), std::to_string(m.sender.value),
                   std::to_string(m.sender_device.value)}) {
      copy_field(message_rows, f);
      message_rows += '\t';
    }
    copy_field(message_rows, m.client_id);
    message_rows += '\t' + std::to_string(m.ts) + '\t';
    copy_field(message_rows, m.text);
    message_rows += '\t';
    if (m.system.empty()) message_rows += "\\N";
    else copy_field(message_rows, m.system);
    message_rows += '\t';
    if (m.media.empty()) message_rows += "\\N";
    else copy_field(message_rows, m.media);
    message_rows += '\t' + std::to_string(m.reply_to) + '\t' + std::to_string(m.forwarded) + '\t' +
                    std::to_string(m.expires_at) + '\t' + (transient ? "t\t" : "f\t");
    auto split = m.system.empty() ? search_text::cjk_split(m.text) : std::nullopt;  // the `search` column
    if (!split) message_rows += "\\N";
    else copy_field(message_rows, *split);
    message_rows += '\n';
    if (m.system.empty()) appended[m.chat.value].emplace_back(m.seq, m.sender.value);
  }

  // Counters must come from rows this transaction holds locked; a counter the plan did
  // not name is locked here, on first use.
  std::int64_t& counter(std::unordered_map<std::int64_t, std::int64_t>& counters, std::int64_t id,
                        const char* lock_sql) {
    auto it = counters.find(id);
    if (it == counters.end()) {
      auto r = conn.query(lock_sql, {id});
      it = counters.emplace(id, r.empty() ? 0 : r.i64(0, 0)).first;
    }
    return it->second;
  }
  // Everyone's minimum delivered and read positions, from the receipt rows this batch locked.
  std::pair<Seq, Seq> minimum(ChatId chat, const std::vector<UserId>& members) const {
    std::pair<Seq, Seq> m{INT64_MAX, INT64_MAX};
    for (UserId u : members)
      if (auto it = receipts.find({chat.value, u.value}); it != receipts.end()) {
        m.first = std::min(m.first, it->second.first);
        m.second = std::min(m.second, it->second.second);
      }
    return m;
  }
  Seq& seq(ChatId chat) {
    return counter(chat_seq, chat.value, "SELECT last_seq FROM chats WHERE id = $1 FOR UPDATE");
  }
  Pts& pts(UserId user) { return counter(user_pts, user.value, "SELECT log_head FROM users WHERE id = $1 FOR UPDATE"); }
  Seq next_seq(ChatId chat) {
    dirty_chats.insert(chat.value);
    return ++seq(chat);
  }
  Pts next_pts(UserId user) {
    dirty_users.insert(user.value);
    return ++pts(user);
  }
  // A group member's positions rose (model/receipt_times.h): the rows written at flush.
  void add_raises(ChatId chat, UserId member, std::pair<Seq, Seq> before, std::pair<Seq, Seq> after, TimeMs at) {
    const auto raised = receipt_times::raise_rows(before, after);
    for (int i = 0; i < raised.count; ++i) {
      raise_chats.push_back(chat.value);
      raise_users.push_back(member.value);
      raise_kinds.push_back(static_cast<std::int64_t>(raised.rows[i].kind));
      raise_seqs.push_back(raised.rows[i].seq);
      raise_ats.push_back(at);
    }
  }
  void add_update(UserId user, Pts p, UpdateKind kind, ChatId chat, Seq seq, std::int64_t member, Seq delivered,
                  Seq read, TimeMs ts) {
    copy_row(update_rows, {std::to_string(user.value), std::to_string(p), std::to_string(stored(kind)),
                           std::to_string(chat.value), std::to_string(seq), std::to_string(member),
                           std::to_string(delivered), std::to_string(read), std::to_string(ts)});
  }
};

template <class T, class Plan, class Run>
void PostgresStore::write(Plan plan, Run run, Done<T> done) {
  auto result = std::make_shared<std::optional<Result<T>>>();
  Task t{[plan = std::move(plan), result](Batch& b) {
           result->reset();
           if (Status st = plan(b); !st.ok()) result->emplace(std::move(st));
         },
         [run = std::move(run), result](Batch& b) {
           if (!result->has_value()) result->emplace(run(b));
         },
         [result, done = std::move(done)](const Status& commit) {
           if (!commit.ok()) return done(Result<T>(commit));
           done(std::move(**result));
         }};
  if (!queue_.push(t)) t.complete(Status(Code::kUnavailable, "store is shutting down"));
}

template <class Fn>
auto PostgresStore::read(Fn fn) -> decltype(fn(std::declval<Conn&>())) {
  // A pooled connection learns that PostgreSQL restarted only when used: then the idle
  // pool is dropped (its connections went the same way) and the read runs once more.
  for (int attempt = 1;; ++attempt) {
    try {
      ReaderPool<Conn>::Lease lease(readers_);
      return fn(*lease);
    } catch (const PgError& e) {
      if (!e.connection_lost() || attempt == 2) return unavailable(e);
      readers_.clear();
    } catch (const std::exception& e) {
      return unavailable(e);
    }
  }
}

}  // namespace parley::pg
