#include "chat/chat_service.h"

#include "proto/frames.h"

namespace parley::chat {

void ChatService::announce(const std::vector<Delivery>& deliveries,
                           const std::function<std::string(Pts)>& frame) {
  for (const auto& d : deliveries) {
    auto ev = std::make_shared<BusEvent>();
    ev->kind = BusEvent::Kind::kUpdate;
    ev->pts = d.pts;
    ev->frame = std::make_shared<const std::string>(frame(d.pts));
    bus_.publish(d.user, std::move(ev));
  }
}

void ChatService::send(NewMessage message, std::function<void(Result<AppendResult>)> done) {
  // Without the bus, a committed message would reach other nodes' devices only when
  // they next sync: refuse instead, and let the client resend (same client id).
  if (!bus_.available()) return done(Status(Code::kUnavailable, "message bus unavailable; retry"));
  store_.append_message(std::move(message), [this, done = std::move(done)](Result<AppendResult> r) {
    if (r && !r->duplicate) {
      const Message& m = r->message;
      announce(r->deliveries, [&](Pts pts) { return proto::message_frame(pts, m); });
    }
    done(std::move(r));
  });
}

void ChatService::report(UserId member, ChatId chat, Seq delivered, Seq read,
                         std::function<void(Status)> done) {
  store_.update_receipt(chat, member, delivered, read,
                        [this, done = std::move(done)](Result<ReceiptResult> r) {
                          if (r && r->changed) {
                            const ReceiptState& s = r->state;
                            announce(r->deliveries, [&](Pts pts) { return proto::receipt_frame(pts, s); });
                          }
                          done(r.status());
                        });
}

void ChatService::received(DeviceId device, Pts pts) {
  store_.set_device_position(device, pts, [](Status) {});
}

}  // namespace parley::chat
