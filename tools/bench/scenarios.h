// The scenarios of parley-bench (bench/README.md). Each runs against the targets the
// common options name and returns its result: one JSON object, printed as the last line.
#pragma once

#include <boost/json/object.hpp>

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

// one-to-one on the lean load path (lean_ws.h).
boost::json::object run_one_to_one(const Common& c, const PairsOptions& o);
// one-to-one on the client library (--library-client), crash and cluster-crash.
boost::json::object run_pairs_library(const Common& c, const PairsOptions& o);
boost::json::object run_offline(const Common& c, int count);
boost::json::object run_connections(const Common& c, int conns, double hold);
boost::json::object run_presence(const Common& c, const PresenceOptions& o);
// group and room, on the lean load path.
boost::json::object run_fanout(const Common& c, const FanoutOptions& o);

}  // namespace parley::bench
