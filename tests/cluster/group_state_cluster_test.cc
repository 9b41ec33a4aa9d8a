// What the browser client reads of groups and devices (issue 19) in cluster mode: receipts
// reported through one node show in another node's chat list and message info (times
// included); a former member's group reads the same on every node; two nodes signing the
// same user in at once still give their devices distinct names.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <thread>

#include "support/eventually.h"
#include "support/raw_requests.h"
#include "support/server_process.h"
#include "support/services.h"

namespace parley::testing {
namespace {

namespace json = boost::json;

struct Nodes {
  Nodes() {
    const auto& services = Services::shared();
    auto overrides = services.node_overrides(services.fresh_database());
    for (int i = 0; i < 2; ++i) {
      auto o = overrides;
      o.push_back("bus.node_id=group-state-node-" + std::to_string(i));
      node.push_back(std::make_unique<ServerProcess>(o));
    }
  }
  std::vector<std::unique_ptr<ServerProcess>> node;
};

// The entry of `chat` in `u`'s chat list on `s` (with the groups they left).
std::optional<json::object> listed(const ServerProcess& s, const TestUser& u, std::int64_t chat) {
  auto list = body_of(get(s, u, "/v1/chats?former=1"));
  if (!list.contains("chats")) return std::nullopt;
  for (const auto& c : list.at("chats").as_array())
    if (c.at("chat").as_int64() == chat) return c.as_object();
  return std::nullopt;
}

TEST(GroupStateCluster, receipts_through_one_node_show_in_the_others_list_and_message_info) {
  Nodes c;
  auto u = make_users(*c.node[0], 3);
  auto a = connect(*c.node[0], u[0]);
  auto b = connect(*c.node[1], u[1]);
  auto carol = connect(*c.node[1], u[2]);
  auto created = request(*a, {{"type", "create"}, {"id", "g1"}, {"kind", "group"}, {"name", "across"},
                              {"members", json::array{u[1].user, u[2].user}}});
  ASSERT_EQ(str(created, "type"), "done") << json::serialize(created);
  const auto chat = created.at("chat").as_int64();
  auto ack = request(*a, {{"type", "send"}, {"id", "m1"}, {"chat", chat}, {"text", "seen?"}});
  const auto seq = ack.at("seq").as_int64();
  b->send(json::serialize(json::object{{"type", "read"}, {"chat", chat}, {"seq", seq}}));
  carol->send(json::serialize(json::object{{"type", "delivered"}, {"chat", chat}, {"seq", seq}}));

  // The chat list on either node says everyone has it, and how far everyone has read.
  for (const auto& n : c.node)
    ASSERT_TRUE(eventually([&] {
      auto e = listed(*n, u[0], chat);
      return e && e->at("all_delivered").as_int64() >= seq && e->at("all_read").as_int64() < seq;
    }));
  // Message info asked on node 0 knows when node 1's receipts were committed.
  std::optional<json::value> info;
  ASSERT_TRUE(eventually([&] {
    a->send(json::serialize(json::object{{"type", "receipts"}, {"chat", chat}, {"seq", seq}}));
    info = a->recv_type("receipts");
    return info && info->at("read").as_array().size() == 1 && info->as_object().contains("times") &&
           info->at("times").as_array().size() == 2;
  }));
  for (const auto& t : info->at("times").as_array()) {
    EXPECT_GE(t.at("delivered").as_int64(), ack.at("ts").as_int64() - 5000);
    EXPECT_EQ(t.as_object().contains("read"), t.at("user").as_int64() == u[1].user);
  }

  // Removed through node 0, the former member reads the group as it was on node 1 too.
  ASSERT_EQ(str(request(*a, {{"type", "change"}, {"id", "r1"}, {"chat", chat}, {"op", "remove"}, {"users", json::array{u[2].user}}}),
                "type"),
            "done");
  ASSERT_EQ(str(request(*a, {{"type", "change"}, {"id", "n1"}, {"chat", chat}, {"op", "rename"}, {"name", "later"}}), "type"),
            "done");
  for (const auto& n : c.node) {
    auto e = listed(*n, u[2], chat);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->at("member").as_bool(), false);
    EXPECT_EQ(str(*e, "ended"), "removed");
    EXPECT_EQ(str(*e, "name"), "across");
    EXPECT_EQ(e->at("last_seq").as_int64(), seq + 1);
  }
}

TEST(GroupStateCluster, two_nodes_signing_one_user_in_at_once_give_distinct_device_names) {
  Nodes c;
  auto u = make_users(*c.node[0], 1, "Chrome on Linux");
  std::vector<TestUser> added(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] { added[i] = add_device(*c.node[i % 2], u[0].phone, "Chrome on Linux"); });
  for (auto& t : threads) t.join();
  auto list = body_of(get(*c.node[1], u[0], "/v1/devices"));
  std::set<std::string> names;
  for (const auto& d : list.at("devices").as_array()) names.insert(std::string(d.at("name").as_string()));
  EXPECT_EQ(names, (std::set<std::string>{"Chrome on Linux", "Chrome on Linux (2)", "Chrome on Linux (3)",
                                          "Chrome on Linux (4)", "Chrome on Linux (5)"}));
}

}  // namespace
}  // namespace parley::testing
