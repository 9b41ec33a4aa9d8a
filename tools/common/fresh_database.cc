#include "common/fresh_database.h"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace parley::tools {

namespace {

std::string trimmed(std::string msg) {
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg;
}

void exec(PGconn* conn, const std::string& sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn, sql.c_str()), &PQclear);
  if (PQresultStatus(r.get()) == PGRES_COMMAND_OK) return;
  std::string msg = r ? PQresultErrorMessage(r.get()) : "";
  if (msg.empty()) msg = PQerrorMessage(conn);
  throw std::runtime_error("exec: " + trimmed(msg));
}

using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;

Conn connect(const std::string& url) {
  Conn conn(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) throw std::runtime_error(trimmed(PQerrorMessage(conn.get())));
  return conn;
}

// The first column of every row of `sql`.
std::vector<std::string> column(const std::string& url, const char* sql) {
  auto conn = connect(url);
  std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn.get(), sql), &PQclear);
  if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) throw std::runtime_error("query: " + trimmed(PQerrorMessage(conn.get())));
  std::vector<std::string> out;
  for (int i = 0; i < PQntuples(r.get()); ++i) out.emplace_back(PQgetvalue(r.get(), i, 0));
  return out;
}

}  // namespace

std::vector<int> database_backend_pids(const std::string& db_url) {
  std::vector<int> pids;
  for (auto& v : column(db_url,
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND backend_type = 'client backend'"))
    pids.push_back(std::stoi(v));
  return pids;
}

std::int64_t database_bytes(const std::string& db_url) {
  auto v = column(db_url, "SELECT pg_database_size(current_database())");
  return v.empty() ? 0 : std::stoll(v.front());
}

void analyze_database(const std::string& db_url) {
  auto conn = connect(db_url);
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  exec(conn.get(), "ANALYZE");
}

std::string create_database(const std::string& url, const std::string& name) {
  auto conn = connect(url);
  // NOTICEs ("database ... does not exist, skipping") are not for stderr.
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  exec(conn.get(), "DROP DATABASE IF EXISTS " + name);
  exec(conn.get(), "CREATE DATABASE " + name);
  return url + " dbname=" + name;  // a later keyword wins in libpq strings
}

}  // namespace parley::tools
