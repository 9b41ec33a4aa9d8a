// Versioned schema of the SQLite store. Migrations are applied in order at start, each
// in its own transaction; the applied version is kept in PRAGMA user_version.
#pragma once

#include "store/sqlite/db.h"

namespace parley::sqlite {

// Brings the database to the latest schema version. Returns the version now in force.
int migrate(Db& db);
int latest_schema_version();
// Registers the SQL functions the store's statements use (parley_indexable: a message's
// text as the search index takes it) on a connection.
void register_functions(Db& db);

}  // namespace parley::sqlite
