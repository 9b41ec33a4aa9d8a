#include "chat/chat_service.h"

#include <algorithm>

#include "model/receipt_times.h"
#include "model/search_text.h"
#include "proto/frames.h"

namespace parley::chat {

void ChatService::announce(const std::vector<Delivery>& deliveries, const std::function<void(BusEvent&)>& fill) {
  for (const auto& d : deliveries) {
    auto ev = std::make_shared<BusEvent>();
    ev->kind = BusEvent::Kind::kUpdate;
    ev->pts = d.pts;
    fill(*ev);
    bus_.publish(d.user, std::move(ev));
  }
}

void ChatService::announce_shared(const std::vector<Delivery>& deliveries, std::string frame, std::size_t pts_at) {
  // Serialised once; each member's event holds it shared, with its own pts put in where
  // the frame is written (BusEvent::pieces).
  auto shared = std::make_shared<const std::string>(std::move(frame));
  announce(deliveries, [&](BusEvent& ev) {
    ev.shared = shared;
    ev.insert_at = pts_at;
    ev.insert = proto::pts_field(ev.pts);
  });
}

void ChatService::publish_room(ChatId room, Seq seq, std::string frame) {
  auto ev = std::make_shared<BusEvent>();
  ev->kind = BusEvent::Kind::kRoom;
  ev->chat = room;
  ev->seq = seq;
  ev->frame = std::move(frame);
  bus_.publish_room(room, std::move(ev));
}

void ChatService::announce_message(const AppendResult& r) {
  const Message& m = r.message;
  if (r.kind == ChatKind::kRoom) publish_room(m.chat, m.seq, proto::message_frame(0, m));
  else announce_shared(r.deliveries, proto::message_frame(0, m), proto::kPtsAt);
  announce(r.all_deliveries,
           [&](BusEvent& ev) { ev.frame = proto::receipt_all_frame(ev.pts, m.chat, r.all_delivered, r.all_read); });
}

void ChatService::announce_changed(const ChangeResult& r) {
  if (r.message && !r.message->duplicate) announce_message(*r.message);
  announce(r.membership, [&](BusEvent& ev) {
    ev.chat = r.chat;
    ev.seq = r.seq;
    ev.membership = r.member ? 1 : -1;
    ev.frame = proto::membership_frame(ev.pts, {r.chat, r.member, r.seq});
  });
}

void ChatService::send(NewMessage message, std::function<void(Result<AppendResult>)> done) {
  // Without the bus, a committed message would reach other nodes' devices only when
  // they next sync: refuse instead, and let the client resend (same client id).
  if (!bus_.available()) return done(Status(Code::kUnavailable, "message bus unavailable; retry"));
  store_.append_message(std::move(message), [this, done = std::move(done)](Result<AppendResult> r) {
    if (r && !r->duplicate) {
      announce_message(*r);
      if (observer_.message) observer_.message(*r);
    }
    done(std::move(r));
  });
}

void ChatService::announce_action(const ActionResult& r) {
  const Message& m = r.message;
  if (r.personal) {
    announce(r.deliveries,
             [&](BusEvent& ev) { ev.frame = proto::marked_frame(ev.pts, m.chat, m.seq, m.starred, r.hidden); });
  } else if (r.kind == ChatKind::kRoom) {
    // Live only (seq 0: not a new post); a device that syncs later reads the message as it is.
    publish_room(m.chat, 0, proto::changed_frame(0, m));
  } else {
    announce_shared(r.deliveries, proto::changed_frame(0, m), proto::kChangedPtsAt);
  }
}

void ChatService::act(MessageAction action, std::function<void(Result<ActionResult>)> done) {
  if (!bus_.available()) return done(Status(Code::kUnavailable, "message bus unavailable; retry"));
  action.edit_window_ms = options_.edit_window_ms;
  action.delete_window_ms = options_.delete_window_ms;
  store_.act_on_message(std::move(action), [this, done = std::move(done)](Result<ActionResult> r) {
    if (r && r->changed) announce_action(*r);
    done(std::move(r));
  });
}

void ChatService::expire_messages(std::function<void(Result<std::size_t>)> done) {
  const TimeMs now = clock_.now_ms();
  const TimeMs undelivered_before = options_.temporary_ttl_ms > 0 ? now - options_.temporary_ttl_ms : 0;
  store_.expire_messages(now, undelivered_before, 500, [this, done = std::move(done)](Result<std::vector<ActionResult>> r) {
    if (!r) return done(r.status());
    for (const auto& a : *r) announce_action(a);
    done(r->size());
  });
}

Result<std::vector<SearchHit>> ChatService::search(UserId user, std::string_view query, std::optional<ChatId> chat,
                                                   int limit, int offset) {
  SearchQuery q{user, search_text::terms(query), chat, limit, offset};
  if (q.terms.empty()) return Status(Code::kInvalid, "the query has no words to search for");
  auto hits = store_.search(q);
  if (hits)
    for (auto& h : *hits) h.snippet = search_text::readable(h.snippet);
  return hits;
}

void ChatService::report(UserId member, ChatId chat, Seq delivered, Seq read,
                         std::function<void(Status)> done) {
  store_.update_receipt(chat, member, delivered, read,
                        [this, done = std::move(done)](Result<ReceiptResult> r) {
                          if (r && r->changed) {
                            const ReceiptState& s = r->state;
                            announce(r->deliveries, [&](BusEvent& ev) { ev.frame = proto::receipt_frame(ev.pts, s); });
                            announce(r->all_deliveries, [&](BusEvent& ev) {
                              ev.frame = proto::receipt_all_frame(ev.pts, s.chat, r->all_delivered, r->all_read);
                            });
                          }
                          done(r.status());
                        });
}

void ChatService::received(DeviceId device, Pts pts, std::function<void(Status)> done) {
  store_.set_device_position(device, pts, [done = std::move(done)](Status st) {
    if (done) done(st);
  });
}

void ChatService::room_positions(DeviceId device, std::vector<std::pair<ChatId, Seq>> positions,
                                 std::function<void(Status)> done) {
  store_.set_room_positions(device, std::move(positions), [done = std::move(done)](Status st) {
    if (done) done(st);
  });
}

Result<ChatInfo> ChatService::info(ChatId chat, UserId viewer) {
  auto info = store_.chat_info(chat, viewer);
  if (info && hidden(*info)) return Status(Code::kNoSuchChat, "no such chat");
  if (!info || info->kind == ChatKind::kRoom) return info;  // room admins stay unnamed to strangers
  std::vector<UserId> users;
  for (const auto& m : info->members) users.push_back(m.user);
  auto visible = store_.phones_visible(viewer, users);
  if (!visible) return visible.status();
  for (auto& m : info->members)
    if (std::find(visible->begin(), visible->end(), m.user) != visible->end())
      if (auto user = store_.find_user(m.user)) m.phone = std::move(user->phone);
  return info;
}

Result<std::vector<ChatSummary>> ChatService::chats(UserId user, bool former) {
  auto list = store_.list_chats(user);
  if (!list) return list;
  if (former) {  // as they were at the removal, among the others by last activity
    auto gone = store_.former_chats(user);
    if (!gone) return gone.status();
    list->insert(list->end(), std::make_move_iterator(gone->begin()), std::make_move_iterator(gone->end()));
    std::stable_sort(list->begin(), list->end(), [](const ChatSummary& a, const ChatSummary& b) {
      return a.last_ts != b.last_ts ? a.last_ts > b.last_ts : a.chat.value > b.chat.value;
    });
  }
  std::vector<UserId> peers;
  for (const auto& c : *list)
    if (c.kind == ChatKind::kDirect) peers.push_back(c.peer);
  auto visible = store_.phones_visible(user, peers);
  if (!visible) return visible.status();
  for (auto& c : *list)
    if (c.kind == ChatKind::kDirect && std::find(visible->begin(), visible->end(), c.peer) == visible->end())
      c.peer_phone.clear();
  return list;
}

Result<std::vector<MemberInfo>> ChatService::receipts(ChatId chat, UserId viewer, Seq seq) {
  auto info = store_.chat_info(chat, viewer);
  if (!info) return info.status();
  if (info->kind == ChatKind::kRoom)
    return Status(Code::kInvalid, "rooms have view counts, not per-member receipts (views)");
  // chat_info answers kNotMember to a non-member of a group or direct chat.
  std::vector<MemberInfo> others;
  std::vector<UserId> reached;  // those the message reached: their times are looked up
  for (auto& m : info->members)
    if (m.user != viewer) {
      others.push_back(m);
      if (m.joined < seq && m.delivered >= seq) reached.push_back(m.user);
    }
  if (reached.empty()) return others;
  auto times = store_.receipt_times(chat, info->kind, viewer, seq, reached);
  if (!times) return times.status();
  for (const auto& t : *times)
    for (auto& m : others)
      if (m.user == t.user) {
        receipt_times::combine(t, m);
        if (m.read < seq) m.read_at = 0;  // what the lists say wins over an older row
      }
  return others;
}

}  // namespace parley::chat
