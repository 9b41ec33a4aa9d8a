// PostgreSQL schema migrations, versioned in parley_schema. Nodes may start together:
// migrations run under an advisory lock, so exactly one node applies each.
#pragma once

#include "store/postgres/pg.h"

namespace parley::pg {

int latest_schema_version();
// Migrates to the latest version; returns it. Throws PgError, or std::runtime_error when
// the database is newer than this binary.
int migrate(Conn& conn);

}  // namespace parley::pg
