// Thin RAII layer over the SQLite C API: a connection and its cached prepared statements.
// A Db is used by one thread at a time. Errors throw SqliteError; the adapter turns
// them into Status values at its boundary.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace parley::sqlite {

// Process-wide settings that SQLite takes only before its first use (any sqlite3_* call that
// initialises it, opening a connection or registering a VFS): call before each such use.
void configure_process();

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Binding is 1-based, as in SQLite. Each returns *this for chaining.
  Stmt& bind(int i, std::int64_t v);
  Stmt& bind(int i, std::string_view v);  // as TEXT, copied
  // As TEXT, not copied: the bytes must outlive the statement's next step (hot inserts).
  Stmt& bind_static(int i, std::string_view v);
  Stmt& bind_blob(int i, std::string_view v);
  Stmt& bind_null(int i);

  // Advances; true while a row is available.
  bool step();
  // Steps to completion (statements without rows).
  void exec();
  void reset();

  std::int64_t i64(int col) const;
  std::string text(int col) const;
  bool is_null(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Db {
 public:
  // `vfs`: a registered SQLite VFS by name (nullptr: the default one).
  Db(const std::string& path, bool read_only, const char* vfs = nullptr);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(const char* sql);
  // Replaces the busy timeout (SQLite's own sleeps 1, 2, 5 ... 100 ms) with one that polls
  // every 100 µs, up to `timeout_ms`: for the writer, which only ever waits for brief readers.
  void busy_wait_fine(int timeout_ms);
  // busy_wait_fine's limit, changed for the calls that follow; returns the one it replaced.
  int busy_wait_limit(int timeout_ms) { return std::exchange(busy_limit_, timeout_ms * 10) / 10; }
  // A cached statement, reset and ready to bind. `sql` must be a string literal (the
  // pointer is the cache key).
  Stmt& prepare(const char* sql);
  // Resets every cached statement, ending the connection's implicit read transaction
  // (a reader that keeps one open would go on seeing an old snapshot).
  void reset_all();
  std::int64_t changes() const;
  std::int64_t last_insert_rowid() const;
  sqlite3* raw() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  int busy_limit_ = 0;  // busy_wait_fine: polls before giving up
  std::unordered_map<const char*, std::unique_ptr<Stmt>> cache_;
};

}  // namespace parley::sqlite
