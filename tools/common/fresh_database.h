// A fresh PostgreSQL database for a test or a benchmark run, through libpq alone (the
// store adapter is not linked for this).
#pragma once

#include <string>

namespace parley::tools {

// Drops database `name` if it exists and creates it empty on the server `url` (a libpq
// connection string) points at; returns a connection string for it. Throws
// std::runtime_error with libpq's message.
std::string create_database(const std::string& url, const std::string& name);

}  // namespace parley::tools
