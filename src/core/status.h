// Errors are values: Status carries a code and a human message; Result<T> is a T or a Status.
// proto/errors.h maps every Code to the wire error code documented in docs/protocol.md.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace parley {

enum class Code {
  kOk,
  kInvalid,         // request is malformed or violates a limit
  kTooLarge,        // a field or payload is over its size limit
  kUnauthorized,    // missing, bad or revoked credentials
  kNotFound,        // generic missing entity
  kNoSuchUser,
  kNoSuchChat,
  kNotMember,       // caller may not access this chat
  kForbidden,       // a member, but the chat's rules do not let them (admins only)
  kChatFull,        // the chat is at its member limit
  kNoSuchMedia,     // no media the caller may use under that id
  kNoSuchMessage,   // no message the caller may read at that chat and seq
  kTooLate,         // an edit or delete for everyone past its window
  kUnsupportedMedia,  // an upload whose type is not taken, or contradicts what was declared
  kRateLimited,
  kCodeExpired,     // sign-in code is past its lifetime
  kCodeInvalid,     // wrong sign-in code
  kTooManyAttempts, // sign-in code burnt by failed attempts
  kUnavailable,     // transient (store or bus down): retry later
  kInternal,
};

class Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }

  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }

 private:
  std::variant<T, Status> v_;
};

}  // namespace parley
