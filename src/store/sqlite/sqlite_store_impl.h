// SqliteStore's private helpers shared by its source files (sqlite_store.cc, and
// sqlite_privacy.cc for who knows whom and group invites): how a write reaches the writer
// thread and how a read borrows a reader connection.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

#include "store/sqlite/sqlite_store.h"

namespace parley::sqlite {

// The columns every read of a message selects, in this order, from `messages m`
// (message_at reads them). A macro so that it joins string literals: Db::prepare keys its
// cache by the literal.
#define PARLEY_MESSAGE_COLUMNS                                                                               \
  "m.chat_id, m.seq, m.sender, m.sender_device, m.client_id, m.ts, m.text, coalesce(m.system, ''), "      \
  "coalesce(m.media, ''), m.edited_at, m.deleted, m.reply_to, m.forwarded, coalesce(m.reactions, ''), " \
  "m.expires_at"
inline constexpr int kMessageColumnCount = 15;

inline Message message_at(const Stmt& q, int first) {
  Message m{ChatId(q.i64(first)), q.i64(first + 1), UserId(q.i64(first + 2)), DeviceId(q.i64(first + 3)),
            q.text(first + 4),   q.i64(first + 5), q.text(first + 6),        q.text(first + 7),
            q.text(first + 8)};
  m.edited_at = q.i64(first + 9);
  m.deleted = q.i64(first + 10);
  m.reply_to = q.i64(first + 11);
  m.forwarded = q.i64(first + 12);
  m.reactions = q.text(first + 13);
  m.expires_at = q.i64(first + 14);
  return m;
}

// A message's row in the full-text index (model/search_text.h).
inline std::int64_t fts_rowid(ChatId chat, Seq seq) { return chat.value * 4294967296LL + seq; }

inline Status unavailable(const std::exception& e) {
  spdlog::error("store: read failed: {}", e.what());
  return Status(Code::kUnavailable, "store read failed; retry");
}

template <class T, class Fn>
void SqliteStore::write(Fn fn, Done<T> done) {
  auto result = std::make_shared<std::optional<Result<T>>>();
  writer_->submit({[fn = std::move(fn), result](Db& db) { result->emplace(fn(db)); },
                   [result, done = std::move(done)](const Status& commit) {
                     if (!commit.ok()) return done(Result<T>(commit));
                     done(std::move(**result));
                   }});
}

template <class Fn>
auto SqliteStore::read(Fn fn) -> decltype(fn(std::declval<Db&>())) {
  try {
    ReaderPool<Db>::Lease lease(readers_);
    return fn(*lease);
  } catch (const std::exception& e) {
    return unavailable(e);
  }
}

}  // namespace parley::sqlite
