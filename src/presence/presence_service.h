// Presence: who is online, when they were last seen, who is typing.
//
// A user is online while at least one of their devices shows user activity (sending,
// reading, typing, an `active` signal, foreground heartbeats) within the online
// threshold. A device that drops its connection stays counted until its last activity
// plus the threshold, so a reconnect does not flicker; a device that goes to the
// background is idle at once. Last seen is the time of the user's last activity; it is
// kept in memory and written to the store in batches: when the user goes offline, and
// every persist interval while they are online.
//
// Watching: a device watches chosen users (open_watcher, watch) and gets their current
// view at once, then a view on every change, filtered by privacy. Nothing is sent to
// devices that did not ask. Across nodes: each node knows its own devices; a node that
// watches a user hears the other nodes' changes through the Bus (announce_presence /
// watch_presence) and asks them for the current state when it starts watching
// (query_nodes). The domain sees only the Store and Bus interfaces.
//
// Threading: every public method may be called from any thread; one mutex guards the
// state. Listeners are called with no lock held and must not block (post).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <queue>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bus/bus.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/periodic.h"
#include "store/store.h"

namespace parley::presence {

struct Options {
  TimeMs online_threshold_ms = 10'000;  // activity this recent makes a device count as online
  TimeMs heartbeat_ms = 5'000;          // how often clients heartbeat (told to them in hello)
  TimeMs typing_timeout_ms = 6'000;     // a typing not renewed within this ends by itself
  TimeMs persist_interval_ms = 60'000;  // last seen of users still online written this often
  std::size_t max_watched = 1'000;      // users one device may watch
  int query_timeout_ms = 500;           // waiting for other nodes' answers (cluster)
  bool operator==(const Options&) const = default;
};

// What one watcher may see of one user, after privacy.
struct View {
  UserId user;
  bool visible = false;  // false: the user's setting (or the watcher's own) hides both fields
  bool online = false;
  TimeMs last_seen = 0;  // last user activity; 0 = never seen
};

class Listener {
 public:
  virtual ~Listener() = default;
  virtual void on_presence(const std::vector<View>& views) = 0;
};

class PresenceService;

// One device's watch list. Hold it while watching; destroying it unwatches everything.
class Watcher {
 public:
  ~Watcher();
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;
  UserId viewer() const { return viewer_; }
  std::size_t size() const;

 private:
  friend class PresenceService;
  Watcher(PresenceService& svc, UserId viewer, std::weak_ptr<Listener> listener)
      : svc_(svc), viewer_(viewer), listener_(std::move(listener)) {}

  PresenceService& svc_;
  const UserId viewer_;
  const std::weak_ptr<Listener> listener_;
  // Guarded by the service's mutex.
  bool loaded_ = false;
  Visibility own_ = Visibility::kEveryone;  // the viewer's own setting (it limits what they see)
  std::unordered_map<std::int64_t, bool> watching_;  // user -> is a contact of the viewer
  std::unordered_set<std::int64_t> blocked_;          // watched users with a block between them and the viewer
};

struct Stats {
  std::size_t online_users = 0;   // users online through a device on this node
  std::size_t devices = 0;        // devices this node tracks (connected or lingering)
  std::size_t watched_users = 0;  // users someone on this node watches
};

class PresenceService final : public PresencePeer {
 public:
  PresenceService(Store& store, Bus& bus, const Clock& clock, Metrics& metrics, Options options);
  ~PresenceService() override;

  const Options& options() const { return opt_; }
  // Starts the sweeper (expiry, last-seen writes). stop() joins it and writes every
  // pending last seen to the store (before the store closes).
  void start();
  void stop();

  // --- devices ---
  void connected(DeviceId device, UserId user);
  void disconnected(DeviceId device);
  // active: user activity on the device. false: the app went to the background; the
  // device is idle from now on (its user offline if no other device is active).
  void activity(DeviceId device, bool active);

  // --- watching ---
  std::shared_ptr<Watcher> open_watcher(UserId viewer, std::weak_ptr<Listener> listener);
  // Adds `users` (again: re-reads whether they are contacts) and returns their views.
  // Users that do not exist are left out. kInvalid past max_watched. `first`, if given, gets
  // the views at the moment the watcher starts receiving changes (under the service's
  // lock): whatever it queues comes before any change the watcher is told of afterwards,
  // so a caller on another thread can keep the first view and later changes in order.
  // May block (store reads; in a cluster a NATS query): call it off the io threads.
  Result<std::vector<View>> watch(Watcher& watcher, const std::vector<UserId>& users,
                                  const std::function<void(const std::vector<View>&)>& first = {});
  void unwatch(Watcher& watcher, const std::vector<UserId>& users);
  // The viewer's own setting changed: re-reads it; returns the views of every watched user.
  Result<std::vector<View>> refresh(Watcher& watcher);

  // --- privacy ---
  // The user's privacy settings (who sees their last seen; who may add them to groups).
  Result<PresenceRecord> privacy(UserId user);
  // Stores the setting; watchers of `user` everywhere get new views, and `user`'s own
  // devices get a kPrivacy event (their view of others changes too).
  void set_privacy(UserId user, Visibility last_seen, DoneStatus done);
  // Stores who may add `user` to groups; their devices get a kPrivacy event.
  void set_group_add(UserId user, Visibility who, DoneStatus done);

  // Whether `user` has a device connected and in the foreground (not one lingering after a
  // drop, which still counts as online): on this node, or (`ask_nodes`) on any node, asked
  // over the bus (blocks up to query_timeout_ms: off the io threads).
  bool here_anywhere(UserId user, bool ask_nodes);

  // --- typing ---
  // Announces to the other members' live devices, but those with a block between them and
  // `user`; kNoSuchChat / kNotMember otherwise.
  Status typing(UserId user, ChatId chat, bool typing);

  Stats stats() const;

  // PresencePeer (other nodes, through the bus).
  void on_note(UserId user, std::string_view note) override;
  std::string on_query(std::string_view request) override;
  void on_notes_lost() override;

 private:
  friend class Watcher;
  struct Device {
    std::int64_t id = 0;
    UserId user;
    int connections = 0;  // a device may hold several connections at once
    bool active = false;
    bool scheduled = false;  // has an entry in expiries_
    TimeMs last_active = 0;
  };
  struct Local {  // a user with devices on this node
    int devices = 0;
    int active = 0;
    int here = 0;  // active devices with a live connection (push notifications wait for none)
    TimeMs last_active = 0;
    TimeMs persisted = 0;  // last_seen written to the store
    std::uint64_t version = 0;
  };
  struct Remote {  // another node's state of a watched user
    bool online = false;
    TimeMs last_active = 0;
    std::uint64_t version = 0;
    TimeMs heard_at = 0;
  };
  struct Watched {
    bool ready = false;  // loaded from the store and the other nodes
    Visibility visibility = Visibility::kEveryone;
    TimeMs stored_last_seen = 0;
    std::unordered_map<std::string, Remote> nodes;  // by "<node id>/<incarnation>"
    std::vector<Watcher*> watchers;
    bool sent_online = false;  // the state watchers were last told
    TimeMs sent_last_seen = 0;
  };
  using Deliveries = std::vector<std::pair<std::weak_ptr<Listener>, std::vector<View>>>;
  struct Announce {
    UserId user;
    std::string note;
  };

  // All under mu_.
  void set_active(Device& d, bool active, TimeMs now, std::vector<Announce>& out, Deliveries& deliveries);
  void local_changed(UserId user, Local& l, std::vector<Announce>& out, Deliveries& deliveries);
  void changed(UserId user, Watched& w, bool force, Deliveries& deliveries);
  View view(const Watcher& watcher, UserId user, const Watched& w, bool contact) const;
  std::pair<bool, TimeMs> aggregate(UserId user, const Watched& w) const;
  void apply_answers(const std::vector<std::string>& answers, TimeMs now, Deliveries& deliveries);
  void detach(Watcher& watcher, UserId user, std::vector<UserId>& unwatched);
  void close(Watcher& watcher);
  std::uint64_t next_version();

  // Outside mu_.
  Result<std::unordered_set<std::int64_t>> contacts_among(UserId viewer, const std::vector<UserId>& users);
  void deliver(Deliveries& deliveries);
  void publish(std::vector<Announce>& announces);
  void sweep();
  void persist(bool all);
  void requery();

  Store& store_;
  Bus& bus_;
  const Clock& clock_;
  Metrics& metrics_;
  const Options opt_;
  const std::string node_;

  mutable std::mutex mu_;
  std::condition_variable ready_cv_;  // a Watched became ready
  std::unordered_map<std::int64_t, Device> devices_;
  std::unordered_map<std::int64_t, Local> local_;
  std::unordered_map<std::int64_t, Watched> watched_;
  // (due time, device): when an active device's activity may be too old. Heartbeats do
  // not touch it; a due entry whose device was active since is pushed again, later.
  std::priority_queue<std::pair<TimeMs, std::int64_t>, std::vector<std::pair<TimeMs, std::int64_t>>,
                      std::greater<>>
      expiries_;
  std::unordered_set<std::int64_t> offline_unsaved_;  // went offline; last seen not written yet
  std::uint64_t version_ = 0;
  TimeMs persisted_at_ = 0;
  bool requery_ = false;
  // After the bus comes back, other nodes are asked again at every sweep until this time:
  // right after a reconnect some of them are still reconnecting (or not yet heard from),
  // and one query would miss them (issue 14 item 11).
  TimeMs requery_until_ = 0;
  std::set<std::string> alive_before_;  // node/incarnation heard from at the last sweep

  std::atomic<bool> stopped_{false};
  PeriodicThread sweeper_;
};

}  // namespace parley::presence
