// WsSession: the update stream (see ws_session.h).
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
  asio::co_spawn(io().context(), sync_loop(), asio::detached);
}

awaitable<void> WsSession::sync_loop() {
  auto keep = self();  // alive until the loop ends
  const int page = sync_page_ > 0 ? std::min(sync_page_, opt_.sync_page) : opt_.sync_page;
  while (dirty_ && !closing()) {
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
      if (static_cast<int>(updates->size()) < page || closing()) break;
      co_await drained();
    }
  }
  syncing_ = false;
  live_ = true;
  if (reply_synced_ && !closing()) {
    reply_synced_ = false;
    auto head = svc_.chat.log_head(device_->user);
    send(proto::synced_frame(sent_pts_, head ? *head : sent_pts_, truncated_));
    truncated_ = false;
  }
}

awaitable<void> WsSession::drained() {
  while (!closing() && queued_bytes() > low_water_mark_) {
    drain_.expires_at(asio::steady_timer::time_point::max());
    co_await drain_.async_wait(use_nothrow);
  }
}

void WsSession::handle_event(const std::shared_ptr<const BusEvent>& event) {
  if (closing() || !device_) return;
  if (event->kind == BusEvent::Kind::kDeviceRevoked) {
    if (event->device == device_->id) {
      send(proto::error_frame(proto::err::kUnauthorized, "this device was revoked"));
      close(proto::kCloseUnauthorized, "revoked");
    }
    return;
  }
  if (event->kind == BusEvent::Kind::kEphemeral) {
    if (event->frame) send(*event->frame);
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
    send(*event->frame);
    sent_pts_ = event->pts;
    svc_.metrics.updates_pushed++;
    if (event->membership > 0) join_room(event->chat, event->seq);
    else if (event->membership < 0) leave_room(event->chat);
    return;
  }
  request_sync(std::nullopt, false);  // a gap: catch up from the store
}

}  // namespace parley::net
