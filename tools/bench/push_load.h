// What the push scenarios share (push-jobs, one-to-one --push): the server settings that
// point parleyd's `webhook` provider at a PushSink, a webhook target for each recipient,
// and the order of shutdown (the sink lets go of stalled requests before parleyd stops).
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "bench/common.h"
#include "bench/push_sink.h"

namespace parley::bench {

// Parses --push: "healthy" or "stalled"; throws on anything else.
PushSink::Mode push_mode(const std::string& name);

// Common with the `--set`s that turn the webhook provider on towards `sink` (and the log
// provider off) put before the user's own --server-set, which win.
Common with_webhook(const Common& c, const PushSink& sink, const std::vector<std::string>& more_sets = {});

// Registers a webhook target ("bench-<user id>") for each user, as its device would
// (POST /v1/push/targets), a few at a time; throws on the first refusal.
void register_webhook_targets(const Targets& t, const std::vector<BenchUser>& users);

// Notifications that announce again messages an earlier one of the same chat announced:
// note k covers seqs (seq - count, seq], and a job's count drops by what a sent
// notification covered, so in a sound run these ranges never overlap. An overlap is one
// job sent twice (by two workers, or an old copy after a newer one). One target per
// recipient and a sink that answers every request assumed.
std::int64_t overlapping_notifications(const std::vector<PushSink::Note>& notes);

// Distinct chats with at least one notification.
std::int64_t chats_notified(const std::vector<PushSink::Note>& notes);

// The server's push counters (/metrics, parley_push_*_total); -1 each when unreadable.
struct PushCounters {
  double queued = -1, overflow = -1, sent = -1, retried = -1, dropped = -1;
  static PushCounters read(const Targets& t);
  // server_push_<name> = this minus `before`, for each counter both read.
  void report_since(boost::json::object& r, const PushCounters& before) const;
};

// Declared after the Targets: stops the sink first when the scope ends, also on a throw,
// so no push worker is still waiting on it when parleyd is asked to stop.
struct SinkStopsFirst {
  PushSink* sink = nullptr;
  ~SinkStopsFirst() {
    if (sink) sink->stop();
  }
};

}  // namespace parley::bench
