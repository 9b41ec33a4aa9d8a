#include "net/ws_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/asio/post.hpp>
#include <boost/beast/http/field.hpp>

#include "auth/phone.h"
#include "net/query_pool.h"
#include "net/session_registry.h"
#include "proto/errors.h"

namespace parley::net {

namespace asio = boost::asio;
namespace http = boost::beast::http;

WsSession::WsSession(asio::ip::tcp::socket socket, IoThread& io, Services& services, const Options& options,
                     SessionRegistry& registry, RoomFanout& rooms, QueryPool& queries)
    : WsConnection(std::move(socket), io, options.max_frame_bytes),
      svc_(services),
      opt_(options),
      registry_(registry),
      fanout_(rooms),
      queries_(queries),
      query_strand_(boost::asio::make_strand(queries.context())),
      drain_(io.context()),
      auth_timer_(io.context()),
      typing_timer_(io.context()),
      idle_timer_(io.context()),
      persist_timer_(io.context()),
      send_rate_(options.send_rate_per_s, options.send_burst),
      typing_rate_(options.typing_rate_per_s, options.typing_burst),
      stream_(*this, options.sync_page) {
  low_water_mark_ = opt_.max_queue_bytes / 4;
  svc_.metrics.connections_open++;
  svc_.metrics.connections_total++;
}

WsSession::~WsSession() {
  svc_.metrics.connections_open--;
  if (device_) svc_.bus.unsubscribe(device_->user, bus_token_);
  for (auto& [room, r] : rooms_) fanout_.unfollow(ChatId(room), io(), r.token);
}

void WsSession::shutdown() {
  asio::post(io().context(), [self = self()] { self->close(proto::kCloseGoingAway, "server shutting down"); });
}

void WsSession::on_bus(UserId, const std::shared_ptr<const BusEvent>& event) { io().hand(Mail{self(), event, {}, {}}); }

void WsSession::reply(std::string frame) { io().hand(Mail{self(), nullptr, std::move(frame), {}}); }

void WsSession::on_mail(const std::shared_ptr<const BusEvent>& event, std::string& frame) {
  if (event) handle_event(event);
  else send(frame);
}

void WsSession::on_presence(const std::vector<presence::View>& views) {
  asio::post(io().context(), [self = self(), views] { self->send_views(views); });
}

void WsSession::send_views(const std::vector<presence::View>& views) {
  for (const auto& v : views) send(proto::presence_frame(v.user, v.visible, v.online, v.last_seen));
}

void WsSession::on_too_big() {
  svc_.metrics.protocol_errors++;
  send(proto::error_frame(proto::err::kFrameTooLarge,
                          "frame is larger than " + std::to_string(opt_.max_frame_bytes) + " bytes"));
  close(proto::kCloseTooBig, "frame too large");
}

void WsSession::on_closed() {
  if (!admitted_net_.empty()) registry_.release_ip(admitted_net_);
  if (admitted_user_ && device_) registry_.release_user(device_->user.value);
  admitted_net_.clear();
  admitted_user_ = false;
  auth_timer_.cancel();
  idle_timer_.cancel();
  typing_timer_.cancel();
  persist_timer_.cancel();
  drain_.cancel();
  persist_position(true);
  persist_room_positions(true);
  if (device_) {
    end_typing(std::nullopt);
    watcher_.reset();
    if (present_) svc_.presence.disconnected(device_->id);
  }
  registry_.remove(this);
}

// Keep-alive, timed from the last bytes read (a pong counts): after half the limit of
// silence the server pings; after the whole limit the peer is gone. The timer wakes at
// those two moments only, so a peer that answers every ping is pinged again every half
// limit and never dropped. `pinged`: this wake sent a ping (so the next one is the drop).
// It is the wake's own decision, not the clock read again here: a pong that lands just
// after a ping makes the next wake fall a hair before half the limit; re-reading the clock
// a moment later once took "half the limit has passed" for "a ping is out", skipped the
// ping and dropped a healthy connection 4 s later.
void WsSession::arm_idle_timer(bool pinged) {
  const auto idle = std::chrono::steady_clock::duration(std::chrono::seconds(opt_.idle_timeout_s));
  const auto heard = last_read();
  idle_timer_.expires_at(heard + (pinged ? idle : idle / 2));
  idle_timer_.async_wait([weak = weak_self(), idle](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->gone()) return;
    auto silent = std::chrono::steady_clock::now() - self->last_read();
    if (silent >= idle) {  // not even a pong: the peer is gone
      spdlog::debug("net: {} silent for {} s; closing", self->remote(), self->opt_.idle_timeout_s);
      return self->abort();
    }
    const bool ping = silent >= idle / 2;
    if (ping) {
      spdlog::debug("net: {} silent for {} ms; ping", self->remote(),
                    std::chrono::duration_cast<std::chrono::milliseconds>(silent).count());
      self->send_ping();
    }
    self->arm_idle_timer(ping);
  });
}

void WsSession::send(const std::array<std::string_view, 3>& frame) {
  if (closing()) return;
  if (queued_bytes() + frame[0].size() + frame[1].size() + frame[2].size() > opt_.max_queue_bytes) {
    svc_.metrics.slow_consumers++;
    spdlog::warn("net: device {} at {} is not reading; cutting it off", device_ ? device_->id.value : 0, remote());
    abort();
    return;
  }
  send_text(frame);
}

void WsSession::protocol_error(std::string_view code, std::string message, std::string id) {
  svc_.metrics.protocol_errors++;
  send(proto::error_frame(code, message, id));
  if (++errors_ >= opt_.max_protocol_errors) {
    send(proto::error_frame(proto::err::kTooManyErrors, "too many bad frames; closing"));
    close(proto::kClosePolicy, "too many errors");
  }
}

bool WsSession::persist_position(bool force, std::function<void(Status)> done) {
  if (!device_ || device_->position <= persisted_position_) return false;
  TimeMs now = svc_.clock.now_ms();
  if (!force && now - persisted_at_ < 1000) {
    // At most one write a second, and the last position of a burst is written when the second
    // is up even if no ack follows: a temporary chat's message goes once every device has it.
    if (!persist_armed_) {
      persist_armed_ = true;
      persist_timer_.expires_after(std::chrono::milliseconds(std::clamp<TimeMs>(1000 - (now - persisted_at_), 1, 1000)));
      persist_timer_.async_wait([weak = weak_self()](boost::system::error_code ec) {
        auto self = weak.lock();
        if (!self) return;
        self->persist_armed_ = false;
        if (!ec && !self->gone()) self->persist_position(true);
      });
    }
    return false;
  }
  persisted_position_ = device_->position;
  persisted_at_ = now;
  svc_.chat.received(device_->id, device_->position, std::move(done));
  return true;
}

void WsSession::on_peer_close(std::function<void()> reply) {
  // A device that closes cleanly has its positions stored before its close is answered,
  // so whatever connects next for it, on any node, resumes after what it acknowledged here.
  struct Wait {
    int left = 1;
    std::function<void()> reply;
  };
  auto wait = std::make_shared<Wait>();
  wait->reply = std::move(reply);
  auto one_done = [self = self(), wait](Status) {
    self->io().hand(Mail{nullptr, nullptr, {}, [wait] {
                           if (--wait->left == 0) wait->reply();
                         }});
  };
  if (persist_position(true, one_done)) ++wait->left;
  if (persist_room_positions(true, one_done)) ++wait->left;
  if (--wait->left == 0) wait->reply();
}

void WsSession::on_queued(std::int64_t delta) {
  if (!registry_.queued(delta) || delta <= 0 || !registry_.begin_shedding()) return;
  // Over the node's output budget (server.max_output_bytes): cut off the slowest readers,
  // those with the most waiting, until the total is back under 90 % of it. Each is closed
  // on its own io thread; the next round may start once they all are.
  auto sessions = registry_.snapshot();
  std::sort(sessions.begin(), sessions.end(),
            [](const auto& a, const auto& b) { return a->queued_reported() > b->queued_reported(); });
  std::int64_t excess = registry_.queued_total() - registry_.max_output_bytes() / 10 * 9;
  std::vector<std::shared_ptr<WsSession>> cut;
  for (auto& s : sessions) {
    if (excess <= 0 || s->queued_reported() == 0) break;
    excess -= static_cast<std::int64_t>(s->queued_reported());
    cut.push_back(s);
  }
  if (cut.empty()) return registry_.end_shedding();
  auto left = std::make_shared<std::atomic<std::size_t>>(cut.size());
  for (auto& s : cut)
    asio::post(s->io().context(), [s, left] {
      s->shed();
      if (--*left == 0) s->registry_.end_shedding();
    });
}

void WsSession::shed() {
  if (gone()) return;
  svc_.metrics.slow_consumers++;
  spdlog::warn("net: device {} at {} holds {} bytes of the node's output budget; cutting it off",
               device_ ? device_->id.value : 0, remote(), queued_bytes());
  abort();
}

bool WsSession::query_allowed() {
  TimeMs wait = registry_.take_query(device_->user.value);
  if (!wait) return true;
  svc_.metrics.rate_limited++;
  send(proto::error_frame(proto::err::kRateLimited, "too many queries; slow down", {}, wait));
  return false;
}

}  // namespace parley::net
