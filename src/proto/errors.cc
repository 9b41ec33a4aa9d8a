#include "proto/errors.h"

namespace parley::proto {

std::string_view wire_code(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalid: return err::kInvalid;
    case Code::kTooLarge: return err::kTextTooLong;
    case Code::kUnauthorized: return err::kUnauthorized;
    case Code::kNotFound: return err::kNotFound;
    case Code::kNoSuchUser: return err::kNoSuchUser;
    case Code::kNoSuchChat: return err::kNoSuchChat;
    case Code::kNotMember: return err::kNotMember;
    case Code::kForbidden: return err::kForbidden;
    case Code::kChatFull: return err::kChatFull;
    case Code::kNoSuchMedia: return err::kNoSuchMedia;
    case Code::kNoSuchMessage: return err::kNoSuchMessage;
    case Code::kTooLate: return err::kTooLate;
    case Code::kUnsupportedMedia: return err::kUnsupportedMedia;
    case Code::kRateLimited: return err::kRateLimited;
    case Code::kCodeExpired: return err::kCodeExpired;
    case Code::kCodeInvalid: return err::kCodeInvalid;
    case Code::kTooManyAttempts: return err::kTooManyAttempts;
    case Code::kUnavailable: return err::kUnavailable;
    case Code::kInternal: return err::kInternal;
  }
  return err::kInternal;
}

int http_status(Code code) {
  switch (code) {
    case Code::kOk: return 200;
    case Code::kInvalid:
    case Code::kTooLarge: return 400;
    case Code::kUnauthorized:
    case Code::kCodeExpired:
    case Code::kCodeInvalid: return 401;
    case Code::kNotMember:
    case Code::kTooLate:
    case Code::kForbidden: return 403;
    case Code::kChatFull: return 409;
    case Code::kNotFound:
    case Code::kNoSuchUser:
    case Code::kNoSuchChat:
    case Code::kNoSuchMedia:
    case Code::kNoSuchMessage: return 404;
    case Code::kUnsupportedMedia: return 415;
    case Code::kTooManyAttempts:
    case Code::kRateLimited: return 429;
    case Code::kUnavailable: return 503;
    case Code::kInternal: return 500;
  }
  return 500;
}

}  // namespace parley::proto
