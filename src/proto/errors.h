// Wire error codes. Every code here is documented in docs/protocol.md; `wire_code` is the
// one place where internal Status codes become wire codes.
#pragma once

#include <string_view>

#include "core/status.h"

namespace parley::proto {

namespace err {
inline constexpr std::string_view kBadJson = "bad_json";
inline constexpr std::string_view kBadFrame = "bad_frame";
inline constexpr std::string_view kUnknownType = "unknown_type";
inline constexpr std::string_view kFrameTooLarge = "frame_too_large";
inline constexpr std::string_view kTextTooLong = "text_too_long";
inline constexpr std::string_view kNotAuthenticated = "not_authenticated";
inline constexpr std::string_view kUnauthorized = "unauthorized";
inline constexpr std::string_view kNoSuchUser = "no_such_user";
inline constexpr std::string_view kNoSuchChat = "no_such_chat";
inline constexpr std::string_view kNotMember = "not_member";
inline constexpr std::string_view kForbidden = "forbidden";
inline constexpr std::string_view kChatFull = "chat_full";
inline constexpr std::string_view kNoSuchMedia = "no_such_media";
inline constexpr std::string_view kNoSuchMessage = "no_such_message";
inline constexpr std::string_view kTooLate = "too_late";
inline constexpr std::string_view kUnsupportedMedia = "unsupported_media";
inline constexpr std::string_view kTooLarge = "too_large";
inline constexpr std::string_view kOffsetMismatch = "offset_mismatch";
inline constexpr std::string_view kRateLimited = "rate_limited";
inline constexpr std::string_view kTooManyErrors = "too_many_errors";
inline constexpr std::string_view kTooManyConnections = "too_many_connections";
inline constexpr std::string_view kInvalid = "invalid";
inline constexpr std::string_view kNotFound = "not_found";
inline constexpr std::string_view kBadPhone = "bad_phone";
inline constexpr std::string_view kCodeExpired = "code_expired";
inline constexpr std::string_view kCodeInvalid = "code_invalid";
inline constexpr std::string_view kTooManyAttempts = "too_many_attempts";
inline constexpr std::string_view kUnavailable = "unavailable";
inline constexpr std::string_view kInternal = "internal";
}  // namespace err

std::string_view wire_code(Code code);
// HTTP status for a Status returned by an HTTP route.
int http_status(Code code);

// WebSocket close codes parleyd uses besides the standard ones.
inline constexpr int kCloseUnauthorized = 4001;  // bad or revoked token: do not retry
inline constexpr int kClosePolicy = 1008;        // too many protocol errors, slow consumer
inline constexpr int kCloseTooBig = 1009;        // frame over the size limit
inline constexpr int kCloseGoingAway = 1001;     // server shutting down: reconnect elsewhere

}  // namespace parley::proto
