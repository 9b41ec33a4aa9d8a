// The scenarios of parley-bench (bench/README.md). Each runs against the targets the
// common options name and returns its result: one JSON object, printed as the last line.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "bench/common.h"

namespace parley::bench {

struct PairsOptions {
  int pairs = 100;
  double rate = 0;  // total msg/s; 0 = flat out
  double duration = 10;
  int window = 64;          // unacked messages per sender
  bool crash = false;       // kill -9 the server and restart it
  bool crash_node = false;  // kill -9 node 1 of a cluster; its clients move to other nodes
  bool library = false;     // one-to-one on the client library instead of the lean path
  // one-to-one on the lean path: uploaders in the middle third of the window (0: none), and
  // the MiB of their files and the megapixels of their photos.
  int upload_burst = 0;
  int burst_file_mb = 4;
  int burst_cycles = 1;  // bursts in the window, each followed by as long a calm
  double burst_megapixels = 12;
  // one-to-one on the lean path: "" (no push targets), or every receiver with a webhook
  // target at a PushSink that is "healthy" (answers at once) or "stalled" (never answers).
  std::string push;
  int push_answer_ms = 0;  // healthy: the sink answers this long after a request (a slow gateway)
};

struct PushJobsOptions {
  int recipients = 200;          // each with a webhook target, never connected
  std::int64_t messages = 20000;  // sent round robin over the recipients' chats
  int workers = 4;               // push.workers
  int collapse_ms = 0;           // push.collapse_ms
  double rate = 0;               // msg/s; 0 = flat out with `window` unacked
  int window = 64;
  double max_wait = 60;          // seconds without a new notification before giving up
  bool no_targets = false;       // the same messages with no target: the message path's own cost
};

struct PresenceOptions {
  int users = 1000;
  int subscriptions = 20;
  double duration = 10;
  double toggle_rate = 50;  // users going idle / active per second, in the latency window
};

struct FanoutOptions {
  bool room = false;
  int groups = 10;    // group: how many groups
  int members = 256;  // members per group, or of the room
  int online = 0;     // room: members connected (0: all, within the open-file budget)
  int posters = 1;    // per group, or in the room
  double rate = 0;    // total posts per second; 0 = flat out
  double duration = 10;
  int window = 16;  // unacked posts per poster
};

struct MediaTransferOptions {
  int concurrency = 1;          // uploaders (then downloaders), each its own user and connection
  int size_mb = 10;             // MiB per file
  double duration = 10;         // seconds of each phase: uploads, then downloads
  int max_files = 0;            // files in all; 0: 8 GiB worth, at least one per worker
  bool single_request = false;  // the whole file in the POST instead of PATCHes of 1 MiB
};

struct MediaImagesOptions {
  int count = 20;
  double megapixels = 12;
  int concurrency = 1;  // 1: the peak memory is one image's
};

struct HistorySearchOptions {
  std::int64_t history_messages = 1000000;  // user A to user B, one direct chat
  std::int64_t search_messages = 1000000;   // user S to its peers, round robin
  int search_chats = 1000;                  // S's peers (direct chats)
  int queries = 500;                        // requests per measurement, at least
  double min_window = 2;                    // seconds per measurement, at least (CPU resolution)
  double max_window = 120;                  // seconds per measurement, at most (fewer than Q requests then)
  int window = 512;                         // unacked messages on each loading connection
};

// one-to-one on the lean load path (lean_ws.h), with an upload burst (upload_burst.h).
boost::json::object run_one_to_one(const Common& c, const PairsOptions& o);
// one-to-one on the client library (--library-client), crash and cluster-crash.
boost::json::object run_pairs_library(const Common& c, const PairsOptions& o);
boost::json::object run_offline(const Common& c, int count);
boost::json::object run_connections(const Common& c, int conns, double hold);
boost::json::object run_presence(const Common& c, const PresenceOptions& o);
// group and room, on the lean load path.
boost::json::object run_fanout(const Common& c, const FanoutOptions& o);
// Media over HTTP (media_client.h): bytes per second up and down, and photos processed.
boost::json::object run_media_transfer(const Common& c, const MediaTransferOptions& o);
boost::json::object run_media_images(const Common& c, const MediaImagesOptions& o);
// Push notifications through the webhook provider to a sink in the bench (push_jobs.cc).
boost::json::object run_push_jobs(const Common& c, const PushJobsOptions& o);
// History pages and full-text search over loaded data (history_search.cc). Prints a line
// per phase and measurement itself and returns the last (`data`).
boost::json::object run_history_search(const Common& c, const HistorySearchOptions& o);

}  // namespace parley::bench
