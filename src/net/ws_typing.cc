// WsSession: typing this device started (see ws_session.h).
#include "net/ws_session.h"

#include <boost/asio/post.hpp>

#include "proto/errors.h"

namespace parley::net {


void WsSession::on_typing(const proto::TypingFrame& f) {
  if (TimeMs wait = typing_rate_.take(svc_.clock.now_ms())) {
    svc_.metrics.rate_limited++;
    send(proto::error_frame(proto::err::kRateLimited, "typing frames too fast", {}, wait));
    return;
  }
  auto it = typing_.find(f.chat.value);
  if (!f.typing && it == typing_.end()) return;  // nothing to stop
  if (!f.typing) {
    typing_.erase(it);
  } else {
    svc_.presence.activity(device_->id, true);
    typing_[f.chat.value] = svc_.clock.now_ms() + svc_.presence.options().typing_timeout_ms;
    arm_typing_timer();
  }
  // Who is in the chat is read from the store: on the query pool. A chat the user is not
  // in is answered with an error; its entry above ends by itself at the typing timeout.
  boost::asio::post(query_strand_, [self = self(), user = device_->user, chat = f.chat, typing = f.typing] {
    if (Status st = self->svc_.presence.typing(user, chat, typing); !st.ok())
      self->reply(proto::error_frame(proto::wire_code(st.code()), st.message() + " (chat " + std::to_string(chat.value) + ")"));
  });
}

void WsSession::stop_typing(ChatId chat) {
  boost::asio::post(query_strand_, [self = self(), user = device_->user, chat] {
    (void)self->svc_.presence.typing(user, chat, false);
  });
}

void WsSession::arm_typing_timer() {
  if (typing_.empty()) return;
  TimeMs next = INT64_MAX;
  for (const auto& [chat, at] : typing_) next = std::min(next, at);
  typing_timer_.expires_after(std::chrono::milliseconds(std::max<TimeMs>(0, next - svc_.clock.now_ms())));
  typing_timer_.async_wait([weak = weak_self()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || !self->device_) return;
    TimeMs now = self->svc_.clock.now_ms();
    for (auto it = self->typing_.begin(); it != self->typing_.end();) {
      if (it->second <= now) {
        self->stop_typing(ChatId(it->first));
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
      stop_typing(ChatId(it->first));
      it = typing_.erase(it);
    } else {
      ++it;
    }
  }
  if (typing_.empty()) typing_timer_.cancel();
}

}  // namespace parley::net
