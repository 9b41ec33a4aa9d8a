// Phone number normalisation to E.164 with libphonenumber, for every country.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace parley::auth {

// Parses `input` (with +country code, or national format in `default_region`, an ISO
// 3166 alpha-2 code such as "US" or "DE") and returns it in E.164 ("+14155550123").
// kInvalid with a human message when it is not a valid number.
Result<std::string> normalize_phone(std::string_view input, std::string_view default_region);

// True when `region` is a region libphonenumber knows (for config validation).
bool known_region(std::string_view region);

}  // namespace parley::auth
