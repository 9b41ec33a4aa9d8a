// Cluster mode end to end: real parleyd nodes on one real PostgreSQL and NATS, clients
// on different nodes over real WebSockets. The failure tests restart PostgreSQL or NATS
// on private instances so the suite's shared ones stay up for parallel tests.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include "parley/http.h"
#include "parley/session.h"
#include "support/eventually.h"
#include "support/server_process.h"
#include "support/services.h"
#include "support/webhook_sink.h"

namespace parley::testing {
namespace {

using client::EventLog;
using client::Session;


struct Cluster {
  Cluster(const Services& services, int nodes, std::vector<std::string> extra = {}) {
    auto overrides = services.node_overrides(services.fresh_database());
    overrides.insert(overrides.end(), extra.begin(), extra.end());
    overrides.push_back("limits.send_rate_per_s=100000");
    overrides.push_back("limits.send_burst=100000");
    for (int i = 0; i < nodes; ++i) {
      auto o = overrides;
      o.push_back("bus.node_id=node-" + std::to_string(i));
      node.push_back(std::make_unique<ServerProcess>(o));
    }
  }
  client::Options on(int n, const TestUser& u, std::vector<int> alternates = {}) const {
    client::Options o;
    o.server = node[n]->endpoint();
    for (int a : alternates) o.alternates.push_back(node[a]->endpoint());
    o.token = u.token;
    return o;
  }
  std::vector<std::unique_ptr<ServerProcess>> node;
};

int count_text(const EventLog& l, const std::string& text) {
  int n = 0;
  for (auto& m : l.messages) n += m.text == text;
  return n;
}

bool has_error(const EventLog& l, const std::string& code) {
  for (auto& e : l.errors)
    if (e.code == code) return true;
  return false;
}

// Every message in `log` from `from`, checked to be exactly once and in seq order.
void expect_exactly_once_in_order(const EventLog& log, std::int64_t chat, int expected) {
  std::set<std::int64_t> seen;
  std::int64_t last = 0;
  for (auto& m : log.messages) {
    if (m.chat != chat) continue;
    EXPECT_TRUE(seen.insert(m.seq).second) << "seq " << m.seq << " delivered twice";
    EXPECT_GT(m.seq, last) << "seq " << m.seq << " after " << last;
    last = m.seq;
  }
  EXPECT_EQ(static_cast<int>(seen.size()), expected);
}

class ClusterTest : public ::testing::Test {
 protected:
  explicit ClusterTest(std::vector<std::string> extra = {}) : cluster(Services::shared(), 3, with_debug(extra)) {}
  static std::vector<std::string> with_debug(std::vector<std::string> extra) {
    extra.push_back("log.level=debug");
    return extra;
  }
  void TearDown() override {
    if (!HasFailure()) return;
    for (std::size_t i = 0; i < cluster.node.size(); ++i) {
      std::istringstream log(cluster.node[i]->log());
      std::vector<std::string> lines;
      for (std::string line; std::getline(log, line);) lines.push_back(line);
      std::cerr << "---- node " << i << " log (last 40 lines)\n";
      for (std::size_t k = lines.size() > 40 ? lines.size() - 40 : 0; k < lines.size(); ++k) std::cerr << lines[k] << "\n";
    }
  }
  Cluster cluster;
};

TEST_F(ClusterTest, three_nodes_register_and_see_each_other_through_nats) {
  for (auto& n : cluster.node) {
    ASSERT_TRUE(eventually([&] {
      auto r = client::http_call(n->endpoint(), "GET", "/v1/admin/nodes", {}, kAdminSecret);
      return r.ok() && r.json.at("nodes").as_array().size() == 3;
    })) << "node on port " << n->port() << " does not see all three nodes";
    auto ready = client::http_call(n->endpoint(), "GET", "/readyz");
    EXPECT_EQ(ready.status, 200);
  }
}

TEST_F(ClusterTest, users_on_different_nodes_chat_and_ticks_cross_nodes) {
  auto u = make_users(*cluster.node[0], 2);
  Session alice(cluster.on(0, u[0])), bob(cluster.on(1, u[1]));
  ASSERT_TRUE(alice.wait([](auto& l) { return l.synced > 0; }));
  ASSERT_TRUE(bob.wait([](auto& l) { return l.synced > 0; }));

  alice.send_to_user(u[1].user, "hello from node 0");
  ASSERT_TRUE(bob.wait([](auto& l) { return count_text(l, "hello from node 0") == 1; }));
  auto m = bob.snapshot().messages.at(0);
  EXPECT_EQ(m.from, u[0].user);
  EXPECT_EQ(m.seq, 1);
  // Bob's client sends `delivered` on its own; then he reads it. Both ticks reach Alice.
  bob.connection().mark_read(m.chat, m.seq);
  ASSERT_TRUE(alice.wait([&](auto& l) {
    for (auto& r : l.receipts)
      if (r.chat == m.chat && r.read >= 1 && r.delivered >= 1) return true;
    return false;
  }));

  bob.send_to_user(u[0].user, "reply from node 1");
  ASSERT_TRUE(alice.wait([](auto& l) { return count_text(l, "reply from node 1") == 1; }));
  for (auto& x : alice.snapshot().messages) {
    if (x.text == "reply from node 1") {
      EXPECT_EQ(x.seq, 2);
    }
  }
}

TEST_F(ClusterTest, one_users_devices_on_different_nodes_all_receive) {
  auto u = make_users(*cluster.node[0], 2);
  auto bob2 = add_device(*cluster.node[0], u[1].phone, "bob-laptop");
  Session alice(cluster.on(0, u[0])), bob_phone(cluster.on(1, u[1])), bob_laptop(cluster.on(2, bob2));
  for (Session* s : {&alice, &bob_phone, &bob_laptop}) ASSERT_TRUE(s->wait([](auto& l) { return l.synced > 0; }));

  alice.send_to_user(u[1].user, "to both of bob's devices");
  ASSERT_TRUE(bob_phone.wait([](auto& l) { return count_text(l, "to both of bob's devices") == 1; }));
  ASSERT_TRUE(bob_laptop.wait([](auto& l) { return count_text(l, "to both of bob's devices") == 1; }));

  // What Bob sends from his phone (node 1) shows on his laptop (node 2) too.
  bob_phone.send_to_user(u[0].user, "sent from the phone");
  ASSERT_TRUE(bob_laptop.wait([](auto& l) { return count_text(l, "sent from the phone") == 1; }));
  ASSERT_TRUE(alice.wait([](auto& l) { return count_text(l, "sent from the phone") == 1; }));
}

TEST_F(ClusterTest, concurrent_senders_on_three_nodes_keep_one_gap_free_order) {
  auto u = make_users(*cluster.node[0], 2);
  auto a2 = add_device(*cluster.node[0], u[0].phone, "alice-2");
  // Alice on nodes 0 and 1, Bob on node 2: three devices sending into one chat at once.
  Session s0(cluster.on(0, u[0])), s1(cluster.on(1, a2)), s2(cluster.on(2, u[1]));
  for (Session* s : {&s0, &s1, &s2}) ASSERT_TRUE(s->wait([](auto& l) { return l.synced > 0; }));
  s0.send_to_user(u[1].user, "open");
  ASSERT_TRUE(s0.wait([](auto& l) { return l.acks.size() == 1; }));
  std::int64_t chat = s0.snapshot().acks[0].chat;

  constexpr int kEach = 300;
  std::vector<std::thread> senders;
  for (Session* s : {&s0, &s1, &s2})
    senders.emplace_back([s, chat] {
      for (int i = 0; i < kEach; ++i) s->send_to_chat(chat, "m" + std::to_string(i));
    });
  for (auto& t : senders) t.join();
  auto explain = [&](Session& s) {
    auto l = s.snapshot();
    std::string out = std::to_string(l.acks.size()) + " acks, " + std::to_string(l.connects) + " connects, errors:";
    for (auto& e : l.errors) out += " " + e.code + " (" + e.message + ")";
    for (auto& n : cluster.node) {
      std::istringstream log(n->log());
      for (std::string line; std::getline(log, line);)
        if (line.find("warn") != std::string::npos || line.find("error") != std::string::npos) out += "\n  " + line;
    }
    return out;
  };
  ASSERT_TRUE(s0.wait([](auto& l) { return l.acks.size() == kEach + 1; }, 30000)) << explain(s0);
  ASSERT_TRUE(s1.wait([](auto& l) { return l.acks.size() == kEach; }, 30000)) << explain(s1);
  ASSERT_TRUE(s2.wait([](auto& l) { return l.acks.size() == kEach; }, 30000)) << explain(s2);

  std::vector<std::int64_t> seqs;
  for (Session* s : {&s0, &s1, &s2}) {
    std::int64_t last = 0;
    for (auto& a : s->snapshot().acks) {
      EXPECT_GT(a.seq, last) << "a device's own sends keep their order";
      last = a.seq;
      seqs.push_back(a.seq);
    }
  }
  std::sort(seqs.begin(), seqs.end());
  for (std::size_t i = 0; i < seqs.size(); ++i) ASSERT_EQ(seqs[i], static_cast<std::int64_t>(i + 1));

  // A device syncing Bob's log from the start, on another node, sees the whole chat:
  // every seq once, in order, no gaps.
  auto late = add_device(*cluster.node[1], u[1].phone, "late");
  Session observer(cluster.on(1, late));  // position 0: the whole log
  ASSERT_TRUE(observer.wait([](auto& l) { return l.messages.size() >= 3 * kEach + 1 && l.synced > 0; }, 30000));
  expect_exactly_once_in_order(observer.snapshot(), chat, 3 * kEach + 1);
}

TEST_F(ClusterTest, killed_node_clients_reconnect_to_another_node_and_sync) {
  auto u = make_users(*cluster.node[0], 2);
  Session alice(cluster.on(0, u[0]));
  Session bob(cluster.on(1, u[1], {2}));  // on node 1; node 2 when node 1 is gone
  ASSERT_TRUE(alice.wait([](auto& l) { return l.synced > 0; }));
  ASSERT_TRUE(bob.wait([](auto& l) { return l.synced > 0; }));
  alice.send_to_user(u[1].user, "before");
  ASSERT_TRUE(bob.wait([](auto& l) { return count_text(l, "before") == 1; }));

  cluster.node[1]->kill9();
  for (int i = 0; i < 50; ++i) alice.send_to_user(u[1].user, "after-" + std::to_string(i));
  ASSERT_TRUE(alice.wait([](auto& l) { return l.acks.size() == 51; }));
  ASSERT_TRUE(bob.wait([](auto& l) { return l.connects >= 2 && l.messages.size() >= 51; }, 20000));
  auto log = bob.snapshot();
  expect_exactly_once_in_order(log, alice.snapshot().acks[0].chat, 51);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(count_text(log, "after-" + std::to_string(i)), 1);
}

// Alice (node 0) and Bob (node 1) chat; `outage` takes a dependency away and `recover`
// brings it back. Sends made during the outage are refused with `unavailable` and none is
// acked; the client resends by itself, and after recovery every message reaches Bob
// exactly once, in order.
void expect_outage_refuses_then_resumes(const Cluster& cluster, const std::function<void()>& outage,
                                        const std::function<void()>& recover) {
  auto u = make_users(*cluster.node[0], 2);
  Session alice(cluster.on(0, u[0])), bob(cluster.on(1, u[1]));
  ASSERT_TRUE(alice.wait([](auto& l) { return l.synced > 0; }));
  ASSERT_TRUE(bob.wait([](auto& l) { return l.synced > 0; }));
  alice.send_to_user(u[1].user, "m0");
  ASSERT_TRUE(bob.wait([](auto& l) { return l.messages.size() == 1; }));

  outage();
  for (int i = 1; i <= 20; ++i) alice.send_to_user(u[1].user, "m" + std::to_string(i));
  ASSERT_TRUE(alice.wait([](auto& l) { return has_error(l, "unavailable"); }));
  EXPECT_EQ(alice.snapshot().acks.size(), 1u) << "nothing is acked during the outage";

  recover();
  ASSERT_TRUE(alice.wait([](auto& l) { return l.acks.size() == 21; }, 30000));
  ASSERT_TRUE(bob.wait([](auto& l) { return l.messages.size() >= 21; }, 30000));
  expect_exactly_once_in_order(bob.snapshot(), alice.snapshot().acks[0].chat, 21);
}

// Presence across nodes: short threshold and typing timeout, so tests wait for events.
class ClusterPresence : public ClusterTest {
 protected:
  ClusterPresence()
      : ClusterTest({"presence.online_threshold_ms=1000", "presence.heartbeat_ms=300", "presence.typing_timeout_ms=800"}) {}
  client::Options app(int n, const TestUser& u) const {
    auto o = cluster.on(n, u);
    o.foreground = true;
    return o;
  }
};

std::vector<client::Presence> views_of(const EventLog& l, std::int64_t user) {
  std::vector<client::Presence> out;
  for (const auto& p : l.presence)
    if (p.user == user) out.push_back(p);
  return out;
}

bool last_is(Session& s, std::int64_t user, bool visible, bool online, int timeout_ms = 15000) {
  return s.wait([&](const EventLog& l) {
    auto v = views_of(l, user);
    return !v.empty() && v.back().visible == visible && (!visible || v.back().online == online);
  }, timeout_ms);
}

// Alice online (an open app) through `node`, not reconnecting elsewhere; Bob on node 0
// watching her. Empty sessions when a step failed (the failure is already reported).
struct WatchedOnline {
  std::int64_t user = 0;
  std::unique_ptr<Session> bob, alice;
};
WatchedOnline watch_online(const Cluster& cluster, int node) {
  auto u = make_users(*cluster.node[0], 2);
  WatchedOnline w;
  w.user = u[0].user;
  auto bob = std::make_unique<Session>(cluster.on(0, u[1]));
  bob->connection().subscribe_presence({u[0].user});
  EXPECT_TRUE(last_is(*bob, u[0].user, true, false));
  auto alice_app = cluster.on(node, u[0]);
  alice_app.foreground = true;
  alice_app.reconnect = false;
  auto alice = std::make_unique<Session>(alice_app);
  if (!last_is(*bob, u[0].user, true, true)) {
    ADD_FAILURE() << "alice never showed online";
    return w;
  }
  w.bob = std::move(bob);
  w.alice = std::move(alice);
  return w;
}

TEST_F(ClusterPresence, devices_on_two_nodes_and_watchers_on_others_see_one_state) {
  auto u = make_users(*cluster.node[0], 3);
  auto laptop_device = add_device(*cluster.node[0], u[0].phone, "laptop");
  Session bob(cluster.on(2, u[1]));
  bob.connection().subscribe_presence({u[0].user});
  ASSERT_TRUE(last_is(bob, u[0].user, true, false));

  auto phone = std::make_unique<Session>(app(0, u[0]));
  ASSERT_TRUE(last_is(bob, u[0].user, true, true));
  Session laptop(app(1, laptop_device));
  ASSERT_TRUE(laptop.wait([](auto& l) { return l.synced > 0; }));
  phone->connection().set_foreground(false);  // the laptop (node 1) still holds her online
  laptop.connection().set_foreground(false);
  ASSERT_TRUE(bob.wait([&](auto& l) {
    auto v = views_of(l, u[0].user);
    return v.size() >= 3 && !v.back().online && v.back().last_seen > 0;
  }));
  // Offline, online, offline. Notes from two nodes are not ordered with each other, so
  // the phone's "idle" may overtake the laptop's "active": then bob briefly sees her
  // offline and online again. Every view still alternates, and the last one is right.
  auto views = views_of(bob.snapshot(), u[0].user);
  for (std::size_t i = 1; i < views.size(); ++i) EXPECT_NE(views[i].online, views[i - 1].online) << i;

  // A watcher that arrives while she is online through another node learns it at once.
  phone->connection().set_foreground(true);
  ASSERT_TRUE(last_is(bob, u[0].user, true, true));
  Session carol(cluster.on(1, u[2]));
  carol.connection().subscribe_presence({u[0].user});
  ASSERT_TRUE(carol.wait([&](auto& l) { return !views_of(l, u[0].user).empty(); }));
  auto first = views_of(carol.snapshot(), u[0].user).front();
  EXPECT_TRUE(first.visible && first.online) << "the first view on node 1 comes from node 0's state";

  // The phone's connection drops: both watchers see her offline after the threshold.
  phone.reset();
  ASSERT_TRUE(last_is(bob, u[0].user, true, false));
  ASSERT_TRUE(last_is(carol, u[0].user, true, false));
}

TEST_F(ClusterPresence, typing_and_privacy_changes_cross_nodes) {
  auto u = make_users(*cluster.node[0], 2);
  auto alice_laptop = add_device(*cluster.node[0], u[0].phone, "laptop");
  Session alice(app(0, u[0])), laptop(cluster.on(1, alice_laptop)), bob(app(2, u[1]));
  alice.send_to_user(u[1].user, "hi");
  ASSERT_TRUE(alice.wait([](auto& l) { return !l.acks.empty(); }));
  auto chat = alice.snapshot().acks[0].chat;
  ASSERT_TRUE(bob.wait([](auto& l) { return !l.messages.empty(); }));

  alice.connection().set_typing(chat, true);  // never stopped: ends by itself
  ASSERT_TRUE(bob.wait([&](auto& l) { return !l.typing.empty() && l.typing[0].typing && l.typing[0].user == u[0].user; }));
  ASSERT_TRUE(bob.wait([&](auto& l) { return l.typing.size() == 2 && !l.typing[1].typing; }));

  bob.connection().subscribe_presence({u[0].user});
  alice.connection().subscribe_presence({u[1].user});
  ASSERT_TRUE(last_is(bob, u[0].user, true, true));
  ASSERT_TRUE(last_is(alice, u[1].user, true, true));
  alice.connection().privacy("nobody");  // from node 0
  ASSERT_TRUE(last_is(bob, u[0].user, false, false)) << "bob on node 2 no longer sees her";
  ASSERT_TRUE(last_is(alice, u[1].user, false, false)) << "and she no longer sees him";
  ASSERT_TRUE(laptop.wait([](auto& l) { return !l.privacy.empty() && l.privacy.back() == "nobody"; }))
      << "her laptop on node 1 hears the new setting";
  laptop.connection().privacy("everyone");  // from node 1
  ASSERT_TRUE(last_is(bob, u[0].user, true, true));
  ASSERT_TRUE(last_is(alice, u[1].user, true, true));
}

TEST_F(ClusterPresence, users_of_a_killed_node_go_offline_for_watchers_elsewhere) {
  auto w = watch_online(cluster, 1);
  ASSERT_TRUE(w.bob && w.alice);
  cluster.node[1]->kill9();  // no note will ever say she left
  ASSERT_TRUE(last_is(*w.bob, w.user, true, false, 30000));
  EXPECT_GT(views_of(w.bob->snapshot(), w.user).back().last_seen, 0);
}

// A node restarted at once under the same node id (as systemd does) forgets its users; what
// it said about them before the restart must not keep them online elsewhere.
TEST_F(ClusterPresence, a_node_restarted_under_the_same_id_does_not_leave_its_users_online) {
  auto w = watch_online(cluster, 1);
  ASSERT_TRUE(w.bob && w.alice);
  cluster.node[1]->kill9();
  cluster.node[1]->start();  // back within the 3 s in which node 0 would notice it was gone
  ASSERT_TRUE(last_is(*w.bob, w.user, true, false, 30000));
}

// NATS goes away: the node reports not ready and refuses sends (nothing half-delivered);
// once NATS is back every message arrives exactly once.
// Groups across nodes: members on all three nodes, senders on all three at once, and a
// member removed in the middle of the traffic gets nothing committed after the removal.
TEST_F(ClusterTest, group_members_on_three_nodes_share_one_order_and_a_removal_takes_effect_everywhere) {
  auto u = make_users(*cluster.node[0], 4);
  Session a(cluster.on(0, u[0])), b(cluster.on(1, u[1])), c(cluster.on(2, u[2])), d(cluster.on(1, u[3]));
  auto created = a.await_request(a.connection().create_chat("group", "cluster", {u[1].user, u[2].user, u[3].user}));
  ASSERT_TRUE(created.ok());
  auto chat = created.done->chat;
  for (Session* s : {&a, &b, &c, &d})
    ASSERT_TRUE(s->wait([&](const EventLog& l) { return !l.messages.empty(); }));

  constexpr int kEach = 100;
  std::vector<std::thread> senders;
  for (Session* s : {&a, &b, &c})
    senders.emplace_back([s, chat] {
      for (int i = 0; i < kEach; ++i) s->send_to_chat(chat, "m" + std::to_string(i));
    });
  // Node 0's admin removes c (connected to node 2) while everyone sends.
  auto removal = a.await_request(a.connection().change_chat(chat, "remove", {u[2].user}), 30000);
  for (auto& t : senders) t.join();
  ASSERT_TRUE(removal.ok());
  auto removed_at = removal.done->seq;
  ASSERT_TRUE(a.wait([&](const EventLog& l) { return l.acks.size() == kEach; }, 30000));
  ASSERT_TRUE(b.wait([&](const EventLog& l) { return l.acks.size() == kEach; }, 30000));
  // c's sends after its removal are refused; those before it are in the chat.
  ASSERT_TRUE(c.wait([&](const EventLog& l) { return l.acks.size() + l.errors.size() >= kEach; }, 30000));
  auto cl = c.snapshot();
  for (const auto& e : cl.errors) EXPECT_EQ(e.code, "not_member");
  for (const auto& ack : cl.acks) EXPECT_LT(ack.seq, removed_at);
  std::int64_t total = 1 + 2 * kEach + static_cast<std::int64_t>(cl.acks.size()) + 1;  // created, sends, removal
  // d (a member throughout) sees every seq once, in order; c nothing after its removal.
  ASSERT_TRUE(d.wait([&](const EventLog& l) {
    std::int64_t n = 0;
    for (auto& m : l.messages) n += m.chat == chat;
    return n == total;
  }, 30000));
  expect_exactly_once_in_order(d.snapshot(), chat, static_cast<int>(total));
  cl = c.snapshot();
  for (const auto& m : cl.messages) EXPECT_LE(m.seq, removed_at) << "delivered to a removed member";
}

// A room's post is one publish on the room's subject; members on every node get it once.
TEST_F(ClusterTest, room_posts_reach_members_on_every_node_once_and_in_order) {
  auto u = make_users(*cluster.node[0], 7);
  Session admin(cluster.on(0, u[0]));
  auto created = admin.await_request(admin.connection().create_chat("room", "announcements", {}, {{"public", true}}));
  ASSERT_TRUE(created.ok());
  auto room = created.done->chat;
  std::vector<std::unique_ptr<Session>> members;
  for (int i = 1; i < 7; ++i) {
    members.push_back(std::make_unique<Session>(cluster.on(i % 3, u[i])));
    ASSERT_TRUE(members.back()->await_request(members.back()->connection().join_room(room)).ok());
  }
  constexpr int kPosts = 50;
  for (int i = 0; i < kPosts; ++i) admin.send_to_chat(room, "post " + std::to_string(i));
  ASSERT_TRUE(admin.wait([&](const EventLog& l) { return l.acks.size() == kPosts; }, 30000));
  for (auto& m : members) {
    ASSERT_TRUE(m->wait([&](const EventLog& l) { return count_text(l, "post " + std::to_string(kPosts - 1)) == 1; }, 30000));
    auto log = m->snapshot();
    std::int64_t last = 0;
    int posts = 0;
    for (const auto& msg : log.messages) {
      if (msg.chat != room || msg.text.empty()) continue;
      EXPECT_GT(msg.seq, last);
      last = msg.seq;
      ++posts;
    }
    EXPECT_EQ(posts, kPosts);
  }
  // A member reconnecting to another node resumes from its position there.
  members[0]->close();
  for (int i = 0; i < 5; ++i) admin.send_to_chat(room, "later " + std::to_string(i));
  ASSERT_TRUE(admin.wait([&](const EventLog& l) { return l.acks.size() == kPosts + 5; }, 30000));
  Session again(cluster.on(2, u[1]));
  ASSERT_TRUE(again.wait([](const EventLog& l) { return count_text(l, "later 4") == 1; }, 30000));
  int later = 0, early = 0;
  for (const auto& msg : again.snapshot().messages) {
    later += msg.text.rfind("later", 0) == 0;
    early += msg.text.rfind("post", 0) == 0;
  }
  EXPECT_EQ(later, 5);
  EXPECT_EQ(early, 0) << "posts acknowledged on the first node came again";
}

TEST(ClusterFailure, nats_restart_refuses_sends_then_resumes_without_loss) {
  auto services = Services::start();
  Cluster cluster(*services, 2);
  auto ready = [&] { return client::http_call(cluster.node[0]->endpoint(), "GET", "/readyz").status; };
  expect_outage_refuses_then_resumes(
      cluster,
      [&] {
        services->stop_nats();
        ASSERT_TRUE(eventually([&] { return ready() == 503; }));
      },
      [&] { services->start_nats(); });
  EXPECT_EQ(ready(), 200);
}

// PostgreSQL restarts: sends fail with `unavailable` while it is down, then the nodes
// reconnect by themselves and the client's resends land exactly once.
TEST(ClusterFailure, postgres_restart_fails_sends_then_resumes_without_loss) {
  auto services = Services::start();
  Cluster cluster(*services, 2);
  expect_outage_refuses_then_resumes(
      cluster, [&] { services->stop_postgres(); }, [&] { services->start_postgres(); });
}

// A node started before its dependencies waits for them, says so, and then serves.
TEST(ClusterFailure, node_started_before_postgres_and_nats_waits_for_them) {
  auto services = Services::start();
  services->stop_postgres();
  services->stop_nats();
  ServerProcess node(services->node_overrides(services->pg_url()), {}, /*wait=*/false);
  ASSERT_TRUE(eventually([&] { return node.log().find("waiting for postgres") != std::string::npos; })) << node.log();
  services->start_postgres();
  ASSERT_TRUE(eventually([&] { return node.log().find("waiting for nats") != std::string::npos; })) << node.log();
  services->start_nats();
  node.wait_listening();
  auto u = make_users(node, 2);
  client::Options o;
  o.server = node.endpoint();
  o.token = u[0].token;
  Session alice(o);
  alice.send_to_user(u[1].user, "hello");
  EXPECT_TRUE(alice.wait([](auto& l) { return l.acks.size() == 1; }));
}

// Issue 14 item 11: after NATS restarts (or blips), every node's presence views are right
// again: for the watchers that were subscribed and for fresh subscriptions. Six users are
// online, two on each node; a watcher on each node watches all six.
void expect_presence_right_after_nats_comes_back(bool blip) {
  auto services = Services::start();
  Cluster cluster(*services, 3, {"presence.online_threshold_ms=3000", "presence.heartbeat_ms=500"});
  auto u = make_users(*cluster.node[0], 9);  // 0-5 online, 6-8 watch
  std::vector<std::int64_t> ids;
  std::vector<std::unique_ptr<Session>> apps;
  for (int i = 0; i < 6; ++i) {
    auto o = cluster.on(i % 3, u[i]);
    o.foreground = true;
    apps.push_back(std::make_unique<Session>(o));
    ids.push_back(u[i].user);
  }
  auto all_online = [&](const EventLog& l) {
    for (auto id : ids) {
      const client::Presence* last = nullptr;
      for (const auto& p : l.presence)
        if (p.user == id) last = &p;
      if (!last || !last->visible || !last->online) return false;
    }
    return true;
  };
  auto watch = [&](int node) {
    auto w = std::make_unique<Session>(cluster.on(node, u[6 + node]));
    w->connection().subscribe_presence(ids);
    return w;
  };
  std::vector<std::unique_ptr<Session>> watchers;
  for (int n = 0; n < 3; ++n) watchers.push_back(watch(n));
  for (auto& w : watchers) ASSERT_TRUE(w->wait(all_online, 20000)) << "before the outage";
  services->stop_nats();
  if (!blip) std::this_thread::sleep_for(std::chrono::seconds(4));  // longer than the nodes' 3 s of silence
  services->start_nats();
  for (auto& node : cluster.node)
    ASSERT_TRUE(eventually([&] { return client::http_call(node->endpoint(), "GET", "/readyz").status == 200; }, std::chrono::seconds(30)));
  for (int n = 0; n < 3; ++n) EXPECT_TRUE(watchers[n]->wait(all_online, 20000)) << "subscribed watcher on node " << n;
  // A fresh subscription on every node, some seconds later, sees everyone online too.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  for (int n = 0; n < 3; ++n) {
    auto fresh = watch(n);
    EXPECT_TRUE(fresh->wait(all_online, 20000)) << "fresh watcher on node " << n;
  }
}

TEST(ClusterFailure, presence_views_are_right_on_every_node_after_nats_restarts) {
  expect_presence_right_after_nats_comes_back(false);
}

TEST(ClusterFailure, presence_views_are_right_on_every_node_after_a_nats_blip) {
  expect_presence_right_after_nats_comes_back(true);
}

// Issue 14 item 5: sign-in limits count in the store, so three nodes give an attacker the
// same budget as one (not three times it).
TEST(SignInAbuse, wrong_codes_and_code_requests_count_across_nodes) {
  WebhookSink sink;
  Cluster cluster(Services::shared(), 3,
                  {"auth.code_sender=webhook", "auth.webhook_url=" + sink.url(), "auth.wrong_codes_per_hour=4",
                   "auth.codes_per_phone_per_hour=3", "auth.code_max_attempts=100"});
  const std::string phone = "+14155550180";
  auto post = [&](int n, const char* target, boost::json::object body) {
    return client::http_call(cluster.node[n]->endpoint(), "POST", target, boost::json::serialize(body));
  };
  int codes = 0;
  for (int i = 0; i < 6; ++i) codes += post(i % 3, "/v1/auth/code", {{"phone", phone}}).ok();
  EXPECT_EQ(codes, 3) << "codes_per_phone_per_hour, whichever node is asked";
  std::string code = sink.take_code(phone);
  int wrong = 0;
  for (int i = 0; i < 6; ++i)
    wrong += post(i % 3, "/v1/auth/verify", {{"phone", phone}, {"code", code == "000000" ? "000001" : "000000"}})
                 .error_code() == "code_invalid";
  EXPECT_EQ(wrong, 4) << "wrong_codes_per_hour, whichever node is asked";
  EXPECT_EQ(post(2, "/v1/auth/verify", {{"phone", phone}, {"code", code}}).error_code(), "too_many_attempts");
}

}  // namespace
}  // namespace parley::testing
