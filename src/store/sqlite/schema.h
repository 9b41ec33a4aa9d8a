// Versioned schema of the SQLite store. Migrations are applied in order at start, each
// in its own transaction; the applied version is kept in PRAGMA user_version.
#pragma once

#include "store/sqlite/db.h"

namespace parley::sqlite {

// Brings the database to the latest schema version. Returns the version now in force.
int migrate(Db& db);
int latest_schema_version();

}  // namespace parley::sqlite
