// A fresh PostgreSQL database for a test or a benchmark run, and what a benchmark reads
// about it, through libpq alone (the store adapter is not linked for this).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace parley::tools {

// Drops database `name` if it exists and creates it empty on the server `url` (a libpq
// connection string) points at; returns a connection string for it. Throws
// std::runtime_error with libpq's message.
std::string create_database(const std::string& url, const std::string& name);

// What a benchmark reads about the database `db_url` (a libpq string naming it): the
// process ids of the client backends connected to it (other than the one asking), and its
// size in bytes (pg_database_size); and ANALYZE of all its tables. Throw
// std::runtime_error with libpq's message.
std::vector<int> database_backend_pids(const std::string& db_url);
std::int64_t database_bytes(const std::string& db_url);
void analyze_database(const std::string& db_url);

}  // namespace parley::tools
