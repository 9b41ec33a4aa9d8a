// A blocking facade over Connection for the CLI and tests: runs its own io thread and
// records every event, so callers can wait for a condition with a timeout.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "parley/connection.h"

namespace parley::client {

struct EventLog {
  std::int64_t user = 0, device = 0;
  std::vector<Message> messages;
  std::vector<Message> changes;  // `changed`: messages as they are now (edited, deleted, ...)
  std::vector<Marked> marks;     // `marked`: this user's stars and hidden messages
  std::vector<Receipt> receipts;
  std::vector<Ack> acks;
  std::vector<Error> errors;
  std::vector<Presence> presence;  // every presence view, in arrival order
  std::vector<Typing> typing;
  std::vector<std::string> privacy;  // last_seen of each privacy frame to this device
  std::vector<PrivacySettings> privacy_settings;  // each privacy frame, whole
  std::vector<UserProfile> profiles;               // `profile` frames: known users' profiles changed
  std::vector<ChatState> chat_states;              // `chat_state` frames: this user's chat settings
  std::vector<ContactChange> contacts;             // `contact` frames
  std::vector<std::vector<std::int64_t>> blocks;   // `blocks` frames: the whole list each time
  std::vector<Done> done;
  std::vector<Membership> memberships;
  std::vector<std::pair<std::string, boost::json::object>> replies;  // chat_info, receipts, views
  std::vector<std::string> frames;  // raw text frames, in arrival order
  std::int64_t pts = 0;  // the highest pts of the updates above: the position to save
  int connects = 0, disconnects = 0, synced = 0;
  bool truncated = false;
};

class Session {
 public:
  // Called on the io thread for each event, after it is logged (CLI printing). Given to the
  // constructor: the connection starts there, and its first frames may come at once.
  struct Callbacks {
    std::function<void(const Message&)> on_message;
    std::function<void(const Message&)> on_changed;
    std::function<void(const Marked&)> on_marked;
    std::function<void(const Receipt&)> on_receipt;
    std::function<void(const Presence&)> on_presence;
    std::function<void(const Typing&)> on_typing;
    std::function<void(const UserProfile&)> on_profile;
    std::function<void(const ChatState&)> on_chat_state;
    std::function<void(const ContactChange&)> on_contact;
    std::function<void(const std::vector<std::int64_t>&)> on_blocks;
  };

  explicit Session(Options options, Callbacks callbacks = {});
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  Connection& connection() { return *conn_; }
  std::string send_to_user(std::int64_t user, std::string text, std::string client_id = {}) {
    return conn_->send_text_to_user(user, std::move(text), std::move(client_id));
  }
  std::string send_to_chat(std::int64_t chat, std::string text, std::string client_id = {}) {
    return conn_->send_text_to_chat(chat, std::move(text), std::move(client_id));
  }
  // A photo, video, voice note or file uploaded before (parley/media.h), with a caption.
  std::string send_media_to_user(std::int64_t user, MediaRef media, std::string caption = {},
                                 std::string client_id = {}) {
    return conn_->send_media_to_user(user, std::move(media), std::move(caption), std::move(client_id));
  }
  std::string send_media_to_chat(std::int64_t chat, MediaRef media, std::string caption = {},
                                 std::string client_id = {}) {
    return conn_->send_media_to_chat(chat, std::move(media), std::move(caption), std::move(client_id));
  }

  // Blocking group and room requests: wait for the answer (done or error) to this id.
  // The Result holds the Done, or the error's code and message.
  struct Outcome {
    std::optional<Done> done;
    std::optional<Error> error;
    bool ok() const { return done.has_value(); }
  };
  Outcome await_request(const std::string& id, int timeout_ms = 10000);
  // The next reply of `type` (chat_info, receipts, views) or error after the call.
  std::optional<boost::json::object> query(const std::function<void(Connection&)>& ask, const std::string& type,
                                           Error* error = nullptr, int timeout_ms = 10000);

  // Waits until pred(log) holds; false on timeout. pred runs under the log's lock.
  bool wait(const std::function<bool(const EventLog&)>& pred, int timeout_ms = 10000);
  EventLog snapshot();
  // Closes the connection and stops the io thread (also done by the destructor).
  void close();
 private:
  template <class F>
  void record(F f) {
    {
      std::lock_guard lk(mu_);
      f(log_);
    }
    cv_.notify_all();
  }

  const Callbacks cb_;  // set before the io thread starts, never changed
  boost::asio::io_context ioc_;
  std::shared_ptr<Connection> conn_;
  std::mutex mu_;  // guards log_
  std::condition_variable cv_;
  EventLog log_;
  std::thread thread_;
  bool closed_ = false;
};

}  // namespace parley::client
