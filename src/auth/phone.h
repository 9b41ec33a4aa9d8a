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

// The calling code of an E.164 number ("+4930123456" -> "49"), for per-country budgets;
// "?" when it cannot be parsed.
std::string calling_code(std::string_view e164);

// The network an address belongs to, as rate limits count it: an IPv4 address itself, an
// IPv6 address's /64 (one subscriber's prefix: rotating within it changes nothing); IPv4
// mapped into IPv6 counts as IPv4. Anything unparsable is returned as it is.
std::string network_of(std::string_view ip);

}  // namespace parley::auth
