// Connection's reading side: each server frame interpreted, de-duplicated by pts (or by seq
// for rooms), acknowledged, settled against the pending sends, and handed to the handlers.
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/json.hpp>

#include <algorithm>

#include "parley/connection.h"

namespace parley::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;

using fields::i64;
using fields::str;

void Connection::dispatch(const std::string& text) {
  if (h_.on_frame) h_.on_frame(text);
  json::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return;
  const auto& o = v.get_object();
  std::string type = str(o, "type");
  if (type == "msg") {
    Message m = parse_message(o);
    if (m.pts == 0) {  // a room's message: de-duplicated by seq, acknowledged per room
      auto& seen = room_seen_[m.chat];
      if (m.seq <= seen) return;
      seen = m.seq;
      if (!room_flush_scheduled_) {  // a room's position is reported lazily: it is only a resume point
        room_flush_scheduled_ = true;
        auto t = std::make_shared<asio::steady_timer>(ioc_, std::chrono::milliseconds(opt_.room_ack_ms));
        t->async_wait([self = shared_from_this(), t](beast::error_code) { self->flush_room_acks(); });
      }
      if (h_.on_message) h_.on_message(m);
      return;
    }
    if (m.pts <= position_) return;  // already seen
    position_ = m.pts;
    if (opt_.auto_delivered && m.from != user_) {
      auto& d = delivered_[m.chat];
      d = std::max(d, m.seq);
    }
    schedule_flush();
    if (h_.on_message) h_.on_message(m);
  } else if (type == "changed") {
    Message m = parse_message(o);
    if (m.pts > 0) {  // a room's changes come live, without pts: nothing to de-duplicate
      if (m.pts <= position_) return;
      position_ = m.pts;
      schedule_flush();
    }
    if (h_.on_changed) h_.on_changed(m);
  } else if (type == "marked") {
    Marked k{i64(o, "pts"), i64(o, "chat"), i64(o, "seq"), false, false};
    if (auto* v = o.if_contains("starred"); v && v->is_bool()) k.starred = v->get_bool();
    if (auto* v = o.if_contains("hidden"); v && v->is_bool()) k.hidden = v->get_bool();
    if (k.pts <= position_) return;
    position_ = k.pts;
    schedule_flush();
    if (h_.on_marked) h_.on_marked(k);
  } else if (type == "receipt") {
    Receipt r{i64(o, "pts"), i64(o, "chat"), i64(o, "user"), i64(o, "delivered"), i64(o, "read"), o.contains("all")};
    if (r.pts <= position_) return;
    position_ = r.pts;
    schedule_flush();
    if (h_.on_receipt) h_.on_receipt(r);
  } else if (type == "ack") {
    Ack a{str(o, "id"), i64(o, "chat"), i64(o, "seq"), i64(o, "ts"), o.contains("duplicate")};
    settle(a.id);
    if (h_.on_ack) h_.on_ack(a);
  } else if (type == "done") {
    Done d{str(o, "id"), i64(o, "chat"), i64(o, "seq"), false, o.contains("duplicate")};
    if (auto* c = o.if_contains("changed"); c && c->is_bool()) d.changed = c->get_bool();
    if (auto* inv = o.if_contains("invited"); inv && inv->is_array())
      for (const auto& u : inv->get_array())
        if (u.is_int64()) d.invited.push_back(u.get_int64());
    settle(d.id);
    if (h_.on_done) h_.on_done(d);
  } else if (type == "membership") {
    Membership m{i64(o, "pts"), i64(o, "chat"), i64(o, "seq"), false};
    if (auto* c = o.if_contains("member"); c && c->is_bool()) m.member = c->get_bool();
    if (m.pts <= position_) return;
    position_ = m.pts;
    if (m.member) room_seen_[m.chat] = std::max(room_seen_[m.chat], m.seq);
    else room_seen_.erase(m.chat), room_acked_.erase(m.chat);
    schedule_flush();
    if (h_.on_membership) h_.on_membership(m);
  } else if (type == "chat_info" || type == "receipts" || type == "views") {
    if (h_.on_reply) h_.on_reply(type, o);
  } else if (type == "error") {
    Error e{str(o, "code"), str(o, "message"), str(o, "id")};
    if (!e.id.empty()) {
      auto it = pending_ids_.find(e.id);
      if (it != pending_ids_.end()) {
        if (e.code == "rate_limited" || e.code == "unavailable") {
          // Retry the same frame later; the client id keeps it idempotent.
          auto t = std::make_shared<asio::steady_timer>(ioc_, std::chrono::milliseconds(std::max<std::int64_t>(50, i64(o, "retry_after_ms"))));
          t->async_wait([self = shared_from_this(), t, order = it->second](beast::error_code) {
            if (auto p = self->pending_.find(order); p != self->pending_.end()) self->write(p->second);
          });
        } else {
          pending_.erase(it->second);
          pending_ids_.erase(it);
          unacked_atomic_ = pending_.size();
        }
      }
    }
    if (h_.on_error) h_.on_error(e);
  } else if (type == "synced") {
    if (h_.on_synced) h_.on_synced(i64(o, "pts"), o.contains("truncated"));
  } else if (type == "presence") {
    Presence p{i64(o, "user"), o.contains("online"), false, i64(o, "last_seen")};
    if (auto* on = o.if_contains("online"); on && on->is_bool()) p.online = on->get_bool();
    if (h_.on_presence) h_.on_presence(p);
  } else if (type == "typing") {
    Typing t{i64(o, "chat"), i64(o, "user"), false};
    if (auto* on = o.if_contains("typing"); on && on->is_bool()) t.typing = on->get_bool();
    if (h_.on_typing) h_.on_typing(t);
  } else if (type == "privacy") {
    if (h_.on_privacy)
      h_.on_privacy(PrivacySettings{str(o, "last_seen"), str(o, "group_add"), str(o, "name"), str(o, "about"),
                                    str(o, "photo")});
  } else if (type == "profile") {
    if (h_.on_profile) h_.on_profile(parse_user_profile(o));
  } else if (type == "chat_state") {
    if (h_.on_chat_state) h_.on_chat_state(parse_chat_state(o));
  } else if (type == "contact") {
    if (h_.on_contact) h_.on_contact(ContactChange{i64(o, "user"), str(o, "contact_name"), fields::flag(o, "removed")});
  } else if (type == "blocks") {
    if (h_.on_blocks) h_.on_blocks(parse_blocked(o));
  } else if (type == "hello") {
    user_ = i64(o, "user");
    if (auto* p = o.if_contains("presence"); p && p->is_object() && i64(p->get_object(), "heartbeat_ms") > 0)
      heartbeat_ms_ = i64(p->get_object(), "heartbeat_ms");
    if (opt_.foreground) {
      write(json::serialize(json::object{{"type", "heartbeat"}, {"active", true}}));
      heartbeat_loop(generation());
    }
    for (auto& f : queued_) write(std::move(f));
    queued_.clear();
    greeted_ = true;
    if (!watched_.empty()) write_presence_frames("presence_subscribe", watched_);
    if (h_.on_hello) h_.on_hello(user_, i64(o, "device"), i64(o, "head"));
  }
}


}  // namespace parley::client
