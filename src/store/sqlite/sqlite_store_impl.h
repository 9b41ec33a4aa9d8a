// SqliteStore's private helpers shared by its source files (sqlite_store.cc, and
// sqlite_privacy.cc for who knows whom and group invites): how a write reaches the writer
// thread and how a read borrows a reader connection.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

#include "store/sqlite/sqlite_store.h"

namespace parley::sqlite {

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
