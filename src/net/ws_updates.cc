// WsSession: its side of the update stream (net/update_stream.h): reading the store,
// writing frames, waiting out back-pressure, and the events that are not log entries.
#include "net/ws_session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/await.h"
#include "proto/errors.h"

namespace parley::net {

namespace asio = boost::asio;
using asio::awaitable;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

// One read of a sync, on a query thread.
Result<UpdateStream::Page> read_page(chat::ChatService& chat, UserId user, const UpdateStream::Read& read) {
  UpdateStream::Page page;
  auto updates = chat.updates_after(user, read.after, read.limit);
  if (!updates) return updates.status();
  page.updates = std::move(*updates);
  if (read.bounds) {
    auto head = chat.log_head(user);
    if (!head) return head.status();
    auto tail = chat.log_tail(user);
    if (!tail) return tail.status();
    page.head = *head;
    page.tail = *tail;
  }
  return page;
}

}  // namespace

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
  // One page at a time: read on the query pool (in this session's order), written here,
  // and the next read waits until the queue has room for it.
  while (!closing()) {
    auto read = stream_.next();
    if (!read) break;
    auto read_it = [&chat = svc_.chat, user = device_->user, r = *read] { return read_page(chat, user, r); };
    auto page = co_await await_on(query_strand_, read_it);
    if (closing()) break;
    stream_.on_page(page);
    if (stream_.syncing()) co_await drained();
  }
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
      if (event->device == device_->id) asio::co_spawn(io().context(), recheck_device(false), asio::detached);
      return;
    case BusEvent::Kind::kEphemeral:
      if (event->has_frame()) send(event->pieces());
      return;
    case BusEvent::Kind::kPrivacy:
      asio::co_spawn(io().context(), privacy_changed(true), asio::detached);
      return;
    case BusEvent::Kind::kRelation:  // a block or a saved contact changed what this user sees
      asio::co_spawn(io().context(), privacy_changed(false), asio::detached);
      return;
    case BusEvent::Kind::kResync:
      // The bus was away: a revoke announced meanwhile was lost. Ask the store, then catch up.
      asio::co_spawn(io().context(), recheck_device(true), asio::detached);
      return;
    default:
      break;
  }
  if (stream_.on_live(*event)) asio::co_spawn(io().context(), pump_stream(), asio::detached);
}

awaitable<void> WsSession::recheck_device(bool resync) {
  auto keep = self();
  auto check = [&auth = svc_.auth, d = *device_] { return auth.check_device(d); };
  auto st = co_await await_on(query_strand_, check);
  if (closing()) co_return;
  // After a revoke event any failure ends the session; after a bus outage only a revoke does.
  if (resync ? st.code() == Code::kUnauthorized : !st.ok()) {
    send(proto::error_frame(proto::err::kUnauthorized, "this device was revoked"));
    close(proto::kCloseUnauthorized, "revoked");
    co_return;
  }
  if (!resync) co_return;
  if (stream_.live())
    for (auto& [room, r] : rooms_) request_room_sync(ChatId(room));
  BusEvent ev;
  ev.kind = BusEvent::Kind::kResync;
  if (stream_.on_live(ev)) asio::co_spawn(io().context(), pump_stream(), asio::detached);
}

awaitable<void> WsSession::privacy_changed(bool settings) {
  auto keep = self();
  struct Changed {
    Result<PresenceRecord> mine;
    std::optional<Result<std::vector<presence::View>>> views;
  };
  auto read = [&presence = svc_.presence, user = device_->user, w = watcher_] {
    Changed c{presence.privacy(user), std::nullopt};
    if (w) c.views = presence.refresh(*w);
    return c;
  };
  auto changed = co_await await_on(query_strand_, read);
  if (closing()) co_return;
  if (settings && changed.mine) send(proto::privacy_frame(*changed.mine));
  if (changed.views && *changed.views) send_views(**changed.views);
}

}  // namespace parley::net
