// parley-bench: load generator and benchmark for parleyd. Every scenario prints a human
// summary to stderr and, as its last line on stdout, one JSON object (bench/README.md).
// This file reads the command line and runs one scenario; the scenarios live beside it.
#include <CLI/CLI.hpp>
#include <iostream>
#include <stdexcept>

#include "bench/common.h"
#include "bench/report.h"
#include "bench/scenarios.h"

using namespace parley::bench;
namespace json = boost::json;

int main(int argc, char** argv) {
  CLI::App app{"parley-bench - load generator and benchmark for parleyd"};
  app.require_subcommand(1);
  Common c;
  app.add_option("--spawn", c.spawn, "start this parleyd on a free port with a temporary data directory")
      ->check(CLI::ExistingFile);
  app.add_option("--server", c.server, "use a running server, e.g. http://127.0.0.1:8080");
  app.add_option("--servers", c.servers, "use the running nodes of a cluster (users spread over them)")
      ->delimiter(',');
  app.add_option("--nodes", c.nodes, "with --spawn: start this many nodes (needs --postgres and --nats)")
      ->check(CLI::Range(1, 16));
  app.add_option("--postgres", c.postgres,
                 "with --spawn: run on PostgreSQL (libpq string of a server; a fresh database is created)");
  app.add_option("--nats", c.nats, "with --spawn: run on NATS (comma-separated nats:// URLs)");
  app.add_option("--admin-secret", c.admin_secret, "the running server's auth.admin_secret (with --server)");
  app.add_option("--threads", c.threads, "client io threads")->check(CLI::Range(1, 64));
  app.add_option("--server-set", c.sets, "extra --set for the spawned server (section.key=value)");
  app.add_flag("--no-receipts", c.no_receipts, "receivers do not send delivered receipts");

  PairsOptions po;
  auto* one = app.add_subcommand("one-to-one", "P sender/receiver pairs, flat out or at a total rate");
  one->add_option("--pairs", po.pairs, "pairs")->check(CLI::Range(1, 100000));
  one->add_option("--rate", po.rate, "total messages per second (default: flat out)")->check(CLI::NonNegativeNumber);
  one->add_option("--duration", po.duration, "seconds of sending")->check(CLI::Range(0.5, 3600.0));
  one->add_option("--window", po.window, "unacked messages per sender")->check(CLI::Range(1, 100000));
  one->add_flag("--library-client", po.library,
                "drive the load with the C++ client library (as the crash scenarios do) instead of the lean path");
  one->add_option("--upload-burst", po.upload_burst, "uploaders running in the middle third of the window (lean path)")
      ->check(CLI::Range(0, 1000));
  one->add_option("--burst-file-mb", po.burst_file_mb, "MiB per file the burst uploads")->check(CLI::Range(1, 100));
  one->add_option("--burst-cycles", po.burst_cycles,
                  "bursts in the window, calm and burst slices of equal length alternating (default 1: the middle third)")
      ->check(CLI::Range(1, 50));
  one->add_option("--burst-megapixels", po.burst_megapixels, "megapixels per photo the burst uploads")
      ->check(CLI::Range(0.1, 50.0));
  one->add_option("--push", po.push,
                  "every receiver has a webhook push target at a sink in the bench that answers at once or never "
                  "(lean path)")
      ->check(CLI::IsMember({"healthy", "stalled"}));
  one->add_option("--push-answer-ms", po.push_answer_ms, "with --push healthy: the sink answers this long after a request")
      ->check(CLI::Range(0, 600000));
  PairsOptions co;
  co.pairs = 20;
  co.duration = 6;
  auto* crash = app.add_subcommand("crash", "one-to-one traffic, kill -9 the server, restart, verify nothing lost");
  crash->add_option("--pairs", co.pairs, "pairs")->check(CLI::Range(1, 100000));
  crash->add_option("--duration", co.duration, "seconds of sending")->check(CLI::Range(1.0, 3600.0));
  crash->add_option("--rate", co.rate, "total messages per second (default: flat out)")->check(CLI::NonNegativeNumber);
  PairsOptions cc;
  cc.pairs = 20;
  cc.duration = 6;
  auto* cluster_crash = app.add_subcommand(
      "cluster-crash", "one-to-one traffic across nodes, kill -9 one node, verify nothing lost or duplicated");
  cluster_crash->add_option("--pairs", cc.pairs, "pairs")->check(CLI::Range(1, 100000));
  cluster_crash->add_option("--duration", cc.duration, "seconds of sending")->check(CLI::Range(1.0, 3600.0));
  cluster_crash->add_option("--rate", cc.rate, "total messages per second (default: flat out)")
      ->check(CLI::NonNegativeNumber);
  int count = 20000;
  auto* offline = app.add_subcommand("offline", "send N messages to an offline user, then time the drain");
  offline->add_option("--count", count, "messages")->check(CLI::Range(1, 10000000));
  int conns = 1000;
  double hold = 2;
  auto* connections = app.add_subcommand("connections", "N idle signed-in connections; server memory per connection");
  connections->add_option("--conns", conns, "connections")->check(CLI::Range(1, 1000000));
  connections->add_option("--hold", hold, "seconds to hold them open")->check(CLI::Range(0.0, 3600.0));
  PresenceOptions pr;
  auto* presence = app.add_subcommand(
      "presence", "N users online and heartbeating, each watching K others: server CPU per heartbeat, notify latency");
  presence->add_option("--users", pr.users, "connected users")->check(CLI::Range(2, 1000000));
  presence->add_option("--subscriptions", pr.subscriptions, "users each one watches")->check(CLI::Range(1, 1000));
  presence->add_option("--duration", pr.duration, "seconds of each window (heartbeats only; then changes)")
      ->check(CLI::Range(1.0, 3600.0));
  presence->add_option("--toggle-rate", pr.toggle_rate, "users going idle or active per second in the second window")
      ->check(CLI::Range(0.1, 100000.0));
  FanoutOptions go;
  auto* group = app.add_subcommand("group", "G groups of M members, members posting at a total rate R or flat out");
  group->add_option("--groups", go.groups, "groups")->check(CLI::Range(1, 10000));
  group->add_option("--members", go.members, "members per group (the server's groups.max_members at most)")
      ->check(CLI::Range(2, 10000));
  group->add_option("--posters", go.posters, "posting members per group")->check(CLI::Range(1, 10000));
  group->add_option("--rate", go.rate, "total posts per second (default: flat out)")->check(CLI::NonNegativeNumber);
  group->add_option("--duration", go.duration, "seconds of posting")->check(CLI::Range(0.5, 3600.0));
  group->add_option("--window", go.window, "unacked posts per poster")->check(CLI::Range(1, 100000));
  FanoutOptions ro;
  ro.room = true;
  ro.members = 70000;
  ro.groups = 1;
  auto* room = app.add_subcommand("room", "one room of N members, M of them online on one node, K posters");
  room->add_option("--members", ro.members, "room members")->check(CLI::Range(2, 10000000));
  room->add_option("--online", ro.online, "members connected (default: all, within the open-file limit)")
      ->check(CLI::Range(1, 10000000));
  room->add_option("--posters", ro.posters, "posting members (more than one lets everyone post)")
      ->check(CLI::Range(1, 10000));
  room->add_option("--rate", ro.rate, "total posts per second (default: flat out)")->check(CLI::NonNegativeNumber);
  room->add_option("--duration", ro.duration, "seconds of posting")->check(CLI::Range(0.5, 3600.0));
  room->add_option("--window", ro.window, "unacked posts per poster")->check(CLI::Range(1, 100000));
  MediaTransferOptions mt;
  auto* transfer = app.add_subcommand("media-transfer", "C workers upload files of N MiB for S s, then download them");
  transfer->add_option("--concurrency", mt.concurrency, "workers (users, connections)")->check(CLI::Range(1, 1000));
  transfer->add_option("--size-mb", mt.size_mb, "MiB per file (the server's media.max_file_mb at most)")
      ->check(CLI::Range(1, 1024));
  transfer->add_option("--duration", mt.duration, "seconds of uploads, then at most as long of downloads")
      ->check(CLI::Range(0.5, 3600.0));
  transfer->add_option("--max-files", mt.max_files, "files in all (default: 8 GiB worth)")
      ->check(CLI::Range(1, 10000000));
  transfer->add_flag("--single-request", mt.single_request, "each file in one POST instead of PATCHes of 1 MiB");
  MediaImagesOptions mi;
  auto* images = app.add_subcommand("media-images", "upload one synthetic JPEG N times: processing time, peak memory");
  images->add_option("--count", mi.count, "uploads")->check(CLI::Range(1, 100000));
  images->add_option("--megapixels", mi.megapixels, "size of the photo (4:3)")->check(CLI::Range(0.1, 50.0));
  images->add_option("--concurrency", mi.concurrency, "uploaders (1: peak memory is one photo's)")
      ->check(CLI::Range(1, 64));
  HistorySearchOptions hs;
  auto* history_search = app.add_subcommand(
      "history-search", "load a long chat and a search set, then time history pages and searches over HTTP");
  history_search->add_option("--history-messages", hs.history_messages, "messages in the history chat (A to B)")
      ->check(CLI::Range(int64_t{1}, int64_t{100000000}));
  history_search->add_option("--search-messages", hs.search_messages, "messages of the search set (S to its peers)")
      ->check(CLI::Range(int64_t{1}, int64_t{100000000}));
  history_search->add_option("--search-chats", hs.search_chats, "direct chats of the search set")
      ->check(CLI::Range(1, 100000));
  history_search->add_option("--queries", hs.queries, "requests per measurement (at least)")
      ->check(CLI::Range(1, 1000000));
  history_search->add_option("--min-window", hs.min_window,
                             "seconds per measurement at least (more requests, at most 100 x --queries)")
      ->check(CLI::Range(0.0, 600.0));
  history_search->add_option("--max-window", hs.max_window, "seconds per measurement at most (fewer requests then)")
      ->check(CLI::Range(1.0, 3600.0));
  history_search->add_option("--window", hs.window, "unacked messages on each loading connection")
      ->check(CLI::Range(1, 100000));
  PushJobsOptions pj;
  auto* push_jobs = app.add_subcommand(
      "push-jobs", "N offline recipients with webhook targets, one sender: notifications per second, CPU, delay");
  push_jobs->add_option("--recipients", pj.recipients, "recipients, each with a webhook target")
      ->check(CLI::Range(1, 100000));
  push_jobs->add_option("--messages", pj.messages, "messages in all, round robin over the recipients")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{10000000}));
  push_jobs->add_option("--workers", pj.workers, "the server's push.workers")->check(CLI::Range(1, 64));
  push_jobs->add_option("--collapse-ms", pj.collapse_ms, "the server's push.collapse_ms")
      ->check(CLI::Range(0, 600000));
  push_jobs->add_option("--rate", pj.rate, "messages per second (default: flat out)")->check(CLI::NonNegativeNumber);
  push_jobs->add_option("--window", pj.window, "unacked messages")->check(CLI::Range(1, 100000));
  push_jobs->add_option("--max-wait", pj.max_wait, "seconds without a new notification before giving up")
      ->check(CLI::Range(1.0, 3600.0));
  push_jobs->add_flag("--no-targets", pj.no_targets,
                      "register no targets: the same messages without notifications (the message path's own cost)");
  CLI11_PARSE(app, argc, argv);

  try {
    json::object r;
    if (*one && po.library && (po.upload_burst > 0 || !po.push.empty()))
      throw std::runtime_error("--upload-burst and --push run on the lean path only");
    if (*one) r = po.library ? run_pairs_library(c, po) : run_one_to_one(c, po);
    if (*crash) {
      co.crash = true;
      r = run_pairs_library(c, co);
    }
    if (*cluster_crash) {
      cc.crash_node = true;
      r = run_pairs_library(c, cc);
    }
    if (*offline) r = run_offline(c, count);
    if (*connections) r = run_connections(c, conns, hold);
    if (*presence) r = run_presence(c, pr);
    if (*group) r = run_fanout(c, go);
    if (*room) r = run_fanout(c, ro);
    if (*transfer) r = run_media_transfer(c, mt);
    if (*images) r = run_media_images(c, mi);
    if (*history_search) r = run_history_search(c, hs);
    if (*push_jobs) r = run_push_jobs(c, pj);
    std::cout << to_line(r) << std::endl;
    if ((*crash || *cluster_crash) && (r["lost"].as_int64() != 0 || r["duplicates"].as_int64() != 0 ||
                                       r["out_of_order"].as_int64() != 0 || r["acked"].as_int64() == 0))
      return 3;
    // Media runs in which an upload or download failed measured something else.
    auto count = [&r](const char* key) { return r.contains(key) ? r[key].as_int64() : 0; };
    const auto media_failures = count("upload_errors") + count("download_errors") + count("download_mismatches") +
                                count("burst_upload_errors");
    if (media_failures > 0 || (r.contains("upload_burst") && count("burst_uploads") == 0)) return 3;
    // history-search: a load that stopped short or a request that failed.
    if (count("incomplete_loads") + count("request_errors") > 0) return 3;
    // Push: a sink that got bodies it could not read, a healthy one that answered nothing,
    // a stalled one no request reached, or push-jobs messages no notification covered.
    if (count("push_unreadable") > 0) return 3;
    if (*one && po.push == "healthy" && count("notifications") == 0) return 3;
    if (*one && po.push == "stalled" && count("push_requests") == 0) return 3;
    if (*push_jobs && !pj.no_targets && (count("notifications") == 0 || count("messages_not_covered") > 0)) return 3;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "parley-bench: " << e.what() << "\n";
    return 1;
  }
}
