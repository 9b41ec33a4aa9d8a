// Thin RAII layer over libpq: a connection, its cached prepared statements, result rows
// and COPY. A Conn is used by one thread at a time. Errors throw PgError carrying the
// SQLSTATE; the adapter turns them into Status values at its boundary.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace parley::pg {

class PgError : public std::runtime_error {
 public:
  PgError(std::string sqlstate, const std::string& what, bool connection_lost)
      : std::runtime_error(what), sqlstate_(std::move(sqlstate)), connection_lost_(connection_lost) {}
  const std::string& sqlstate() const { return sqlstate_; }
  bool connection_lost() const { return connection_lost_; }
  // Deadlock, serialization failure or a unique violation raced by another node: running
  // the same transaction again is expected to succeed.
  bool retryable() const {
    return sqlstate_ == "40P01" || sqlstate_ == "40001" || sqlstate_ == "23505";
  }

 private:
  std::string sqlstate_;
  bool connection_lost_;
};

// A query parameter, sent as text (or binary for bytea). Null when `null` is set.
struct Param {
  Param(std::int64_t v) : text(std::to_string(v)) {}
  Param(int v) : text(std::to_string(v)) {}
  Param(std::string v) : text(std::move(v)) {}
  Param(std::string_view v) : text(v) {}
  Param(const char* v) : text(v) {}
  static Param bytes(std::string_view v) {
    Param p{std::string(v)};
    p.binary = true;
    return p;
  }
  std::string text;
  bool binary = false;
};

// '{1,2,3}' and '{"a","b\"c"}': array literals for ANY($1) and unnest($1).
std::string int_array(const std::vector<std::int64_t>& values);
std::string text_array(const std::vector<std::string>& values);
// One field of COPY ... FROM STDIN (text format), with its escapes.
void copy_field(std::string& out, std::string_view value);

class Conn;

class Rows {
 public:
  explicit Rows(PGresult* r) : r_(r, &PQclear) {}
  int size() const { return PQntuples(r_.get()); }
  bool empty() const { return size() == 0; }
  std::int64_t i64(int row, int col) const;
  std::string text(int row, int col) const;
  std::string bytes(int row, int col) const;  // a bytea column
  bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  // Rows affected by INSERT/UPDATE/DELETE.
  std::int64_t affected() const;

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

class Conn {
 public:
  // Connects; throws PgError (connection_lost) when the server cannot be reached.
  explicit Conn(const std::string& conninfo);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  // Starts a transaction without a round trip of its own: BEGIN goes out with the next
  // statement (or pipeline). A COMMIT or ROLLBACK with nothing sent since is a no-op.
  void begin();
  // Runs SQL without parameters (may hold several statements).
  void exec(const char* sql);
  // Runs a statement with parameters, prepared once per connection (cached by text).
  Rows query(const std::string& sql, const std::vector<Param>& params = {});
  // Runs a statement planned for these parameter values every time (never a cached generic
  // plan): for queries whose best plan depends on them, such as a full-text search, where a
  // generic plan cannot know how rare the words are.
  Rows query_planned_each_time(const std::string& sql, const std::vector<Param>& params);
  // COPY table (cols) FROM STDIN with rows already in text format ("a\tb\n...").
  void copy_in(const std::string& copy_sql, const std::string& data);

 private:
  friend class Pipeline;
  [[noreturn]] void fail(PGresult* r, const std::string& context);
  // The name of `sql`'s prepared statement, preparing it on first use.
  const std::string& prepared(const std::string& sql);

  PGconn* conn_ = nullptr;
  bool pending_begin_ = false;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> statement name
};

// Several statements in one round trip (libpq pipeline mode): queue them with add(), then
// run() sends them all, waits once and returns each one's rows in order. If one fails,
// the rest are skipped by the server and run() throws its error (the transaction, if
// any, is then aborted and needs a ROLLBACK). A pending begin() goes out first.
class Pipeline {
 public:
  explicit Pipeline(Conn& conn) : conn_(conn) {}
  // Returns the statement's index in run()'s result.
  std::size_t add(const std::string& sql, std::vector<Param> params = {});
  std::vector<Rows> run();
  bool empty() const { return statements_.empty(); }

 private:
  Conn& conn_;
  std::vector<std::pair<std::string, std::vector<Param>>> statements_;
};

}  // namespace parley::pg
