#include "store/postgres/pg.h"

#include <spdlog/spdlog.h>

#include <charconv>

namespace parley::pg {

std::string int_array(const std::vector<std::int64_t>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "}";
}

std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

void copy_field(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
}

std::int64_t Rows::i64(int row, int col) const {
  const char* v = PQgetvalue(r_.get(), row, col);
  std::int64_t out = 0;
  std::from_chars(v, v + PQgetlength(r_.get(), row, col), out);
  return out;
}

std::string Rows::text(int row, int col) const {
  return std::string(PQgetvalue(r_.get(), row, col), static_cast<std::size_t>(PQgetlength(r_.get(), row, col)));
}

std::string Rows::bytes(int row, int col) const {
  std::size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, col)), &n);
  if (!raw) throw PgError("", "cannot decode a bytea value", false);
  std::string out(reinterpret_cast<char*>(raw), n);
  PQfreemem(raw);
  return out;
}

std::int64_t Rows::affected() const {
  const char* v = PQcmdTuples(r_.get());
  std::int64_t out = 0;
  std::from_chars(v, v + std::char_traits<char>::length(v), out);
  return out;
}

Conn::Conn(const std::string& conninfo) {
  conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    throw PgError("08006", msg, true);
  }
  // NOTICEs ("... already exists, skipping") are for debugging, not for stderr.
  PQsetNoticeProcessor(
      conn_, [](void*, const char* message) { spdlog::debug("postgres: {}", message); }, nullptr);
}

Conn::~Conn() {
  if (conn_) PQfinish(conn_);
}

void Conn::fail(PGresult* r, const std::string& context) {
  std::string state;
  std::string msg;
  if (r) {
    if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
    msg = PQresultErrorMessage(r);
    PQclear(r);
  }
  if (msg.empty()) msg = PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  bool lost = PQstatus(conn_) != CONNECTION_OK;
  if (lost && state.empty()) state = "08006";
  throw PgError(state, context + ": " + msg, lost);
}

namespace {
// libpq's three parallel arrays for a statement's parameters.
struct WireParams {
  explicit WireParams(const std::vector<Param>& params)
      : values(params.size()), lengths(params.size()), formats(params.size()) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      values[i] = params[i].text.data();
      lengths[i] = static_cast<int>(params[i].text.size());
      formats[i] = params[i].binary ? 1 : 0;
    }
  }
  int size() const { return static_cast<int>(values.size()); }
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
};
}  // namespace

void Conn::begin() { pending_begin_ = true; }

void Conn::exec(const char* sql) {
  if (pending_begin_) {
    pending_begin_ = false;
    std::string_view q(sql);
    if (q == "COMMIT" || q == "ROLLBACK") return;  // nothing was sent: nothing to end
    exec("BEGIN");
  }
  PGresult* r = PQexec(conn_, sql);
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, "exec");
  PQclear(r);
}

const std::string& Conn::prepared(const std::string& sql) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "p" + std::to_string(prepared_.size());
    PGresult* r = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) fail(r, "prepare");
    PQclear(r);
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  return it->second;
}

Rows Conn::query(const std::string& sql, const std::vector<Param>& params) {
  if (pending_begin_) {  // BEGIN and this statement in one round trip
    Pipeline p(*this);
    p.add(sql, params);
    return std::move(p.run().front());
  }
  const std::string& name = prepared(sql);
  WireParams w(params);
  PGresult* r = PQexecPrepared(conn_, name.c_str(), w.size(), w.values.data(), w.lengths.data(), w.formats.data(), 0);
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, "query");
  return Rows(r);
}

Rows Conn::query_planned_each_time(const std::string& sql, const std::vector<Param>& params) {
  if (pending_begin_) return query(sql, params);  // inside a write batch: as any other statement
  WireParams w(params);
  PGresult* r = PQexecParams(conn_, sql.c_str(), w.size(), nullptr, w.values.data(), w.lengths.data(), w.formats.data(), 0);
  auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, "query");
  return Rows(r);
}

std::size_t Pipeline::add(const std::string& sql, std::vector<Param> params) {
  statements_.emplace_back(sql, std::move(params));
  return statements_.size() - 1;
}

std::vector<Rows> Pipeline::run() {
  PGconn* c = conn_.conn_;
  std::vector<const std::string*> names;
  for (auto& [sql, params] : statements_) names.push_back(&conn_.prepared(sql));  // outside the pipeline
  const bool begin = conn_.pending_begin_;
  conn_.pending_begin_ = false;
  if (PQenterPipelineMode(c) != 1) conn_.fail(nullptr, "pipeline");
  bool sent = !begin || PQsendQueryParams(c, "BEGIN", 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  for (std::size_t i = 0; sent && i < statements_.size(); ++i) {
    WireParams w(statements_[i].second);
    sent = PQsendQueryPrepared(c, names[i]->c_str(), w.size(), w.values.data(), w.lengths.data(), w.formats.data(), 0) == 1;
  }
  if (!sent || PQpipelineSync(c) != 1) {
    PQexitPipelineMode(c);
    conn_.fail(nullptr, "pipeline");
  }
  std::vector<Rows> out;
  PGresult* error = nullptr;
  const std::size_t expected = statements_.size() + (begin ? 1 : 0);
  for (std::size_t i = 0; i < expected; ++i) {
    PGresult* r = PQgetResult(c);
    if (!r) {  // the connection went away
      if (error) PQclear(error);
      PQexitPipelineMode(c);
      conn_.fail(nullptr, "pipeline");
    }
    auto st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
      if (begin && i == 0) PQclear(r);
      else out.emplace_back(r);
    } else if (st == PGRES_FATAL_ERROR && !error) {
      error = r;
    } else {
      PQclear(r);  // skipped after the failure
    }
    while (PGresult* extra = PQgetResult(c)) PQclear(extra);  // the NULL that ends each statement
  }
  for (;;) {  // up to the sync
    PGresult* r = PQgetResult(c);
    if (!r) break;
    bool sync = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
    PQclear(r);
    if (sync) break;
  }
  PQexitPipelineMode(c);
  statements_.clear();
  if (error) conn_.fail(error, "query");
  return out;
}

void Conn::copy_in(const std::string& copy_sql, const std::string& data) {
  if (pending_begin_) {
    pending_begin_ = false;
    exec("BEGIN");
  }
  PGresult* r = PQexec(conn_, copy_sql.c_str());
  if (PQresultStatus(r) != PGRES_COPY_IN) fail(r, "copy");
  PQclear(r);
  if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1 || PQputCopyEnd(conn_, nullptr) != 1)
    fail(nullptr, "copy");
  r = PQgetResult(conn_);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
    fail(r, "copy");
  }
  PQclear(r);
  while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
}

}  // namespace parley::pg
