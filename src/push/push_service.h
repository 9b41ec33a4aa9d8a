// Push notifications (docs/push.md): what to tell a user whose devices are away, and when.
//
// After a commit ChatService hands each message (and each group invite) here, with the
// recipients who have no foreground device on this node at that moment; a `push-queue`
// thread stores them as jobs, a job per target, collapsed per target and chat (one store
// write per round, never one per message, and never on the message path). `push-N` worker
// threads claim due jobs, drop those no longer worth sending (the user came back, read the
// chat, muted it, or it is too old), and send the rest through the target's Provider,
// retrying with backoff and jitter or the provider's Retry-After, and removing targets the
// provider calls invalid. The domain sees the Store and the Provider interface only;
// providers are adapters (push/providers) that app builds.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/periodic.h"
#include "push/provider.h"
#include "store/store.h"

namespace parley::push {

struct Options {
  int workers = 4;                    // push-N threads sending
  TimeMs collapse_ms = 1'000;         // a job waits this long for more of its chat's messages
  TimeMs ttl_ms = 86'400'000;         // a job older than this is dropped
  TimeMs lease_ms = 60'000;           // a claimed job is another node's to send after this long
  TimeMs send_timeout_ms = 10'000;    // one provider request at most (push.timeout_ms)
  TimeMs poll_ms = 250;               // how often an idle worker looks for due jobs
  TimeMs flush_ms = 50;               // how often queued events are stored
  TimeMs backoff_base_ms = 1'000;     // first retry within this (full jitter), doubling
  TimeMs backoff_max_ms = 600'000;
  int claim_batch = 16;               // jobs one worker claims at once
  std::size_t max_queued = 100'000;   // events waiting to be stored; beyond, new ones are dropped (counted)
  bool operator==(const Options&) const = default;
};

struct Stats {
  std::atomic<std::uint64_t> queued{0};     // events stored as jobs (or collapsed into one)
  std::atomic<std::uint64_t> overflow{0};   // events dropped: the queue was full
  std::atomic<std::uint64_t> sent{0};       // notifications a provider accepted
  std::atomic<std::uint64_t> retried{0};
  std::atomic<std::uint64_t> dropped{0};    // jobs not sent: user back, read, muted, too old, refused
  std::atomic<std::uint64_t> targets_removed{0};  // invalid tokens
};

class PushService {
 public:
  // `foreground(user, ask_other_nodes)`: whether the user has a foreground device; the
  // queue asks this node only, a worker about to send asks every node.
  PushService(Store& store, const Clock& clock, Random& random, Options options,
              std::vector<std::unique_ptr<Provider>> providers, std::function<bool(UserId, bool)> foreground);
  ~PushService();

  void start();
  // Stops the threads; events not yet stored are stored first.
  void stop();

  // After a commit (the writer thread; cheap, never blocks).
  void on_message(const AppendResult& r);
  void on_invite(const GroupInvite& invite);

  // --- targets (POST/GET/DELETE /v1/push/targets) ---
  std::vector<std::string> providers() const;
  // kForbidden: the provider is not on here, or will not send there (a Web Push endpoint
  // not allowed); kInvalid: a token or subscription the provider cannot read.
  Status validate(const std::string& provider, const std::string& token) const;
  // Blocks until committed.
  Result<std::int64_t> register_target(UserId user, DeviceId device, const std::string& provider, std::string token);
  Result<std::vector<PushTarget>> targets(UserId user) { return store_.push_targets(user); }
  Status remove_target(UserId user, std::int64_t id);

  const Stats& stats() const { return stats_; }
  const Options& options() const { return opt_; }

  // What a due job becomes (public for the unit tests): nullopt to drop it.
  static std::optional<Notification> compose(const PushJob& job, const PushContext& ctx, const std::string& sender_name,
                                             TimeMs now, const Options& opt);

 private:
  void flush();
  void work(int index);
  void handle(PushJob job, TimeMs lease_end);
  TimeMs backoff(int attempts);
  std::string sender_name(UserId viewer, UserId sender);
  void finish(PushJob job, PushFinish f);

  Store& store_;
  const Clock& clock_;
  Random& random_;
  const Options opt_;
  std::map<std::string, std::unique_ptr<Provider>, std::less<>> providers_;
  std::function<bool(UserId, bool)> foreground_;
  Stats stats_;

  // A committed message or invite, before it becomes one event per recipient (flush).
  struct Pending {
    PushEvent event;  // user unset
    std::vector<UserId> recipients;
  };
  std::mutex mu_;  // guards queue_, queued_events_
  std::vector<Pending> queue_;
  std::size_t queued_events_ = 0;
  PeriodicThread flusher_;

  std::mutex wmu_;  // guards stopping_, stored_
  std::condition_variable wcv_;
  bool stopping_ = false;
  std::uint64_t stored_ = 0;  // flushes that stored jobs due at once: an idle worker looks again
  std::vector<std::thread> workers_;
};

}  // namespace parley::push
