// What the HTTP providers share: the common reading of an answer as a SendResult (no answer,
// 429 or 5xx: retry, after the Retry-After if there is one; 2xx: sent; any other: dropped),
// which each provider refines with its own invalid-target signals, and text cutting.
#pragma once

#include <string>
#include <string_view>

#include "core/time.h"
#include "push/provider.h"
#include "push/providers/http_client.h"

namespace parley::push {

SendResult classify_answer(const HttpResponse& r, TimeMs now);
// kInvalidTarget with the answer's status and detail.
SendResult invalid_target(const HttpResponse& r, std::string_view why);
// `s` cut to at most `max_bytes` bytes, on a UTF-8 character boundary.
std::string cut_utf8(std::string_view s, std::size_t max_bytes);

}  // namespace parley::push
