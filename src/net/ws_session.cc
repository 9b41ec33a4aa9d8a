#include "net/ws_session.h"

#include <spdlog/spdlog.h>

#include <unordered_set>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net/session_registry.h"
#include "proto/errors.h"

namespace parley::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::awaitable;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

WsSession::WsSession(beast::tcp_stream stream, Services& services, const Options& options,
                     SessionRegistry& registry, RoomFanout& rooms)
    : ws_(std::move(stream)),
      svc_(services),
      opt_(options),
      registry_(registry),
      fanout_(rooms),
      ctx_(static_cast<asio::io_context&>(asio::query(ws_.get_executor(), asio::execution::context))),
      wake_(ws_.get_executor()),
      drain_(ws_.get_executor()),
      auth_timer_(ws_.get_executor()),
      typing_timer_(ws_.get_executor()),
      idle_timer_(ws_.get_executor()),
      send_rate_(options.send_rate_per_s, options.send_burst),
      typing_rate_(options.typing_rate_per_s, options.typing_burst) {
  svc_.metrics.connections_open++;
  svc_.metrics.connections_total++;
}

WsSession::~WsSession() {
  svc_.metrics.connections_open--;
  if (device_) svc_.bus.unsubscribe(device_->user, bus_token_);
  for (auto& [room, r] : rooms_) fanout_.unfollow(ChatId(room), ctx_, r.token);
}

void WsSession::start(Request request) {
  registry_.add(this, weak_from_this());
  asio::co_spawn(ws_.get_executor(), run(std::move(request)), asio::detached);
}

void WsSession::shutdown() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    self->close_with(proto::kCloseGoingAway, "server shutting down");
  });
}

void WsSession::on_bus(UserId, const std::shared_ptr<const BusEvent>& event) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), event] { self->handle_event(event); });
}

void WsSession::on_presence(const std::vector<presence::View>& views) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), views] { self->send_views(views); });
}

void WsSession::send_views(const std::vector<presence::View>& views) {
  for (const auto& v : views) send(proto::presence_frame(v.user, v.visible, v.online, v.last_seen));
}

awaitable<void> WsSession::run(Request request) {
  auto self = shared_from_this();
  beast::error_code ec;
  remote_ = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec).address().to_string();
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  // Idle detection is ours (arm_idle_timer): Beast's re-arms a timer on every read, which
  // is most of the cost of a heartbeat frame when thousands of devices heartbeat.
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  ws_.control_callback([this](websocket::frame_type, beast::string_view) { last_read_ = std::chrono::steady_clock::now(); });
  ws_.read_message_max(0);  // the read loop enforces max_frame_bytes itself, with an error frame
  ws_.write_buffer_bytes(1024);  // small frames dominate; keeps idle connections light
  ws_.auto_fragment(false);

  std::string header_token;
  if (auto auth = request[beast::http::field::authorization]; auth.starts_with("Bearer "))
    header_token = std::string(auth.substr(7));

  auto [aec] = co_await ws_.async_accept(request, use_nothrow);
  request = {};  // this frame lives as long as the connection: keep no headers
  if (aec) {
    registry_.remove(this);
    co_return;
  }
  asio::co_spawn(ws_.get_executor(), write_loop(), asio::detached);
  last_read_ = std::chrono::steady_clock::now();
  arm_idle_timer();

  if (!header_token.empty()) {
    authenticate(header_token);
    std::string().swap(header_token);  // the coroutine frame outlives this: free the copy
  } else {
    auth_timer_.expires_after(std::chrono::milliseconds(opt_.auth_timeout_ms));
    auth_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      auto s = weak.lock();
      if (ec || !s || s->device_ || s->closed_) return;
      s->send(proto::error_frame(proto::err::kNotAuthenticated, "no auth frame in time"));
      s->close_with(proto::kCloseUnauthorized, "auth timeout");
    });
  }
  co_await read_loop();
  if (!close_code_) {  // the peer went away or the read failed: nothing more to write
    closed_ = true;
    wake_writer();
  }  // else write_loop flushes the queue and sends the close frame
  auth_timer_.cancel();
  idle_timer_.cancel();
  drain_.cancel();
  persist_position(true);
  persist_room_positions(true);
  if (device_) {
    end_typing(std::nullopt);
    watcher_.reset();
    svc_.presence.disconnected(device_->id);
  }
  registry_.remove(this);
}

void WsSession::persist_position(bool force) {
  if (!device_ || device_->position <= persisted_position_) return;
  TimeMs now = svc_.clock.now_ms();
  if (!force && now - persisted_at_ < 1000) return;
  persisted_position_ = device_->position;
  persisted_at_ = now;
  svc_.chat.received(device_->id, device_->position);
}

awaitable<void> WsSession::read_loop() {
  beast::flat_buffer buf;
  while (!closed_ && !close_code_) {
    bool too_big = false;
    do {
      auto [ec, n] = co_await ws_.async_read_some(buf, 4096, use_nothrow);
      if (ec) co_return;
      last_read_ = std::chrono::steady_clock::now();
      if (buf.size() > opt_.max_frame_bytes) too_big = true;
    } while (!too_big && !ws_.is_message_done());
    if (too_big) {
      svc_.metrics.protocol_errors++;
      send(proto::error_frame(proto::err::kFrameTooLarge,
                              "frame is larger than " + std::to_string(opt_.max_frame_bytes) + " bytes"));
      close_with(proto::kCloseTooBig, "frame too large");
      co_return;
    }
    if (!ws_.got_text() && !device_) {
      send(proto::error_frame(proto::err::kNotAuthenticated, "the first frame must be auth"));
      close_with(proto::kCloseUnauthorized, "not authenticated");
    } else if (!ws_.got_text()) {
      protocol_error(proto::err::kBadFrame, "binary frames are not supported; send JSON text");
    } else {
      std::string_view text(static_cast<const char*>(buf.data().data()), buf.size());
      handle(text);
    }
    buf.consume(buf.size());
    if (buf.capacity() > 4096) buf.shrink_to_fit();  // idle connections keep no large buffer
  }
}

awaitable<void> WsSession::write_loop() {
  auto self = shared_from_this();
  for (;;) {
    if (out_head_ < out_.size() && !closed_) {
      Frame f = out_[out_head_];
      auto [ec, n] = co_await ws_.async_write(asio::buffer(*f), use_nothrow);
      out_[out_head_++].reset();
      if (out_head_ == out_.size()) {  // drained: reuse the vector; give back a large one
        out_.clear();
        out_head_ = 0;
        if (out_.capacity() > 64) out_.shrink_to_fit();
      }
      out_bytes_ -= f->size();
      if (ec) {
        closed_ = true;
        break;
      }
      if (out_bytes_ <= opt_.max_queue_bytes / 4) drain_.cancel();
      continue;
    }
    if (close_code_ && !closed_ && ping_outstanding_) {  // Beast: no close while a ping is in flight
      wake_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_.async_wait(use_nothrow);
      continue;
    }
    if (close_code_ && !closed_) {
      websocket::close_reason reason(static_cast<websocket::close_code>(*close_code_), close_reason_);
      co_await ws_.async_close(reason, use_nothrow);
      closed_ = true;
      break;
    }
    if (closed_) break;
    wake_.expires_at(asio::steady_timer::time_point::max());
    co_await wake_.async_wait(use_nothrow);
  }
  out_.clear();
  out_head_ = 0;
  out_bytes_ = 0;
  drain_.cancel();
}

void WsSession::wake_writer() { wake_.cancel(); }

void WsSession::arm_idle_timer() {
  const auto idle = std::chrono::seconds(opt_.idle_timeout_s);
  idle_timer_.expires_after(idle / 2);
  idle_timer_.async_wait([weak = weak_from_this(), idle](beast::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->closed_) return;
    auto silent = std::chrono::steady_clock::now() - self->last_read_;
    if (silent >= idle) {  // not even a pong: the peer is gone
      spdlog::debug("net: {} silent for {} s; closing", self->remote_, self->opt_.idle_timeout_s);
      return self->abort();
    }
    if (silent >= idle / 2 && !self->ping_outstanding_ && !self->close_code_) {
      self->ping_outstanding_ = true;
      self->ws_.async_ping({}, [self](beast::error_code) {
        self->ping_outstanding_ = false;
        self->wake_writer();  // a close may be waiting for the ping
      });
    }
    self->arm_idle_timer();
  });
}

void WsSession::enqueue(Frame frame) {
  if (closed_) return;
  if (out_bytes_ + frame->size() > opt_.max_queue_bytes) {
    svc_.metrics.slow_consumers++;
    spdlog::warn("net: device {} at {} is not reading; cutting it off",
                 device_ ? device_->id.value : 0, remote_);
    abort();
    return;
  }
  out_bytes_ += frame->size();
  out_.push_back(std::move(frame));
  if (out_.size() - out_head_ == 1) wake_writer();
}

void WsSession::send(std::string frame) { enqueue(std::make_shared<const std::string>(std::move(frame))); }

void WsSession::close_with(int code, std::string reason) {
  if (close_code_ || closed_) return;
  close_code_ = code;
  close_reason_ = std::move(reason);
  wake_writer();
}

void WsSession::abort() {
  closed_ = true;
  beast::error_code ec;
  beast::get_lowest_layer(ws_).socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  beast::get_lowest_layer(ws_).socket().close(ec);
  wake_writer();
  drain_.cancel();
}

void WsSession::protocol_error(std::string_view code, std::string message, std::string id) {
  svc_.metrics.protocol_errors++;
  send(proto::error_frame(code, message, id));
  if (++errors_ >= opt_.max_protocol_errors) {
    send(proto::error_frame(proto::err::kTooManyErrors, "too many bad frames; closing"));
    close_with(proto::kClosePolicy, "too many errors");
  }
}

bool WsSession::authenticate(const std::string& token) {
  auto dev = svc_.auth.authenticate(token);
  if (!dev) {
    svc_.metrics.auth_failures++;
    send(proto::error_frame(dev.status().code() == Code::kUnauthorized ? proto::err::kUnauthorized
                                                                       : proto::wire_code(dev.status().code()),
                            dev.status().message()));
    close_with(proto::kCloseUnauthorized, "unauthorized");
    return false;
  }
  device_ = *dev;
  persisted_position_ = device_->position;
  auth_timer_.cancel();
  bus_token_ = svc_.bus.subscribe(device_->user, weak_from_this());
  svc_.presence.connected(device_->id, device_->user);
  auto head = svc_.chat.log_head(device_->user);
  const auto& po = svc_.presence.options();
  proto::Hello h{device_->user,       device_->id,     head ? *head : 0,      device_->position,
                 svc_.clock.now_ms(), po.heartbeat_ms, po.online_threshold_ms, po.typing_timeout_ms};
  send(proto::hello_frame(h, opt_.limits));
  open_rooms();
  spdlog::debug("net: device {} of user {} connected from {}", device_->id.value, device_->user.value, remote_);
  return true;
}

void WsSession::handle(std::string_view text) {
  auto parsed = proto::parse_client_frame(text, opt_.limits);
  if (auto* e = std::get_if<proto::FrameError>(&parsed)) {
    if (!device_) {
      send(proto::error_frame(e->code, e->message, e->id));
      send(proto::error_frame(proto::err::kNotAuthenticated, "the first frame must be auth"));
      close_with(proto::kCloseUnauthorized, "not authenticated");
      return;
    }
    return protocol_error(e->code, std::move(e->message), std::move(e->id));
  }
  auto& frame = std::get<proto::ClientFrame>(parsed);
  if (!device_) {
    if (auto* a = std::get_if<proto::AuthFrame>(&frame)) {
      authenticate(a->token);
      return;
    }
    send(proto::error_frame(proto::err::kNotAuthenticated, "the first frame must be auth"));
    close_with(proto::kCloseUnauthorized, "not authenticated");
    return;
  }
  std::visit(
      [&](auto& f) {
        using T = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<T, proto::AuthFrame>) {
          protocol_error(proto::err::kBadFrame, "already authenticated");
        } else if constexpr (std::is_same_v<T, proto::SendFrame>) {
          if (!f.background) svc_.presence.activity(device_->id, true);
          on_send(f);
        } else if constexpr (std::is_same_v<T, proto::SyncFrame>) {
          request_sync(f.after.value_or(std::max(device_->position, Pts(0))), true, f.limit);
        } else if constexpr (std::is_same_v<T, proto::ReceivedFrame>) {
          if (f.chat) {
            auto it = rooms_.find(f.chat->value);
            if (it == rooms_.end()) return;  // left meanwhile, or never in: nothing to keep
            it->second.acked = std::max(it->second.acked, std::min(f.seq, it->second.sent));
            persist_room_positions(false);
            return;
          }
          Pts pts = std::min(f.pts, sent_pts_);
          if (pts > device_->position) {
            device_->position = pts;
            persist_position(false);
          }
        } else if constexpr (std::is_same_v<T, proto::ReceiptFrame>) {
          if (f.read && !f.background) svc_.presence.activity(device_->id, true);
          svc_.chat.report(device_->user, f.chat, f.read ? 0 : f.seq, f.read ? f.seq : 0,
                           [self = shared_from_this(), chat = f.chat](Status st) {
                             if (st.ok()) return;
                             asio::post(self->ws_.get_executor(), [self, st, chat] {
                               self->send(proto::error_frame(proto::wire_code(st.code()),
                                                             st.message() + " (chat " + std::to_string(chat.value) + ")"));
                             });
                           });
        } else if constexpr (std::is_same_v<T, proto::PingFrame>) {
          send(proto::pong_frame(svc_.clock.now_ms()));
        } else if constexpr (std::is_same_v<T, proto::HeartbeatFrame>) {
          svc_.metrics.presence_heartbeats++;
          svc_.presence.activity(device_->id, f.active);
        } else if constexpr (std::is_same_v<T, proto::TypingFrame>) {
          on_typing(f);
        } else if constexpr (std::is_same_v<T, proto::PresenceFrame>) {
          on_presence_frame(f);
        } else if constexpr (std::is_same_v<T, proto::PrivacyFrame>) {
          on_privacy(f);
        } else if constexpr (std::is_same_v<T, proto::CreateFrame>) {
          svc_.presence.activity(device_->id, true);
          on_create(f);
        } else if constexpr (std::is_same_v<T, proto::ChangeFrame>) {
          svc_.presence.activity(device_->id, true);
          on_change(f);
        } else if constexpr (std::is_same_v<T, proto::ChatInfoFrame> || std::is_same_v<T, proto::ReceiptsFrame> ||
                             std::is_same_v<T, proto::ViewsFrame>) {
          on_chat_query(frame);
        } else {
          static_assert(std::is_same_v<T, proto::HeartbeatFrame>, "every client frame needs a handler");
        }
      },
      frame);
}

bool WsSession::over_send_rate(const std::string& id) {
  TimeMs wait = send_rate_.take(svc_.clock.now_ms());
  if (!wait) return false;
  svc_.metrics.rate_limited++;
  send(proto::error_frame(proto::err::kRateLimited, "sending too fast", id, wait));
  return true;
}

void WsSession::on_send(const proto::SendFrame& f) {
  if (over_send_rate(f.id)) return;
  if (f.chat) end_typing(*f.chat);  // the message ends the typing that led to it
  NewMessage m{device_->user, device_->id, f.id, f.to, f.chat, f.text};
  svc_.chat.send(std::move(m), [self = shared_from_this(), id = f.id](Result<AppendResult> r) {
    std::string frame;
    if (r) {
      (r->duplicate ? self->svc_.metrics.messages_duplicate : self->svc_.metrics.messages_sent)++;
      frame = proto::ack_frame(r->message, r->duplicate);
    } else {
      // Store or bus down: tell the client when to resend (same id, so never twice).
      std::optional<std::int64_t> retry;
      if (r.status().code() == Code::kUnavailable) {
        self->svc_.metrics.store_errors++;
        retry = 500;
      }
      frame = proto::error_frame(proto::wire_code(r.status().code()), r.status().message(), id, retry);
    }
    asio::post(self->ws_.get_executor(), [self, frame = std::move(frame)]() mutable { self->send(std::move(frame)); });
  });
}

void WsSession::on_typing(const proto::TypingFrame& f) {
  if (TimeMs wait = typing_rate_.take(svc_.clock.now_ms())) {
    svc_.metrics.rate_limited++;
    send(proto::error_frame(proto::err::kRateLimited, "typing frames too fast", {}, wait));
    return;
  }
  auto it = typing_.find(f.chat.value);
  if (!f.typing && it == typing_.end()) return;  // nothing to stop
  if (Status st = svc_.presence.typing(device_->user, f.chat, f.typing); !st.ok()) {
    send(proto::error_frame(proto::wire_code(st.code()), st.message() + " (chat " + std::to_string(f.chat.value) + ")"));
    return;
  }
  if (!f.typing) {
    typing_.erase(it);
    return;
  }
  svc_.presence.activity(device_->id, true);
  typing_[f.chat.value] = svc_.clock.now_ms() + svc_.presence.options().typing_timeout_ms;
  arm_typing_timer();
}

void WsSession::arm_typing_timer() {
  if (typing_.empty()) return;
  TimeMs next = INT64_MAX;
  for (const auto& [chat, at] : typing_) next = std::min(next, at);
  typing_timer_.expires_after(std::chrono::milliseconds(std::max<TimeMs>(0, next - svc_.clock.now_ms())));
  typing_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || !self->device_) return;
    TimeMs now = self->svc_.clock.now_ms();
    for (auto it = self->typing_.begin(); it != self->typing_.end();) {
      if (it->second <= now) {
        (void)self->svc_.presence.typing(self->device_->user, ChatId(it->first), false);
        it = self->typing_.erase(it);
      } else {
        ++it;
      }
    }
    self->arm_typing_timer();
  });
}

void WsSession::end_typing(std::optional<ChatId> only) {
  for (auto it = typing_.begin(); it != typing_.end();) {
    if (!only || it->first == only->value) {
      (void)svc_.presence.typing(device_->user, ChatId(it->first), false);
      it = typing_.erase(it);
    } else {
      ++it;
    }
  }
  if (typing_.empty()) typing_timer_.cancel();
}

void WsSession::on_presence_frame(const proto::PresenceFrame& f) {
  if (f.unsubscribe) {
    if (watcher_) svc_.presence.unwatch(*watcher_, f.users);
    return;
  }
  if (!watcher_) watcher_ = svc_.presence.open_watcher(device_->user, weak_from_this());
  auto views = svc_.presence.watch(*watcher_, f.users);
  if (!views) {
    send(proto::error_frame(proto::wire_code(views.status().code()), views.status().message()));
    return;
  }
  send_views(*views);
  std::unordered_set<std::int64_t> answered;  // asked for, but no such user: say so rather than stay silent
  for (const auto& v : *views) answered.insert(v.user.value);
  std::string unknown;
  for (UserId u : f.users)
    if (answered.insert(u.value).second) unknown += " " + std::to_string(u.value) + ",";
  if (!unknown.empty()) {
    unknown.pop_back();
    send(proto::error_frame(proto::err::kNoSuchUser, "no such user:" + unknown));
  }
}

void WsSession::on_privacy(const proto::PrivacyFrame& f) {
  if (!f.last_seen) {
    auto v = svc_.presence.privacy(device_->user);
    if (!v) send(proto::error_frame(proto::wire_code(v.status().code()), v.status().message()));
    else send(proto::privacy_frame(*v));
    return;
  }
  // The new setting comes back as a privacy frame to every device of the user (kPrivacy).
  svc_.presence.set_privacy(device_->user, *f.last_seen, [self = shared_from_this()](Status st) {
    if (st.ok()) return;
    asio::post(self->ws_.get_executor(), [self, st] {
      self->send(proto::error_frame(proto::wire_code(st.code()), st.message()));
    });
  });
}

void WsSession::request_sync(std::optional<Pts> rewind, bool reply, int page) {
  if (page > 0) sync_page_ = page;
  if (rewind) {
    auto head = svc_.chat.log_head(device_->user);
    sent_pts_ = std::clamp(*rewind, Pts(0), head ? *head : *rewind);  // an `after` past the head means the head
    auto tail = svc_.chat.log_tail(device_->user);
    truncated_ = tail && sent_pts_ + 1 < *tail;
  }
  reply_synced_ = reply_synced_ || reply;
  dirty_ = true;
  if (syncing_) return;
  syncing_ = true;
  asio::co_spawn(ws_.get_executor(), sync_loop(), asio::detached);
}

awaitable<void> WsSession::sync_loop() {
  auto self = shared_from_this();
  const int page = sync_page_ > 0 ? std::min(sync_page_, opt_.sync_page) : opt_.sync_page;
  while (dirty_ && !closed_) {
    dirty_ = false;
    for (;;) {
      auto updates = svc_.chat.updates_after(device_->user, sent_pts_, page);
      if (!updates) {
        svc_.metrics.store_errors++;
        send(proto::error_frame(proto::err::kUnavailable, "sync failed; send sync again"));
        reply_synced_ = false;
        break;
      }
      for (const auto& u : *updates) {
        if (u.pts <= sent_pts_) continue;
        send(proto::update_frame(u));
        sent_pts_ = u.pts;
        if (u.kind == UpdateKind::kMembership) {
          if (u.membership.member) join_room(u.membership.chat, u.membership.seq);
          else leave_room(u.membership.chat);
        }
      }
      svc_.metrics.updates_pushed += updates->size();
      if (static_cast<int>(updates->size()) < page || closed_) break;
      co_await drained();
    }
  }
  syncing_ = false;
  live_ = true;
  if (reply_synced_ && !closed_) {
    reply_synced_ = false;
    auto head = svc_.chat.log_head(device_->user);
    send(proto::synced_frame(sent_pts_, head ? *head : sent_pts_, truncated_));
    truncated_ = false;
  }
}

awaitable<void> WsSession::drained() {
  while (!closed_ && out_bytes_ > opt_.max_queue_bytes / 4) {
    drain_.expires_at(asio::steady_timer::time_point::max());
    co_await drain_.async_wait(use_nothrow);
  }
}

void WsSession::handle_event(const std::shared_ptr<const BusEvent>& event) {
  if (closed_ || !device_) return;
  if (event->kind == BusEvent::Kind::kDeviceRevoked) {
    if (event->device == device_->id) {
      send(proto::error_frame(proto::err::kUnauthorized, "this device was revoked"));
      close_with(proto::kCloseUnauthorized, "revoked");
    }
    return;
  }
  if (event->kind == BusEvent::Kind::kEphemeral) {
    if (event->frame) enqueue(event->frame);
    return;
  }
  if (event->kind == BusEvent::Kind::kPrivacy) {
    auto v = svc_.presence.privacy(device_->user);
    if (v) send(proto::privacy_frame(*v));
    if (watcher_) {
      if (auto views = svc_.presence.refresh(*watcher_)) send_views(*views);
    }
    return;
  }
  if (syncing_) {
    dirty_ = true;
    return;
  }
  if (!live_) {
    spdlog::debug("net: device {} not live yet; pts {} left to its first sync", device_->id.value, event->pts);
    return;
  }
  if (event->kind == BusEvent::Kind::kResync) {
    for (auto& [room, r] : rooms_) request_room_sync(ChatId(room));
    return request_sync(std::nullopt, false);
  }
  if (event->pts <= sent_pts_) return;
  if (event->pts == sent_pts_ + 1) {
    enqueue(event->frame);
    sent_pts_ = event->pts;
    svc_.metrics.updates_pushed++;
    if (event->membership > 0) join_room(event->chat, event->seq);
    else if (event->membership < 0) leave_room(event->chat);
    return;
  }
  request_sync(std::nullopt, false);  // a gap: catch up from the store
}

// ---------------------------------------------------------------- groups and rooms

void WsSession::reply_done(const std::string& id, const Result<ChangeResult>& r) {
  std::string frame;
  if (r) {
    Seq seq = r->message ? r->message->message.seq : 0;
    bool duplicate = r->message && r->message->duplicate;
    frame = proto::done_frame(id, r->chat, seq, r->changed || duplicate, duplicate);
  } else {
    std::optional<std::int64_t> retry;
    if (r.status().code() == Code::kUnavailable) retry = 500;
    frame = proto::error_frame(proto::wire_code(r.status().code()), r.status().message(), id, retry);
  }
  asio::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame)]() mutable {
    self->send(std::move(frame));
  });
}

void WsSession::on_create(const proto::CreateFrame& f) {
  if (over_send_rate(f.id)) return;
  NewChat c;
  c.creator = device_->user;
  c.device = device_->id;
  c.client_id = f.id;
  c.kind = f.kind;
  c.settings = f.settings;
  c.members = f.members;
  svc_.chat.create(std::move(c), [self = shared_from_this(), id = f.id](Result<ChangeResult> r) { self->reply_done(id, r); });
}

void WsSession::on_change(const proto::ChangeFrame& f) {
  if (over_send_rate(f.id)) return;
  ChatChange c;
  c.actor = device_->user;
  c.device = device_->id;
  c.client_id = f.id;
  c.chat = f.chat;
  c.op = f.op;
  c.users = f.users;
  c.value = f.value;
  c.members_can_add = f.members_can_add;
  c.everyone_posts = f.everyone_posts;
  // Joins and leaves of a room have no system message: the id only names the answer.
  if (c.op == ChangeOp::kJoin) c.client_id.clear();
  svc_.chat.change(std::move(c), [self = shared_from_this(), id = f.id](Result<ChangeResult> r) { self->reply_done(id, r); });
}

void WsSession::on_chat_query(const proto::ClientFrame& frame) {
  auto fail = [&](const Status& st, ChatId chat) {
    send(proto::error_frame(proto::wire_code(st.code()), st.message() + " (chat " + std::to_string(chat.value) + ")"));
  };
  if (auto* f = std::get_if<proto::ChatInfoFrame>(&frame)) {
    auto info = svc_.chat.info(f->chat, device_->user);
    if (!info) return fail(info.status(), f->chat);
    send(proto::chat_info_frame(*info));
  } else if (auto* f = std::get_if<proto::ReceiptsFrame>(&frame)) {
    auto members = svc_.chat.receipts(f->chat, device_->user);
    if (!members) return fail(members.status(), f->chat);
    send(proto::receipts_frame(f->chat, f->seq, *members));
  } else if (auto* f = std::get_if<proto::ViewsFrame>(&frame)) {
    auto counts = svc_.chat.views(f->chat, device_->user, f->seqs);
    if (!counts) return fail(counts.status(), f->chat);
    send(proto::views_frame(f->chat, *counts));
  }
}

void WsSession::open_rooms() {
  // Subscribe first, then read where each room is: a message committed in between
  // arrives live or is caught up (subscribe before reading the store, as for the log).
  auto rooms = svc_.chat.rooms(device_->user, device_->id);
  if (!rooms || rooms->empty()) return;
  for (const auto& r : *rooms) {
    auto& room = rooms_[r.chat.value];
    room.token = fanout_.follow(r.chat, ctx_, weak_from_this());
  }
  auto now = svc_.chat.rooms(device_->user, device_->id);
  for (const auto& r : now ? *now : *rooms) {
    auto it = rooms_.find(r.chat.value);
    if (it == rooms_.end()) {
      join_room(r.chat, r.position);
      continue;
    }
    it->second.sent = it->second.acked = it->second.persisted = r.position;
    if (r.last_seq > r.position) request_room_sync(r.chat);
  }
}

void WsSession::join_room(ChatId room, Seq from) {
  if (closed_) return;
  auto [it, added] = rooms_.try_emplace(room.value);
  if (!added) return;
  it->second.token = fanout_.follow(room, ctx_, weak_from_this());
  it->second.sent = it->second.acked = from;
  request_room_sync(room);  // what came between the join and the subscription
}

void WsSession::leave_room(ChatId room) {
  auto it = rooms_.find(room.value);
  if (it == rooms_.end()) return;
  fanout_.unfollow(room, ctx_, it->second.token);
  rooms_.erase(it);
}

void WsSession::on_room_event(const BusEvent& event) {
  if (closed_ || !device_) return;
  auto it = rooms_.find(event.chat.value);
  if (it == rooms_.end()) return;  // not (or no longer) in it
  auto& r = it->second;
  if (r.syncing) {
    r.dirty = true;
    return;
  }
  if (event.seq <= r.sent) return;
  if (event.seq == r.sent + 1) {
    enqueue(event.frame);
    r.sent = event.seq;
    svc_.metrics.updates_pushed++;
    return;
  }
  request_room_sync(event.chat);  // a gap: catch up from the room's log
}

void WsSession::request_room_sync(ChatId room) {
  auto it = rooms_.find(room.value);
  if (it == rooms_.end()) return;
  it->second.dirty = true;
  if (it->second.syncing) return;
  it->second.syncing = true;
  asio::co_spawn(ws_.get_executor(), room_sync_loop(room), asio::detached);
}

awaitable<void> WsSession::room_sync_loop(ChatId room) {
  auto self = shared_from_this();
  const int page = opt_.sync_page;
  for (;;) {
    auto it = rooms_.find(room.value);
    if (it == rooms_.end() || closed_) co_return;
    if (!it->second.dirty) {
      it->second.syncing = false;
      co_return;
    }
    it->second.dirty = false;
    for (;;) {
      Seq after = it->second.sent;
      auto msgs = svc_.chat.room_messages(room, device_->user, after, page);
      if (!msgs) {
        if (msgs.status().code() != Code::kNotMember) svc_.metrics.store_errors++;
        it->second.syncing = false;
        co_return;  // a later event or reconnect tries again
      }
      for (const auto& m : *msgs) {
        if (m.seq <= it->second.sent) continue;
        send(proto::message_frame(0, m));
        it->second.sent = m.seq;
      }
      svc_.metrics.updates_pushed += msgs->size();
      if (static_cast<int>(msgs->size()) < page || closed_) break;
      co_await drained();
      it = rooms_.find(room.value);
      if (it == rooms_.end()) co_return;
    }
  }
}

void WsSession::persist_room_positions(bool force) {
  if (!device_ || rooms_.empty()) return;
  TimeMs now = svc_.clock.now_ms();
  if (!force && now - rooms_persisted_at_ < 1000) return;
  std::vector<std::pair<ChatId, Seq>> moved;
  for (auto& [room, r] : rooms_)
    if (r.acked > r.persisted) {
      moved.emplace_back(ChatId(room), r.acked);
      r.persisted = r.acked;
    }
  if (moved.empty()) return;
  rooms_persisted_at_ = now;
  svc_.chat.room_positions(device_->id, std::move(moved));
}

}  // namespace parley::net
