// WsSession: its side of the update stream (net/update_stream.h): reading the store,
// writing frames, waiting out back-pressure, and the events that are not log entries.
#include "net/ws_session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "proto/errors.h"

namespace parley::net {

namespace asio = boost::asio;
using asio::awaitable;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

Result<std::vector<Update>> WsSession::read_after(Pts after, int limit) {
  return svc_.chat.updates_after(device_->user, after, limit);
}
Result<Pts> WsSession::head() { return svc_.chat.log_head(device_->user); }
Result<Pts> WsSession::tail() { return svc_.chat.log_tail(device_->user); }

void WsSession::send_update(const Update& u) {
  send(proto::update_frame(u));
  svc_.metrics.updates_pushed++;
  if (u.kind == UpdateKind::kMembership) joined_or_left(u.membership.member ? 1 : -1, u.membership.chat, u.membership.seq);
}

void WsSession::send_live(const BusEvent& event) {
  send(event.pieces());
  svc_.metrics.updates_pushed++;
  joined_or_left(event.membership, event.chat, event.seq);
}

void WsSession::joined_or_left(int membership, ChatId chat, Seq seq) {
  if (membership > 0) join_room(chat, seq);
  else if (membership < 0) leave_room(chat);
}

void WsSession::send_synced(Pts pts, Pts head, bool truncated) { send(proto::synced_frame(pts, head, truncated)); }

void WsSession::sync_failed() {
  svc_.metrics.store_errors++;
  send(proto::error_frame(proto::err::kUnavailable, "sync failed; send sync again"));
}

bool WsSession::has_room() { return !closing() && queued_bytes() <= low_water_mark_; }

void WsSession::request_sync(std::optional<Pts> rewind, bool reply, int page) {
  if (stream_.request(rewind, reply, page)) asio::co_spawn(io().context(), pump_stream(), asio::detached);
}

awaitable<void> WsSession::pump_stream() {
  auto keep = self();  // alive until the stream is caught up
  while (!closing() && stream_.pump()) co_await drained();
}

awaitable<void> WsSession::drained() {
  while (!has_room() && !closing()) {
    drain_.expires_at(asio::steady_timer::time_point::max());
    co_await drain_.async_wait(use_nothrow);
  }
}

void WsSession::handle_event(const std::shared_ptr<const BusEvent>& event) {
  if (closing() || !device_) return;
  switch (event->kind) {
    case BusEvent::Kind::kDeviceRevoked:
      // The store decides: an event that does not match it (forged on the bus) is ignored;
      // if the store cannot be read, the session ends and the reconnect asks it again.
      if (event->device == device_->id && !svc_.auth.check_device(*device_).ok()) {
        send(proto::error_frame(proto::err::kUnauthorized, "this device was revoked"));
        close(proto::kCloseUnauthorized, "revoked");
      }
      return;
    case BusEvent::Kind::kEphemeral:
      if (event->has_frame()) send(event->pieces());
      return;
    case BusEvent::Kind::kPrivacy:
      if (auto v = svc_.presence.privacy(device_->user)) send(proto::privacy_frame(*v));
      if (watcher_) {
        if (auto views = svc_.presence.refresh(*watcher_)) send_views(*views);
      }
      return;
    case BusEvent::Kind::kResync:
      // The bus was away: a revoke announced meanwhile was lost. Ask the store.
      if (svc_.auth.check_device(*device_).code() == Code::kUnauthorized) {
        send(proto::error_frame(proto::err::kUnauthorized, "this device was revoked"));
        close(proto::kCloseUnauthorized, "revoked");
        return;
      }
      if (stream_.live())
        for (auto& [room, r] : rooms_) request_room_sync(ChatId(room));
      break;
    default:
      break;
  }
  if (stream_.on_live(*event)) asio::co_spawn(io().context(), pump_stream(), asio::detached);
}

}  // namespace parley::net
