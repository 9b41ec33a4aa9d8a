// Time as the whole server counts it.
#pragma once

#include <cstdint>

namespace parley {

// Milliseconds since the Unix epoch.
using TimeMs = std::int64_t;

}  // namespace parley
