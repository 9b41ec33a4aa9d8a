// Messaging: send (commit, then announce), receipts, device positions, sync reads.
// The store assigns order; the bus announces each committed update to the users it
// belongs to. Thread-safe; callbacks run on the store's writer thread.
#pragma once

#include <functional>
#include <vector>

#include "bus/bus.h"
#include "store/store.h"

namespace parley::chat {

class ChatService {
 public:
  ChatService(Store& store, Bus& bus) : store_(store), bus_(bus) {}

  // Commits the message and announces it to every member's devices. `done` gets the
  // committed message (or the original one for a resent client id).
  void send(NewMessage message, std::function<void(Result<AppendResult>)> done);
  // Cumulative delivered / read report of `member` in `chat` (0 = no change).
  void report(UserId member, ChatId chat, Seq delivered, Seq read, std::function<void(Status)> done);
  // The device has everything up to pts.
  void received(DeviceId device, Pts pts);

  Result<std::vector<Update>> updates_after(UserId user, Pts after, int limit) {
    return store_.read_updates(user, after, limit);
  }
  Result<Pts> log_head(UserId user) { return store_.log_head(user); }
  Result<Pts> log_tail(UserId user) { return store_.log_tail(user); }
  Result<std::vector<ChatSummary>> chats(UserId user) { return store_.list_chats(user); }
  Result<std::vector<Message>> history(ChatId chat, UserId member, Seq before, int limit) {
    return store_.read_history(chat, member, before, limit);
  }

 private:
  void announce(const std::vector<Delivery>& deliveries, const std::function<std::string(Pts)>& frame);

  Store& store_;
  Bus& bus_;
};

}  // namespace parley::chat
