// Records the Store persists and the domain reads. Plain data, no behaviour.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/ids.h"

namespace parley {

struct UserRecord {
  UserId id;
  std::string phone;  // E.164
  TimeMs created_at = 0;
};

struct DeviceRecord {
  DeviceId id;
  UserId user;
  std::string name;
  TimeMs created_at = 0;
  TimeMs last_active_at = 0;
  Pts position = 0;  // acknowledged position in the user's update log
  bool revoked = false;
};

struct NewDevice {
  UserId user;
  std::string name;
  std::string token_hash;  // SHA-256 of the token; the token itself is never stored
};

struct AuthCode {
  std::string phone;
  std::string code_hash;
  TimeMs expires_at = 0;
  int attempts = 0;
};

// A message as committed: the chat's sequence number makes its place in the chat.
struct Message {
  ChatId chat;
  Seq seq = 0;
  UserId sender;
  DeviceId sender_device;
  std::string client_id;
  TimeMs ts = 0;
  std::string text;
};

// A message to commit. Exactly one of `to` (one-to-one, chat created on first use) and
// `chat` is set.
struct NewMessage {
  UserId sender;
  DeviceId sender_device;
  std::string client_id;
  std::optional<UserId> to;
  std::optional<ChatId> chat;
  std::string text;
};

// One user's update-log entry created by a commit.
struct Delivery {
  UserId user;
  Pts pts = 0;
};

struct AppendResult {
  Message message;
  bool duplicate = false;          // the client id was seen before: message is the original
  std::vector<Delivery> deliveries;  // empty when duplicate
};

// Cumulative receipt positions of one member in one chat.
struct ReceiptState {
  ChatId chat;
  UserId member;
  Seq delivered = 0;
  Seq read = 0;
};

struct ReceiptResult {
  ReceiptState state;
  bool changed = false;
  std::vector<Delivery> deliveries;  // update-log entries for the other members
};

enum class UpdateKind { kMessage = 1, kReceipt = 2 };

// An entry of a user's update log, joined with what it refers to.
struct Update {
  Pts pts = 0;
  UpdateKind kind = UpdateKind::kMessage;
  Message message;       // kMessage
  ReceiptState receipt;  // kReceipt
};

struct ChatSummary {
  ChatId chat;
  std::string kind;  // "direct"
  UserId peer;       // the other member of a direct chat
  std::string peer_phone;
  Seq last_seq = 0;
  TimeMs last_ts = 0;
  std::string last_text;
  UserId last_sender;
  Seq my_read = 0;
  Seq peer_delivered = 0;
  Seq peer_read = 0;
};

// Who may see a user's last seen and online state (docs/protocol.md, privacy).
enum class Visibility { kEveryone = 0, kContacts = 1, kNobody = 2 };

// What the store keeps about a user's presence: the last user activity it was told of
// (0: never) and their privacy setting.
struct PresenceRecord {
  UserId user;
  TimeMs last_seen = 0;
  Visibility last_seen_visibility = Visibility::kEveryone;
};

}  // namespace parley
