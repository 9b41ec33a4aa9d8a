// An asynchronous connection of one signed-in device to parleyd (protocol v1).
// It connects, authenticates, syncs from its position, streams updates (de-duplicated by
// pts), acknowledges them (received + delivered), sends with client ids, and resends
// whatever is unacknowledged after a reconnect. Everything runs on the io_context given
// at construction: handlers are called there; public methods may be called from any
// thread (they post).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <unordered_map>

#include "parley/chat_settings.h"
#include "parley/http.h"
#include "parley/message.h"
#include "parley/people.h"

namespace parley::client {

// Media to send: the id an upload returned (parley/media.h), and optionally the name
// recipients see (without it, the name given at upload).
struct MediaRef {
  std::string id, name;
};
// A member's receipt; all = true: every member of a group has delivered / read up to.
struct Receipt {
  std::int64_t pts = 0, chat = 0, user = 0, delivered = 0, read = 0;
  bool all = false;
};
// The answer to a create / change / join / leave.
struct Done {
  std::string id;
  std::int64_t chat = 0, seq = 0;
  bool changed = false, duplicate = false;
  std::vector<std::int64_t> invited{};  // sent an invite instead of being added
};
// This user joined (member) or left a room.
struct Membership {
  std::int64_t pts = 0, chat = 0, seq = 0;
  bool member = false;
};
struct Ack {
  std::string id;
  std::int64_t chat = 0, seq = 0, ts = 0;
  bool duplicate = false;
};
struct Error {
  std::string code, message, id;
};
// This user starred or unstarred a message, or hid it (deleted it for me): remove it from view.
struct Marked {
  std::int64_t pts = 0, chat = 0, seq = 0;
  bool starred = false, hidden = false;
};
// A watched user's presence as this device may see it.
struct Presence {
  std::int64_t user = 0;
  bool visible = false;  // false: hidden by privacy (online and last_seen unknown)
  bool online = false;
  std::int64_t last_seen = 0;  // ms since the epoch; 0 = never seen
};
struct Typing {
  std::int64_t chat = 0, user = 0;
  bool typing = false;
};
// Privacy settings, each "everyone", "contacts" or "nobody" (docs/protocol.md §2 `privacy`).
// In a change, an empty field stays as it is; in a `privacy` frame every field is set.
struct PrivacySettings {
  std::string last_seen{}, group_add{}, name{}, about{}, photo{};
};

struct Handlers {
  std::function<void(std::int64_t user, std::int64_t device, std::int64_t head)> on_hello;
  std::function<void(const Message&)> on_message;
  // A message as it is now, after an edit, a delete, a reaction or its expiry (replace the
  // copy of its chat and seq); in rooms it comes without pts.
  std::function<void(const Message&)> on_changed;
  std::function<void(const Marked&)> on_marked;
  std::function<void(const Receipt&)> on_receipt;
  std::function<void(const Ack&)> on_ack;
  std::function<void(const Error&)> on_error;
  std::function<void(std::int64_t pts, bool truncated)> on_synced;
  std::function<void(const Presence&)> on_presence;
  std::function<void(const Typing&)> on_typing;
  std::function<void(const PrivacySettings&)> on_privacy;
  // Live, not in the update log: a known user's profile as this user may see it, this user's
  // settings of a chat, a saved contact added, renamed or removed, the whole block list.
  std::function<void(const UserProfile&)> on_profile;
  std::function<void(const ChatState&)> on_chat_state;
  std::function<void(const ContactChange&)> on_contact;
  std::function<void(const std::vector<std::int64_t>& blocked)> on_blocks;
  std::function<void(const Done&)> on_done;
  std::function<void(const Membership&)> on_membership;
  // Answers to queries: chat_info, receipts, views (the frame's JSON object).
  std::function<void(const std::string& type, const boost::json::object&)> on_reply;
  // false: the connection dropped (it reconnects unless stopped or unauthorized).
  std::function<void(bool connected)> on_state;
  // Every raw text frame, before it is interpreted (tests, debugging).
  std::function<void(const std::string&)> on_frame;
};

struct Options {
  Endpoint server;
  // Other nodes of the same cluster: after a lost connection the client moves on to the
  // next endpoint (server, then these, round robin) and syncs from its position there.
  std::vector<Endpoint> alternates;
  std::string token;
  std::string bind_address;        // local source address (load tests spread over 127.0.0.x)
  std::int64_t position = 0;       // start syncing after this pts
  bool sync_on_connect = true;
  bool auto_delivered = true;      // send delivered receipts for incoming messages
  // The user is looking at this app: heartbeat as active (the user shows as online).
  // false: a background connection; it neither makes the user online nor moves last seen.
  bool foreground = false;
  bool reconnect = true;
  int ack_delay_ms = 20;           // batch received/delivered acks over this long
  int room_ack_ms = 1000;          // report room positions at most this often
  int reconnect_min_ms = 100;
  int reconnect_max_ms = 5000;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  static std::shared_ptr<Connection> create(boost::asio::io_context& ioc, Options options, Handlers handlers);
  ~Connection();

  void start();
  void stop();

  // Queues a text message; returns its client id. Resent after reconnects until acked.
  std::string send_text_to_user(std::int64_t user, std::string text, std::string client_id = {});
  std::string send_text_to_chat(std::int64_t chat, std::string text, std::string client_id = {});
  // Queues a photo, video, voice note or file uploaded before, with `caption` (may be
  // empty); returns its client id. Acked and resent like a text.
  std::string send_media_to_user(std::int64_t user, MediaRef media, std::string caption = {},
                                 std::string client_id = {});
  std::string send_media_to_chat(std::int64_t chat, MediaRef media, std::string caption = {},
                                 std::string client_id = {});
  // A text answering message `seq` of `chat` (it quotes it); acked like any send.
  std::string reply(std::int64_t chat, std::int64_t seq, std::string text, std::string client_id = {});
  // A copy of message `seq` of `chat` (text and media) sent to a user or a chat; acked.
  std::string forward_to_user(std::int64_t user, std::int64_t chat, std::int64_t seq, std::string client_id = {});
  std::string forward_to_chat(std::int64_t to_chat, std::int64_t chat, std::int64_t seq, std::string client_id = {});
  // Message actions (connection_actions.cc). Each returns the request's client id, answered
  // by on_done (changed = false: nothing changed) or on_error, and resent like a send.
  std::string edit(std::int64_t chat, std::int64_t seq, std::string text);
  // for_everyone: the sender (within 48 h) or an admin; else hidden on this user's devices only.
  std::string delete_message(std::int64_t chat, std::int64_t seq, bool for_everyone);
  std::string react(std::int64_t chat, std::int64_t seq, std::string emoji);  // "" removes this user's
  std::string star(std::int64_t chat, std::int64_t seq, bool starred = true);
  // Chat modes (`change` op `mode`): a temporary chat's messages go once every device has
  // them; disappearing ones after `seconds` (0 off, 86400, 604800, 7776000). Answered by on_done.
  std::string set_temporary(std::int64_t chat, bool temporary);
  std::string set_disappearing(std::int64_t chat, std::int64_t seconds);
  void mark_read(std::int64_t chat, std::int64_t seq);
  void mark_delivered(std::int64_t chat, std::int64_t seq);
  // Presence: the app came to the foreground (true) or went to the background (false).
  void set_foreground(bool foreground);
  // Watch users' presence (kept across reconnects); views arrive in on_presence.
  void subscribe_presence(std::vector<std::int64_t> users);
  void unsubscribe_presence(std::vector<std::int64_t> users);
  void set_typing(std::int64_t chat, bool typing);
  // Sets the fields of `change` that are not empty; with none, asks for the current settings.
  // Answer: on_privacy, with every setting.
  void privacy(const PrivacySettings& change);
  // The same for last_seen only: "everyone" | "contacts" | "nobody", or empty to ask.
  void privacy(std::string last_seen = {}) { privacy(PrivacySettings{.last_seen = std::move(last_seen)}); }
  // Groups and rooms. Each returns the request's client id, which names its on_done (or
  // on_error); like sends, requests are resent after reconnects until answered.
  // kind: "group" | "room". Extra fields (avatar, members_can_add, everyone_posts) go in `extra`.
  std::string create_chat(std::string kind, std::string name, std::vector<std::int64_t> members,
                          boost::json::object extra = {});
  // op: add | remove | promote | demote | leave | rename | avatar | settings; `extra` holds
  // name / avatar / members_can_add / everyone_posts as the op needs.
  std::string change_chat(std::int64_t chat, std::string op, std::vector<std::int64_t> users = {},
                          boost::json::object extra = {});
  std::string join_room(std::int64_t chat);
  std::string join_room_by_invite(std::string invite);
  std::string leave_chat(std::int64_t chat);
  void chat_info(std::int64_t chat);
  void receipts(std::int64_t chat, std::int64_t seq);
  void views(std::int64_t chat, std::vector<std::int64_t> seqs);
  // Sends a frame as is (tests).
  void send_raw(std::string frame);

  // Valid on the io thread only.
  std::int64_t position() const { return position_; }
  std::size_t unacked() const { return pending_.size(); }
  // Unacked sends, readable from any thread (approximate while traffic flows).
  std::size_t unacked_hint() const { return unacked_atomic_.load(std::memory_order_relaxed); }
  boost::asio::io_context& executor_context() { return ioc_; }
  bool connected() const { return connected_; }
  std::int64_t user() const { return user_; }

 private:
  struct Impl;
  Connection(boost::asio::io_context& ioc, Options options, Handlers handlers);
  std::string queue_send(std::string target_field, std::int64_t target, std::string text, const MediaRef* media,
                         std::string client_id, std::int64_t reply_to = 0);
  std::string queue_action(const char* type, std::int64_t chat, std::int64_t seq, boost::json::object fields);
  std::uint64_t generation() const;  // the current connection's number (Impl's)
  // Queues a frame with a client id until acked/done; resent after reconnects.
  std::string queue_request(boost::json::object frame, std::string client_id = {});
  void settle(const std::string& id);
  // A question (no client id): written now, or once connected.
  void ask(std::string frame);
  void dispatch(const std::string& text);
  void write(std::string frame);
  void schedule_flush();
  void flush_acks();
  void close_now();
  void heartbeat_loop(std::uint64_t generation);
  void write_presence_frames(const char* type, const std::vector<std::int64_t>& users);

  boost::asio::io_context& ioc_;
  Options opt_;
  Handlers h_;
  std::unique_ptr<Impl> impl_;
  std::int64_t position_ = 0;
  std::int64_t user_ = 0;
  bool connected_ = false;
  bool greeted_ = false;  // this connection's hello came: it has sent the watched users
  bool stopped_ = false;
  bool flush_scheduled_ = false;
  bool room_flush_scheduled_ = false;
  void flush_room_acks();
  std::int64_t acked_position_ = 0;
  std::map<std::int64_t, std::int64_t> delivered_;  // chat -> seq to report
  std::map<std::int64_t, std::int64_t> room_seen_;   // room -> highest seq received
  std::map<std::int64_t, std::int64_t> room_acked_;  // room -> seq reported
  std::uint64_t next_order_ = 0;
  std::map<std::uint64_t, std::string> pending_;    // send order -> resend frame, until acked
  std::unordered_map<std::string, std::uint64_t> pending_ids_;
  std::atomic<std::size_t> unacked_atomic_{0};
  std::vector<std::string> queued_;    // requests made before the connection was up
  std::vector<std::int64_t> watched_;  // presence subscriptions, renewed after reconnects
  std::int64_t heartbeat_ms_ = 5000;   // from hello
  std::string id_prefix_;
  std::uint64_t id_counter_ = 0;
};

}  // namespace parley::client
