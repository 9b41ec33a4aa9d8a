#include "parley/session.h"

#include <boost/asio/executor_work_guard.hpp>

#include <algorithm>

namespace parley::client {

Session::Session(Options options, Callbacks callbacks) : cb_(std::move(callbacks)) {
  Handlers h;
  h.on_hello = [this](std::int64_t user, std::int64_t device, std::int64_t) {
    record([&](EventLog& l) { l.user = user; l.device = device; });
  };
  h.on_message = [this](const Message& m) {
    record([&](EventLog& l) { l.messages.push_back(m); l.pts = std::max(l.pts, m.pts); });
    if (cb_.on_message) cb_.on_message(m);
  };
  h.on_changed = [this](const Message& m) {
    record([&](EventLog& l) { l.changes.push_back(m); l.pts = std::max(l.pts, m.pts); });
    if (cb_.on_changed) cb_.on_changed(m);
  };
  h.on_marked = [this](const Marked& k) {
    record([&](EventLog& l) { l.marks.push_back(k); l.pts = std::max(l.pts, k.pts); });
    if (cb_.on_marked) cb_.on_marked(k);
  };
  h.on_receipt = [this](const Receipt& r) {
    record([&](EventLog& l) { l.receipts.push_back(r); l.pts = std::max(l.pts, r.pts); });
    if (cb_.on_receipt) cb_.on_receipt(r);
  };
  h.on_presence = [this](const Presence& p) {
    record([&](EventLog& l) { l.presence.push_back(p); });
    if (cb_.on_presence) cb_.on_presence(p);
  };
  h.on_typing = [this](const Typing& t) {
    record([&](EventLog& l) { l.typing.push_back(t); });
    if (cb_.on_typing) cb_.on_typing(t);
  };
  h.on_privacy = [this](const PrivacySettings& p) {
    record([&](EventLog& l) { l.privacy.push_back(p.last_seen); l.privacy_settings.push_back(p); });
  };
  h.on_profile = [this](const UserProfile& p) {
    record([&](EventLog& l) { l.profiles.push_back(p); });
    if (cb_.on_profile) cb_.on_profile(p);
  };
  h.on_chat_state = [this](const ChatState& c) {
    record([&](EventLog& l) { l.chat_states.push_back(c); });
    if (cb_.on_chat_state) cb_.on_chat_state(c);
  };
  h.on_contact = [this](const ContactChange& c) {
    record([&](EventLog& l) { l.contacts.push_back(c); });
    if (cb_.on_contact) cb_.on_contact(c);
  };
  h.on_blocks = [this](const std::vector<std::int64_t>& b) {
    record([&](EventLog& l) { l.blocks.push_back(b); });
    if (cb_.on_blocks) cb_.on_blocks(b);
  };
  h.on_ack = [this](const Ack& a) { record([&](EventLog& l) { l.acks.push_back(a); }); };
  h.on_done = [this](const Done& d) { record([&](EventLog& l) { l.done.push_back(d); }); };
  h.on_membership = [this](const Membership& m) {
    record([&](EventLog& l) { l.memberships.push_back(m); l.pts = std::max(l.pts, m.pts); });
  };
  h.on_reply = [this](const std::string& type, const boost::json::object& o) {
    record([&](EventLog& l) { l.replies.emplace_back(type, o); });
  };
  h.on_error = [this](const Error& e) { record([&](EventLog& l) { l.errors.push_back(e); }); };
  h.on_synced = [this](std::int64_t, bool truncated) {
    record([&](EventLog& l) { l.synced++; l.truncated = l.truncated || truncated; });
  };
  h.on_state = [this](bool up) { record([&](EventLog& l) { (up ? l.connects : l.disconnects)++; }); };
  h.on_frame = [this](const std::string& f) { record([&](EventLog& l) { l.frames.push_back(f); }); };
  conn_ = Connection::create(ioc_, std::move(options), std::move(h));
  conn_->start();
  thread_ = std::thread([this] {
    auto guard = boost::asio::make_work_guard(ioc_);
    ioc_.run();
  });
}

Session::~Session() { close(); }

void Session::close() {
  if (closed_) return;
  closed_ = true;
  conn_->stop();
  // Let the close handshake finish (bounded), then stop the loop.
  wait([](const EventLog& l) { return l.disconnects >= l.connects; }, 1000);
  ioc_.stop();
  thread_.join();
}

bool Session::wait(const std::function<bool(const EventLog&)>& pred, int timeout_ms) {
  std::unique_lock lk(mu_);
  return cv_.wait_for(lk, std::chrono::milliseconds(timeout_ms), [&] { return pred(log_); });
}

Session::Outcome Session::await_request(const std::string& id, int timeout_ms) {
  Outcome out;
  wait(
      [&](const EventLog& l) {
        for (const auto& d : l.done)
          if (d.id == id) return out.done = d, true;
        for (const auto& e : l.errors)
          if (e.id == id && e.code != "rate_limited" && e.code != "unavailable") return out.error = e, true;
        return false;
      },
      timeout_ms);
  return out;
}

std::optional<boost::json::object> Session::query(const std::function<void(Connection&)>& ask, const std::string& type,
                                                   Error* error, int timeout_ms) {
  std::size_t replies, errors;
  {
    std::lock_guard lk(mu_);
    replies = log_.replies.size();
    errors = log_.errors.size();
  }
  ask(*conn_);
  std::optional<boost::json::object> out;
  wait(
      [&](const EventLog& l) {
        for (std::size_t i = replies; i < l.replies.size(); ++i)
          if (l.replies[i].first == type) return out = l.replies[i].second, true;
        if (l.errors.size() > errors) {
          if (error) *error = l.errors[errors];
          return true;
        }
        return false;
      },
      timeout_ms);
  return out;
}

EventLog Session::snapshot() {
  std::lock_guard lk(mu_);
  return log_;
}

}  // namespace parley::client
