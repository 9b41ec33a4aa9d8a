#include "parley/connection.h"

#include <openssl/rand.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <algorithm>

namespace parley::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using asio::awaitable;
using asio::ip::tcp;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

struct Connection::Impl {
  explicit Impl(asio::io_context& ioc) : wake(ioc), backoff(ioc) {}
  std::unique_ptr<websocket::stream<beast::tcp_stream>> ws;
  std::deque<std::string> out;
  bool writing = false;
  asio::steady_timer wake;
  asio::steady_timer backoff;
  std::unique_ptr<asio::steady_timer> heartbeat;
  std::uint64_t generation = 0;  // bumps at every (re)connect
};

std::shared_ptr<Connection> Connection::create(asio::io_context& ioc, Options options, Handlers handlers) {
  return std::shared_ptr<Connection>(new Connection(ioc, std::move(options), std::move(handlers)));
}

Connection::Connection(asio::io_context& ioc, Options options, Handlers handlers)
    : ioc_(ioc), opt_(std::move(options)), h_(std::move(handlers)), impl_(std::make_unique<Impl>(ioc)) {
  position_ = acked_position_ = opt_.position;
  unsigned char r[6];
  RAND_bytes(r, sizeof r);
  static const char* hex = "0123456789abcdef";
  for (unsigned char c : r) {
    id_prefix_ += hex[c >> 4];
    id_prefix_ += hex[c & 15];
  }
  id_prefix_ += '-';
}

Connection::~Connection() = default;

void Connection::start() {
  asio::co_spawn(
      ioc_,
      [self = shared_from_this()]() -> awaitable<void> {
        int delay = self->opt_.reconnect_min_ms;
        std::size_t attempt = 0;  // which endpoint connects next
        while (!self->stopped_) {
          auto& impl = *self->impl_;
          ++impl.generation;
          impl.ws = std::make_unique<websocket::stream<beast::tcp_stream>>(self->ioc_);
          auto& ws = *impl.ws;
          const Endpoint& server = attempt == 0 ? self->opt_.server : self->opt_.alternates[attempt - 1];
          attempt = (attempt + 1) % (self->opt_.alternates.size() + 1);
          bool authorized = true;
          bool was_connected = false;
          do {
            tcp::resolver resolver(self->ioc_);
            auto [rec, results] = co_await resolver.async_resolve(server.host, server.port, use_nothrow);
            if (rec) break;
            auto& sock = beast::get_lowest_layer(ws).socket();
            if (!self->opt_.bind_address.empty()) {
              beast::error_code ec;
              sock.open(tcp::v4(), ec);
              sock.set_option(asio::socket_base::reuse_address(true), ec);
              sock.bind(tcp::endpoint(asio::ip::make_address(self->opt_.bind_address), 0), ec);
              if (ec) break;
              auto [cec] = co_await sock.async_connect(*results.begin(), use_nothrow);
              if (cec) break;
            } else {
              auto [cec, ep] = co_await beast::get_lowest_layer(ws).async_connect(results, use_nothrow);
              if (cec) break;
            }
            beast::error_code ec;
            sock.set_option(tcp::no_delay(true), ec);
            beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(10));
            ws.set_option(websocket::stream_base::decorator([token = self->opt_.token](websocket::request_type& req) {
              req.set(beast::http::field::authorization, "Bearer " + token);
            }));
            auto [hec] = co_await ws.async_handshake(server.host, "/v1/ws", use_nothrow);
            if (hec) break;
            beast::get_lowest_layer(ws).expires_never();
            ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
            ws.read_message_max(64 << 20);
            self->connected_ = true;
            self->greeted_ = false;
            was_connected = true;
            impl.out.clear();
            impl.writing = false;
            if (self->opt_.sync_on_connect)
              self->write(json::serialize(json::object{{"type", "sync"}, {"after", self->position_}}));
            for (auto& [order, frame] : self->pending_) self->write(frame);
            if (self->h_.on_state) self->h_.on_state(true);
            beast::flat_buffer buf;
            for (;;) {
              auto [ec2, n] = co_await ws.async_read(buf, use_nothrow);
              if (ec2) {
                if (ws.reason().code == 4001) authorized = false;
                break;
              }
              std::string text = beast::buffers_to_string(buf.data());
              buf.consume(buf.size());
              self->dispatch(text);
            }
          } while (false);
          bool notify = self->connected_ || was_connected;
          self->connected_ = false;
          impl.writing = false;
          impl.out.clear();
          impl.wake.cancel();
          if (notify && self->h_.on_state) self->h_.on_state(false);
          if (!self->opt_.reconnect || !authorized || self->stopped_) break;
          if (was_connected) delay = self->opt_.reconnect_min_ms;
          impl.backoff.expires_after(std::chrono::milliseconds(delay));
          co_await impl.backoff.async_wait(use_nothrow);
          delay = std::min(delay * 2, self->opt_.reconnect_max_ms);
        }
      },
      asio::detached);
}

void Connection::stop() {
  asio::post(ioc_, [self = shared_from_this()] {
    self->stopped_ = true;
    self->impl_->backoff.cancel();
    if (self->impl_->ws && self->connected_) {
      self->flush_acks();
      self->flush_room_acks();
      // Close cleanly once everything queued is written (the write loop closes if busy).
      if (!self->impl_->writing) self->close_now();
    }
  });
}

void Connection::close_now() {
  impl_->ws->async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code ec) {
    if (ec) {
      beast::error_code ignored;
      beast::get_lowest_layer(*self->impl_->ws).socket().close(ignored);
    }
  });
}

void Connection::write(std::string frame) {
  auto& impl = *impl_;
  if (!connected_) return;  // pending sends are replayed on reconnect
  impl.out.push_back(std::move(frame));
  if (impl.writing) return;
  impl.writing = true;
  asio::co_spawn(
      ioc_,
      [self = shared_from_this(), gen = impl.generation]() -> awaitable<void> {
        auto& impl = *self->impl_;
        while (!impl.out.empty() && gen == impl.generation && self->connected_) {
          std::string f = std::move(impl.out.front());
          impl.out.pop_front();
          auto [ec, n] = co_await impl.ws->async_write(asio::buffer(f), use_nothrow);
          if (ec) break;
        }
        if (gen == impl.generation) {
          impl.writing = false;
          if (self->stopped_ && self->connected_) self->close_now();
        }
      },
      asio::detached);
}

std::string Connection::queue_send(std::string field, std::int64_t target, std::string text, const MediaRef* media,
                                   std::string client_id, std::int64_t reply_to) {
  json::object o{{"type", "send"}, {field, target}};
  if (reply_to > 0) o["reply_to"] = reply_to;
  if (media) {
    json::object m{{"id", media->id}};
    if (!media->name.empty()) m["name"] = media->name;
    o["media"] = std::move(m);
  }
  if (!media || !text.empty()) o["text"] = std::move(text);  // with media, the text is an optional caption
  return queue_request(std::move(o), std::move(client_id));
}

std::string Connection::queue_request(json::object o, std::string client_id) {
  if (client_id.empty()) client_id = id_prefix_ + std::to_string(++id_counter_);
  o["id"] = client_id;
  std::string frame = json::serialize(o);
  o["background"] = true;  // resends are the app's doing, not user activity
  std::string resend = json::serialize(o);
  asio::post(ioc_, [self = shared_from_this(), client_id, frame = std::move(frame), resend = std::move(resend)]() mutable {
    if (self->pending_ids_.count(client_id)) return;
    auto order = self->next_order_++;
    self->pending_ids_[client_id] = order;
    self->pending_[order] = std::move(resend);
    self->unacked_atomic_ = self->pending_.size();
    self->write(std::move(frame));
  });
  return client_id;
}

std::string Connection::send_text_to_user(std::int64_t user, std::string text, std::string client_id) {
  return queue_send("to", user, std::move(text), nullptr, std::move(client_id));
}

std::string Connection::send_text_to_chat(std::int64_t chat, std::string text, std::string client_id) {
  return queue_send("chat", chat, std::move(text), nullptr, std::move(client_id));
}

std::string Connection::send_media_to_user(std::int64_t user, MediaRef media, std::string caption,
                                           std::string client_id) {
  return queue_send("to", user, std::move(caption), &media, std::move(client_id));
}

std::string Connection::send_media_to_chat(std::int64_t chat, MediaRef media, std::string caption,
                                           std::string client_id) {
  return queue_send("chat", chat, std::move(caption), &media, std::move(client_id));
}

namespace {
json::array id_list(const std::vector<std::int64_t>& ids) {
  json::array a;
  for (auto id : ids) a.push_back(id);
  return a;
}
}  // namespace

std::string Connection::create_chat(std::string kind, std::string name, std::vector<std::int64_t> members,
                                    json::object extra) {
  extra["type"] = "create";
  extra["kind"] = kind;
  extra["name"] = name;
  extra["members"] = id_list(members);
  return queue_request(std::move(extra));
}

std::string Connection::change_chat(std::int64_t chat, std::string op, std::vector<std::int64_t> users,
                                    json::object extra) {
  extra["type"] = "change";
  extra["chat"] = chat;
  extra["op"] = op;
  if (!users.empty()) extra["users"] = id_list(users);
  return queue_request(std::move(extra));
}

std::string Connection::join_room(std::int64_t chat) { return queue_request(json::object{{"type", "join"}, {"chat", chat}}); }

std::string Connection::join_room_by_invite(std::string invite) {
  return queue_request(json::object{{"type", "join"}, {"invite", invite}});
}

std::string Connection::leave_chat(std::int64_t chat) { return queue_request(json::object{{"type", "leave"}, {"chat", chat}}); }

void Connection::ask(std::string frame) {
  asio::post(ioc_, [self = shared_from_this(), frame = std::move(frame)]() mutable {
    if (self->connected_) self->write(std::move(frame));
    else self->queued_.push_back(std::move(frame));  // sent once connected
  });
}

void Connection::chat_info(std::int64_t chat) { ask(json::serialize(json::object{{"type", "chat_info"}, {"chat", chat}})); }

void Connection::receipts(std::int64_t chat, std::int64_t seq) {
  ask(json::serialize(json::object{{"type", "receipts"}, {"chat", chat}, {"seq", seq}}));
}

void Connection::views(std::int64_t chat, std::vector<std::int64_t> seqs) {
  ask(json::serialize(json::object{{"type", "views"}, {"chat", chat}, {"seqs", id_list(seqs)}}));
}

void Connection::settle(const std::string& id) {
  if (auto it = pending_ids_.find(id); it != pending_ids_.end()) {
    pending_.erase(it->second);
    pending_ids_.erase(it);
    unacked_atomic_ = pending_.size();
  }
}

void Connection::mark_read(std::int64_t chat, std::int64_t seq) {
  asio::post(ioc_, [self = shared_from_this(), chat, seq] {
    self->write(json::serialize(json::object{{"type", "read"}, {"chat", chat}, {"seq", seq}}));
  });
}

void Connection::mark_delivered(std::int64_t chat, std::int64_t seq) {
  asio::post(ioc_, [self = shared_from_this(), chat, seq] {
    self->write(json::serialize(json::object{{"type", "delivered"}, {"chat", chat}, {"seq", seq}}));
  });
}

void Connection::set_foreground(bool foreground) {
  asio::post(ioc_, [self = shared_from_this(), foreground] {
    bool was = self->opt_.foreground;
    self->opt_.foreground = foreground;
    self->write(json::serialize(json::object{{"type", "heartbeat"}, {"active", foreground}}));
    if (foreground && !was && self->connected_) self->heartbeat_loop(self->impl_->generation);
  });
}

void Connection::heartbeat_loop(std::uint64_t generation) {
  auto& impl = *impl_;
  impl.heartbeat = std::make_unique<asio::steady_timer>(ioc_, std::chrono::milliseconds(heartbeat_ms_));
  impl.heartbeat->async_wait([self = shared_from_this(), generation](beast::error_code ec) {
    if (ec || self->stopped_ || !self->opt_.foreground || generation != self->impl_->generation || !self->connected_)
      return;
    self->write(json::serialize(json::object{{"type", "heartbeat"}, {"active", true}}));
    self->heartbeat_loop(generation);
  });
}

void Connection::subscribe_presence(std::vector<std::int64_t> users) {
  asio::post(ioc_, [self = shared_from_this(), users = std::move(users)] {
    for (auto u : users)
      if (std::find(self->watched_.begin(), self->watched_.end(), u) == self->watched_.end())
        self->watched_.push_back(u);
    // Before hello, the hello sends every watched user (once).
    if (self->greeted_) self->write_presence_frames("presence_subscribe", users);
  });
}

void Connection::unsubscribe_presence(std::vector<std::int64_t> users) {
  asio::post(ioc_, [self = shared_from_this(), users = std::move(users)] {
    for (auto u : users) std::erase(self->watched_, u);
    self->write_presence_frames("presence_unsubscribe", users);
  });
}

void Connection::write_presence_frames(const char* type, const std::vector<std::int64_t>& users) {
  constexpr std::size_t kPerFrame = 500;  // the server takes at most 1000 ids per frame
  for (std::size_t i = 0; i < users.size(); i += kPerFrame) {
    json::array ids;
    for (std::size_t k = i; k < std::min(users.size(), i + kPerFrame); ++k) ids.push_back(users[k]);
    write(json::serialize(json::object{{"type", type}, {"users", ids}}));
  }
}

void Connection::set_typing(std::int64_t chat, bool typing) {
  asio::post(ioc_, [self = shared_from_this(), chat, typing] {
    self->write(json::serialize(json::object{{"type", "typing"}, {"chat", chat}, {"typing", typing}}));
  });
}

void Connection::privacy(const PrivacySettings& change) {
  json::object o{{"type", "privacy"}};
  auto set = [&](const char* key, const std::string& value) {
    if (!value.empty()) o[key] = value;
  };
  set("last_seen", change.last_seen);
  set("group_add", change.group_add);
  set("name", change.name);
  set("about", change.about);
  set("photo", change.photo);
  ask(json::serialize(o));
}

void Connection::send_raw(std::string frame) {
  asio::post(ioc_, [self = shared_from_this(), frame = std::move(frame)]() mutable { self->write(std::move(frame)); });
}

void Connection::schedule_flush() {
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  auto t = std::make_shared<asio::steady_timer>(ioc_, std::chrono::milliseconds(opt_.ack_delay_ms));
  t->async_wait([self = shared_from_this(), t](beast::error_code) { self->flush_acks(); });
}

void Connection::flush_acks() {
  flush_scheduled_ = false;
  if (!connected_) return;
  for (auto& [chat, seq] : delivered_)
    write(json::serialize(json::object{{"type", "delivered"}, {"chat", chat}, {"seq", seq}}));
  delivered_.clear();
  if (position_ > acked_position_) {
    acked_position_ = position_;
    write(json::serialize(json::object{{"type", "received"}, {"pts", position_}}));
  }
}

void Connection::flush_room_acks() {
  room_flush_scheduled_ = false;
  if (!connected_) return;
  for (auto& [room, seq] : room_seen_) {
    auto& acked = room_acked_[room];
    if (seq <= acked) continue;
    acked = seq;
    write(json::serialize(json::object{{"type", "received"}, {"chat", room}, {"seq", seq}}));
  }
}

std::uint64_t Connection::generation() const { return impl_->generation; }

}  // namespace parley::client
