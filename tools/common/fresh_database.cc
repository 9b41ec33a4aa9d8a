#include "common/fresh_database.h"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>

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

}  // namespace

std::string create_database(const std::string& url, const std::string& name) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) throw std::runtime_error(trimmed(PQerrorMessage(conn.get())));
  // NOTICEs ("database ... does not exist, skipping") are not for stderr.
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  exec(conn.get(), "DROP DATABASE IF EXISTS " + name);
  exec(conn.get(), "CREATE DATABASE " + name);
  return url + " dbname=" + name;  // a later keyword wins in libpq strings
}

}  // namespace parley::tools
