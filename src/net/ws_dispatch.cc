// WsSession: client frames to the services, and their answers (see ws_session.h).
#include "net/ws_session.h"

#include <unordered_set>

#include "net/query_pool.h"
#include "proto/errors.h"

#include <boost/asio/post.hpp>

namespace parley::net {


void WsSession::handle(std::string_view text) {
  auto parsed = proto::parse_client_frame(text, opt_.limits);
  if (auto* e = std::get_if<proto::FrameError>(&parsed)) {
    if (!device_) {
      send(proto::error_frame(e->code, e->message, e->id));
      send(proto::error_frame(proto::err::kNotAuthenticated, "the first frame must be auth"));
      close(proto::kCloseUnauthorized, "not authenticated");
      return;
    }
    return protocol_error(e->code, std::move(e->message), std::move(e->id));
  }
  auto& frame = std::get<proto::ClientFrame>(parsed);
  if (!device_) {
    if (auto* a = std::get_if<proto::AuthFrame>(&frame)) {
      authenticate(std::move(a->token));
      return;
    }
    send(proto::error_frame(proto::err::kNotAuthenticated, "the first frame must be auth"));
    close(proto::kCloseUnauthorized, "not authenticated");
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
          if (!query_allowed()) return;
          request_sync(f.after.value_or(std::max(device_->position, Pts(0))), true, f.limit);
        } else if constexpr (std::is_same_v<T, proto::ReceivedFrame>) {
          if (f.chat) {
            auto it = rooms_.find(f.chat->value);
            if (it == rooms_.end()) return;  // left meanwhile, or never in: nothing to keep
            it->second.acked = std::max(it->second.acked, std::min(f.seq, it->second.sent));
            persist_room_positions(false);
            return;
          }
          Pts pts = std::min(f.pts, stream_.sent());
          if (pts > device_->position) {
            device_->position = pts;
            persist_position(false);
          }
        } else if constexpr (std::is_same_v<T, proto::ReceiptFrame>) {
          if (f.read && !f.background) svc_.presence.activity(device_->id, true);
          svc_.chat.report(device_->user, f.chat, f.read ? 0 : f.seq, f.read ? f.seq : 0,
                           [self = self(), chat = f.chat](Status st) {
                             if (st.ok()) return;
                             self->reply(proto::error_frame(proto::wire_code(st.code()),
                                                            st.message() + " (chat " + std::to_string(chat.value) + ")"));
                           });
        } else if constexpr (std::is_same_v<T, proto::PingFrame>) {
          // Behind this session's queries: the pong comes after what earlier frames earned.
          boost::asio::post(query_strand_, [self = self()] { self->reply(proto::pong_frame(self->svc_.clock.now_ms())); });
        } else if constexpr (std::is_same_v<T, proto::HeartbeatFrame>) {
          svc_.metrics.presence_heartbeats++;
          svc_.presence.activity(device_->id, f.active);
        } else if constexpr (std::is_same_v<T, proto::TypingFrame>) {
          on_typing(f);
        } else if constexpr (std::is_same_v<T, proto::PresenceFrame>) {
          if (!f.unsubscribe && !query_allowed()) return;
          on_presence_frame(f);
        } else if constexpr (std::is_same_v<T, proto::PrivacyFrame>) {
          if (!f.last_seen && !f.group_add && !query_allowed()) return;
          on_privacy(f);
        } else if constexpr (std::is_same_v<T, proto::CreateFrame>) {
          svc_.presence.activity(device_->id, true);
          on_create(f);
        } else if constexpr (std::is_same_v<T, proto::ChangeFrame>) {
          svc_.presence.activity(device_->id, true);
          on_change(f);
        } else if constexpr (std::is_same_v<T, proto::DeclineFrame>) {
          on_decline(f);
        } else if constexpr (std::is_same_v<T, proto::ActionFrame>) {
          on_action(f);
        } else if constexpr (std::is_same_v<T, proto::ChatInfoFrame> || std::is_same_v<T, proto::ReceiptsFrame> ||
                             std::is_same_v<T, proto::ViewsFrame>) {
          if (!query_allowed()) return;
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
  NewMessage m{device_->user, device_->id, f.id, f.to, f.chat, f.text, f.media_id, f.media_name, f.reply_to, f.forward, f.mentions};
  svc_.chat.send(std::move(m), [self = self(), id = f.id](Result<AppendResult> r) {
    if (!r) return self->reply_failure(id, r.status());
    (r->duplicate ? self->svc_.metrics.messages_duplicate : self->svc_.metrics.messages_sent)++;
    self->reply(proto::ack_frame(r->message, r->duplicate));
  });
}

void WsSession::reply_failure(const std::string& id, const Status& st) {
  // Store or bus down: tell the client when to resend (same id, so never twice).
  std::optional<std::int64_t> retry;
  if (st.code() == Code::kUnavailable) {
    svc_.metrics.store_errors++;
    retry = 500;
  }
  reply(proto::error_frame(proto::wire_code(st.code()), st.message(), id, retry));
}

void WsSession::on_action(const proto::ActionFrame& f) {
  if (over_send_rate(f.id)) return;  // an action costs the writer what a message does
  MessageAction a;
  a.actor = device_->user;
  a.device = device_->id;
  a.chat = f.chat;
  a.seq = f.seq;
  a.op = f.op;
  a.value = f.value;
  svc_.chat.act(std::move(a), [self = self(), id = f.id](Result<ActionResult> r) {
    if (!r) return self->reply_failure(id, r.status());
    self->reply(proto::done_frame(id, r->message.chat, r->message.seq, r->changed, false));
  });
}

void WsSession::on_presence_frame(const proto::PresenceFrame& f) {
  // On the query pool, in this session's order (its strand): watching may wait for the
  // store and, in a cluster, for the other nodes' answers.
  if (!watcher_) watcher_ = svc_.presence.open_watcher(device_->user, weak_self());
  boost::asio::post(query_strand_, [self = self(), watcher = watcher_, f] {
    if (f.unsubscribe) return self->svc_.presence.unwatch(*watcher, f.users);
    // The first views are queued for this io thread under the service's lock, so a change
    // the watcher hears of afterwards always comes after them.
    auto views = self->svc_.presence.watch(*watcher, f.users, [&self](const std::vector<presence::View>& first) {
      self->on_presence(first);
    });
    if (!views) {
      self->reply(proto::error_frame(proto::wire_code(views.status().code()), views.status().message()));
      return;
    }
    std::unordered_set<std::int64_t> answered;  // asked for, but no such user: say so rather than stay silent
    for (const auto& v : *views) answered.insert(v.user.value);
    std::string unknown;
    for (UserId u : f.users)
      if (answered.insert(u.value).second) unknown += " " + std::to_string(u.value) + ",";
    if (!unknown.empty()) {
      unknown.pop_back();
      self->reply(proto::error_frame(proto::err::kNoSuchUser, "no such user:" + unknown));
    }
  });
}

void WsSession::on_privacy(const proto::PrivacyFrame& f) {
  if (!f.sets_anything()) {
    boost::asio::post(query_strand_, [self = self(), user = device_->user] {
      auto v = self->svc_.presence.privacy(user);
      self->reply(v ? proto::privacy_frame(*v) : proto::error_frame(proto::wire_code(v.status().code()), v.status().message()));
    });
    return;
  }
  // The new setting comes back as a privacy frame to every device of the user (kPrivacy).
  auto failed = [self = self()](Status st) {
    if (st.ok()) return;
    self->reply(proto::error_frame(proto::wire_code(st.code()), st.message()));
  };
  if (f.last_seen) svc_.presence.set_privacy(device_->user, *f.last_seen, failed);
  if (f.group_add) svc_.presence.set_group_add(device_->user, *f.group_add, failed);
  if ((f.name || f.about || f.photo) && svc_.people)  // profile fields: written and announced off the io thread
    boost::asio::post(query_strand_, [self = self(), user = device_->user, f, failed] {
      if (Status st = self->svc_.people->take_change(user); !st.ok()) return failed(st);  // each tells many
      for (auto [field, who] : {std::pair{PrivacyField::kName, f.name}, std::pair{PrivacyField::kAbout, f.about},
                                std::pair{PrivacyField::kPhoto, f.photo}})
        if (who) failed(self->svc_.people->set_visibility(user, field, *who));
    });
}

void WsSession::on_decline(const proto::DeclineFrame& f) {
  if (over_send_rate(f.id)) return;
  boost::asio::post(query_strand_, [self = self(), user = device_->user, code = f.code, id = f.id] {
    self->svc_.chat.decline(user, code, [self, id](Result<ChatId> r) {
      if (r) self->reply(proto::done_frame(id, *r, 0, true, false));
      else self->reply(proto::error_frame(proto::wire_code(r.status().code()), r.status().message(), id));
    });
  });
}

void WsSession::reply_done(const std::string& id, const Result<ChangeResult>& r) {
  if (!r) return reply_failure(id, r.status());
  Seq seq = r->message ? r->message->message.seq : 0;
  bool duplicate = r->message && r->message->duplicate;
  reply(proto::done_frame(id, r->chat, seq, r->changed || duplicate, duplicate, r->invited));
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
  // Who may be added (their settings, contacts) is read from the store: on the query pool.
  boost::asio::post(query_strand_, [self = self(), c = std::move(c), id = f.id]() mutable {
    self->svc_.chat.create(std::move(c), [self, id](Result<ChangeResult> r) { self->reply_done(id, r); });
  });
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
  c.temporary = f.temporary;
  c.disappear_ms = f.disappear_ms;
  // Joins and leaves of a room have no system message: the id only names the answer.
  if (c.op == ChangeOp::kJoin) c.client_id.clear();
  auto change = [self = self(), c = std::move(c), id = f.id]() mutable {
    self->svc_.chat.change(std::move(c), [self, id](Result<ChangeResult> r) { self->reply_done(id, r); });
  };
  // Joins and adds read invites, settings and contacts first: on the query pool. The other
  // changes go straight to the writer, in order with this device's sends.
  if (chat::ChatService::reads_first(f.op)) boost::asio::post(query_strand_, std::move(change));
  else change();
}

void WsSession::on_chat_query(const proto::ClientFrame& frame) {
  // Store reads (and view counts over rooms of 100,000) wait on a query thread, not here.
  boost::asio::post(query_strand_, [self = self(), frame, user = device_->user] {
    self->reply(self->answer_query(frame, user));
  });
}

std::string WsSession::answer_query(const proto::ClientFrame& frame, UserId user) {
  auto fail = [&](const Status& st, ChatId chat) {
    return proto::error_frame(proto::wire_code(st.code()), st.message() + " (chat " + std::to_string(chat.value) + ")");
  };
  if (auto* f = std::get_if<proto::ChatInfoFrame>(&frame)) {
    auto info = svc_.chat.info(f->chat, user);
    if (!info) return fail(info.status(), f->chat);
    return proto::chat_info_frame(*info);
  }
  if (auto* f = std::get_if<proto::ReceiptsFrame>(&frame)) {
    auto members = svc_.chat.receipts(f->chat, user, f->seq);
    if (!members) return fail(members.status(), f->chat);
    return proto::receipts_frame(f->chat, f->seq, *members);
  }
  const auto& v = std::get<proto::ViewsFrame>(frame);
  auto counts = svc_.chat.views(v.chat, user, v.seqs);
  if (!counts) return fail(counts.status(), v.chat);
  return proto::views_frame(v.chat, *counts);
}

}  // namespace parley::net
