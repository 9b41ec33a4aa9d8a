// Wire protocol v1: JSON text frames over WebSocket (docs/protocol.md).
// parse_client_frame validates a client frame completely (types, lengths, UTF-8, depth);
// the serialise functions build server frames. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/ids.h"
#include "store/types.h"

namespace parley::proto {

inline constexpr int kProtocolVersion = 1;

struct Limits {
  std::size_t max_text_chars = 4096;  // code points in a message text
  std::size_t max_client_id = 64;     // bytes in a client message id
  int max_depth = 8;                  // JSON nesting
  int max_sync_page = 1000;
};

struct AuthFrame { std::string token; };
struct SendFrame {
  std::string id;  // client message id
  std::optional<UserId> to;
  std::optional<ChatId> chat;
  std::string text;
};
struct SyncFrame {
  std::optional<Pts> after;  // absent: the device's stored position
  int limit = 0;             // page size; 0 = server default
};
struct ReceivedFrame { Pts pts = 0; };  // device has everything up to pts
struct ReceiptFrame {                  // "delivered" or "read"
  bool read = false;
  ChatId chat;
  Seq seq = 0;
};
struct PingFrame {};

using ClientFrame =
    std::variant<AuthFrame, SendFrame, SyncFrame, ReceivedFrame, ReceiptFrame, PingFrame>;

struct FrameError {
  std::string_view code;  // an err:: code
  std::string message;
  std::string id;  // the client message id, when the frame had a readable one
};

std::variant<ClientFrame, FrameError> parse_client_frame(std::string_view text, const Limits& limits);

// --- server frames ---
struct Hello {
  UserId user;
  DeviceId device;
  Pts head = 0;      // the user's log head now
  Pts position = 0;  // the device's stored position
  TimeMs server_time = 0;
};
std::string hello_frame(const Hello& h, const Limits& limits);
std::string update_frame(const Update& u);
std::string message_frame(Pts pts, const Message& m);
std::string receipt_frame(Pts pts, const ReceiptState& r);
std::string ack_frame(const Message& m, bool duplicate);
std::string synced_frame(Pts pts, Pts head, bool truncated);
std::string error_frame(std::string_view code, std::string_view message, std::string_view id = {},
                        std::optional<std::int64_t> retry_after_ms = std::nullopt);
std::string pong_frame(TimeMs now);

}  // namespace parley::proto
