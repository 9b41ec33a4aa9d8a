// WsSession: one stream per room the device follows (see ws_session.h).
#include "net/ws_session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <set>

#include "net/await.h"
#include "proto/errors.h"

namespace parley::net {

namespace asio = boost::asio;
using asio::awaitable;

awaitable<void> WsSession::open_rooms() {
  // Subscribe first, then read where each room is: a message committed in between
  // arrives live or is caught up (subscribe before reading the store, as for the log).
  auto read = [&chat = svc_.chat, user = device_->user, device = device_->id] { return chat.rooms(user, device); };
  auto rooms = co_await await_on(query_strand_, read);
  if (closing() || !rooms || rooms->empty()) co_return;
  for (const auto& r : *rooms) {
    auto& room = rooms_[r.chat.value];
    room.token = fanout_.follow(r.chat, io(), weak_self());
    room.syncing = true;  // until its position is read: what comes meanwhile is read after
  }
  auto now = co_await await_on(query_strand_, read);
  if (closing()) co_return;
  std::set<std::int64_t> in;
  for (const auto& r : now ? *now : *rooms) {
    in.insert(r.chat.value);
    auto it = rooms_.find(r.chat.value);
    if (it == rooms_.end()) {
      join_room(r.chat, r.position);
      continue;
    }
    auto& room = it->second;
    room.sent = room.acked = room.persisted = r.position;
    room.syncing = false;
    if (r.last_seq > r.position || room.dirty) request_room_sync(r.chat);
  }
  for (const auto& r : *rooms)
    if (!in.count(r.chat.value)) leave_room(r.chat);  // left meanwhile
}

void WsSession::join_room(ChatId room, Seq from) {
  if (closing()) return;
  auto [it, added] = rooms_.try_emplace(room.value);
  if (!added) return;
  it->second.token = fanout_.follow(room, io(), weak_self());
  it->second.sent = it->second.acked = from;
  request_room_sync(room);  // what came between the join and the subscription
}

void WsSession::leave_room(ChatId room) {
  auto it = rooms_.find(room.value);
  if (it == rooms_.end()) return;
  fanout_.unfollow(room, io(), it->second.token);
  rooms_.erase(it);
}

void WsSession::on_room_event(const BusEvent& event) {
  if (closing() || !device_) return;
  auto it = rooms_.find(event.chat.value);
  if (it == rooms_.end()) return;  // not (or no longer) in it
  auto& r = it->second;
  if (event.seq == 0) {  // a message changed (edited, deleted, reacted to): live, no position
    send(event.pieces());
    return;
  }
  if (r.syncing) {
    r.dirty = true;
    return;
  }
  if (event.seq <= r.sent) return;
  if (event.seq == r.sent + 1) {
    send(event.pieces());
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
  asio::co_spawn(io().context(), room_sync_loop(room), asio::detached);
}

awaitable<void> WsSession::room_sync_loop(ChatId room) {
  auto keep = self();  // alive until the loop ends
  const int page = opt_.sync_page;
  auto it = rooms_.find(room.value);
  if (it == rooms_.end()) co_return;
  const std::uint64_t token = it->second.token;  // left and joined again: that entry has its own loop
  auto still_here = [&] {
    it = rooms_.find(room.value);
    return !closing() && it != rooms_.end() && it->second.token == token;
  };
  while (still_here()) {
    if (!it->second.dirty) {
      it->second.syncing = false;
      co_return;
    }
    it->second.dirty = false;
    // Read on the query pool; written here.
    auto read = [&chat = svc_.chat, room, user = device_->user, after = it->second.sent, page] {
      return chat.room_messages(room, user, after, page);
    };
    auto msgs = co_await await_on(query_strand_, read);
    if (!still_here()) co_return;
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
    if (static_cast<int>(msgs->size()) >= page) {
      it->second.dirty = true;  // the log goes on: the next page once the queue has room
      co_await drained();
    }
  }
}

bool WsSession::persist_room_positions(bool force, std::function<void(Status)> done) {
  if (!device_ || rooms_.empty()) return false;
  TimeMs now = svc_.clock.now_ms();
  if (!force && now - rooms_persisted_at_ < 1000) return false;
  std::vector<std::pair<ChatId, Seq>> moved;
  for (auto& [room, r] : rooms_)
    if (r.acked > r.persisted) {
      moved.emplace_back(ChatId(room), r.acked);
      r.persisted = r.acked;
    }
  if (moved.empty()) return false;
  rooms_persisted_at_ = now;
  svc_.chat.room_positions(device_->id, std::move(moved), std::move(done));
  return true;
}

}  // namespace parley::net
