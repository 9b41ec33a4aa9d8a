#include "net/room_fanout.h"

namespace parley::net {

class RoomFanout::Hub final : public BusListener, public MailReceiver, public std::enable_shared_from_this<Hub> {
 public:
  explicit Hub(IoThread& io) : io_(io) {}

  // From the publisher's thread: one hand-off to this hub's thread for all its followers.
  void on_bus(UserId, const std::shared_ptr<const BusEvent>& event) override {
    io_.hand(Mail{shared_from_this(), event, {}, {}});
  }
  void on_mail(const std::shared_ptr<const BusEvent>& event, std::string&) override { deliver(event); }
  void add(std::uint64_t token, std::weak_ptr<RoomFollower> f) {
    std::lock_guard lk(mu_);
    followers_.emplace_back(token, std::move(f));
  }
  // Returns how many followers are left.
  std::size_t remove(std::uint64_t token) {
    std::lock_guard lk(mu_);
    std::erase_if(followers_, [&](const auto& e) { return e.first == token; });
    return followers_.size();
  }
  std::uint64_t bus_token = 0;

 private:
  void deliver(const std::shared_ptr<const BusEvent>& event) {
    std::vector<std::shared_ptr<RoomFollower>> live;
    {
      std::lock_guard lk(mu_);
      live.reserve(followers_.size());
      for (auto& [token, weak] : followers_)
        if (auto f = weak.lock()) live.push_back(std::move(f));
    }
    for (auto& f : live) f->on_room(event);
  }

  IoThread& io_;
  std::mutex mu_;  // guards followers_ (a session may be destroyed on another thread)
  std::vector<std::pair<std::uint64_t, std::weak_ptr<RoomFollower>>> followers_;
};

std::uint64_t RoomFanout::follow(ChatId room, IoThread& io, std::weak_ptr<RoomFollower> follower) {
  std::shared_ptr<Hub> hub;
  std::uint64_t token;
  bool first = false;
  {
    std::lock_guard lk(mu_);
    token = next_token_++;
    auto& slot = hubs_[{room.value, &io}];
    if (!slot) {
      slot = std::make_shared<Hub>(io);
      first = true;
    }
    hub = slot;
    hub->add(token, std::move(follower));
  }
  // Outside the lock: on NATS this waits for the server to know the subscription.
  if (first) hub->bus_token = bus_.subscribe_room(room, hub);
  return token;
}

void RoomFanout::unfollow(ChatId room, IoThread& io, std::uint64_t token) {
  std::shared_ptr<Hub> hub;
  {
    std::lock_guard lk(mu_);
    auto it = hubs_.find({room.value, &io});
    if (it == hubs_.end() || it->second->remove(token) > 0) return;
    hub = std::move(it->second);
    hubs_.erase(it);
  }
  bus_.unsubscribe_room(room, hub->bus_token);
}

std::size_t RoomFanout::hubs() const {
  std::lock_guard lk(mu_);
  return hubs_.size();
}

}  // namespace parley::net
