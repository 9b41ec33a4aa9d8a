// App: the /metrics lines whose values live in the parts App put together (the store's
// writer, the bus, sign-in, presence, the io threads), written with core/metrics.h's
// PromText like the process-wide counters.
#include "app/app.h"
#include "bus/nats_bus.h"
#include "core/no_wait.h"

namespace parley::app {

std::string App::node_metrics(NatsBus* nats) const {
  PromText t;
  auto st = store_->writer_stats();
  if (nats)
    t.gauge("parley_cluster_nodes", "Nodes heard from on the bus, this one included", nats->nodes().size())
        .gauge("parley_bus_connected", "1 while connected to NATS", nats->available() ? 1 : 0)
        .counter("parley_bus_reconnects_total", "Reconnections to NATS", nats->reconnects())
        .counter("parley_bus_received_total", "Announcements received from other nodes", nats->received())
        .counter("parley_bus_publish_failures_total", "Announcements NATS refused", nats->publish_failures())
        .counter("parley_bus_misrouted_total", "Announcements dropped: not for the user or room of their subject",
                 nats->misrouted());
  auto as = auth_ ? auth_->stats() : auth::AuthService::Stats{};
  t.counter("parley_codes_sent_total", "Sign-in codes handed to the code sender", as.codes_sent)
      .counter("parley_sms_budget_refusals_total", "Code requests refused because an SMS budget was spent",
               as.sms_budget_refusals);
  auto ps = presence_ ? presence_->stats() : presence::Stats{};
  t.gauge("parley_presence_online_users", "Users online through a device on this node", ps.online_users)
      .gauge("parley_presence_devices", "Devices presence tracks on this node (connected or lingering)", ps.devices)
      .gauge("parley_presence_watched_users", "Users watched by devices on this node", ps.watched_users);
  t.counter("parley_store_commits_total", "Group commits (transactions)", st.batches)
      .counter("parley_store_writes_total", "Writes committed through group commit", st.tasks)
      .counter("parley_store_failed_commits_total", "Transactions rolled back", st.failed_batches)
      .counter("parley_store_retried_commits_total", "Transactions run again after losing a race to another node",
               st.retried_batches)
      .raw(store_->writer_histograms().batch_size.render("parley_store_commit_batch_size", "Writes per group commit"))
      .raw(store_->writer_histograms().commit_seconds.render("parley_store_commit_seconds",
                                                              "Group commit latency, BEGIN to COMMIT done (fsync included)"))
      .raw(store_->writer_histograms().wait_seconds.render(
          "parley_store_commit_wait_seconds", "How long each commit's oldest write waited for the writer"));
  if (st.has_wal)
    t.raw(store_->writer_histograms().wal_restart_seconds.render(
             "parley_store_wal_restart_seconds", "How long each WAL restart held the writer (between two commits)"))
        .gauge("parley_store_wal_bytes", "Size of the SQLite WAL file", st.wal_bytes)
        .counter("parley_store_checkpoints_total", "Background WAL checkpoints (passive)", st.wal_checkpoints)
        .counter("parley_store_wal_restarts_total", "WAL restarts after it grew past store.wal_limit_mb", st.wal_restarts)
        .counter("parley_store_wal_restarts_foiled_total",
                 "WAL restarts given up because a reader was still on the old WAL", st.wal_restarts_foiled)
        .counter("parley_store_checkpoint_seconds_total", "Time the checkpoint thread spent checkpointing",
                 static_cast<double>(st.checkpoint_us) / 1e6);
  if (media_) {
    auto& mc = media_->counters();
    t.counter("parley_media_uploads_total", "Uploads finished and stored", mc.uploads.load())
        .counter("parley_media_refused_total", "Uploads refused at their last byte (type or image)", mc.refused.load())
        .counter("parley_media_bytes_in_total", "Bytes of finished uploads", mc.bytes_in.load())
        .counter("parley_media_bytes_out_total", "Bytes of media read for downloads", mc.bytes_out.load())
        .counter("parley_media_swept_total", "Stored objects removed because nothing referred to them", mc.swept.load())
        .gauge("parley_media_uploads_in_progress", "Uploads open on this node", media_->uploads_in_progress());
  }
  if (push_) {
    const auto& p = push_->stats();
    t.counter("parley_push_queued_total", "Push events stored as jobs (or collapsed into one)", p.queued.load())
        .counter("parley_push_overflow_total", "Push events dropped: the queue was full", p.overflow.load())
        .counter("parley_push_sent_total", "Notifications a push provider accepted", p.sent.load())
        .counter("parley_push_retried_total", "Notifications to send again (5xx, 429, timeouts)", p.retried.load())
        .counter("parley_push_dropped_total",
                 "Notifications not sent: the user was back, had read, had muted, too old, or refused", p.dropped.load())
        .counter("parley_push_targets_removed_total", "Push targets removed because the provider called them gone",
                 p.targets_removed.load());
  }
  if (server_) {
    std::vector<std::pair<std::string, std::string>> waiting, wakeups;
    auto stats = server_->io_stats();
    for (std::size_t i = 0; i < stats.size(); ++i) {
      waiting.emplace_back("io-" + std::to_string(i), std::to_string(stats[i].first));
      wakeups.emplace_back("io-" + std::to_string(i), std::to_string(stats[i].second));
    }
    t.add("parley_io_mail_waiting", "gauge", "Hand-offs waiting for an io thread", "thread", waiting)
        .add("parley_io_wakeups_total", "counter", "Times other threads woke an io thread with mail", "thread", wakeups)
        .counter("parley_io_thread_store_reads_total",
                 "Store reads made on an io thread (a bug: they stall its connections)", no_wait::violations.load());
  }
  return t.take();
}

}  // namespace parley::app
