// Message actions, search and chat modes in cluster mode (issue 17): members on different
// nodes edit, react to and delete each other's messages and every device hears of it;
// a message sent through one node is found by search on another; a disappearing message
// goes everywhere once its time comes, swept by whichever node gets there first.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/eventually.h"
#include "support/raw_requests.h"
#include "support/server_process.h"
#include "support/services.h"

namespace parley::testing {
namespace {

namespace json = boost::json;

struct Nodes {
  explicit Nodes(std::vector<std::string> extra = {}) {
    const auto& services = Services::shared();
    auto overrides = services.node_overrides(services.fresh_database());
    overrides.insert(overrides.end(), extra.begin(), extra.end());
    for (int i = 0; i < 2; ++i) {
      auto o = overrides;
      o.push_back("bus.node_id=messages-node-" + std::to_string(i));
      node.push_back(std::make_unique<ServerProcess>(o));
    }
  }
  std::vector<std::unique_ptr<ServerProcess>> node;
};

TEST(MessagesCluster, edits_reactions_and_deletes_cross_nodes_and_search_finds_across_them) {
  Nodes c;
  auto u = make_users(*c.node[0], 2);
  auto a = connect(*c.node[0], u[0]);
  auto b = connect(*c.node[1], u[1]);
  auto ack = request(*a, {{"type", "send"}, {"id", "m1"}, {"to", u[1].user}, {"text", "the ferry leaves at nine"}});
  ASSERT_EQ(str(ack, "type"), "ack");
  const auto chat = ack.at("chat").as_int64(), seq = ack.at("seq").as_int64();
  ASSERT_TRUE(next_about(*b, "msg", chat, seq));
  auto react = request(*b, {{"type", "react"}, {"id", "r1"}, {"chat", chat}, {"seq", seq}, {"emoji", "👍"}});
  ASSERT_EQ(str(react, "type"), "done") << json::serialize(react);
  auto seen = next_about(*a, "changed", chat, seq);
  ASSERT_TRUE(seen) << "a reaction on node 1 reaches the sender on node 0";
  EXPECT_EQ(seen->at("reactions").as_array().size(), 1u);
  auto found = get(*c.node[1], u[1], "/v1/search?q=ferry");
  ASSERT_EQ(found.status, 200);
  EXPECT_EQ(json::parse(found.body).at("results").as_array().size(), 1u);
  ASSERT_EQ(str(request(*a, {{"type", "edit"}, {"id", "e1"}, {"chat", chat}, {"seq", seq}, {"text", "the ferry leaves at ten"}}),
                "type"),
            "done");
  std::optional<json::object> edited;
  for (int i = 0; i < 3 && !(edited && str(*edited, "text") == "the ferry leaves at ten"); ++i)
    edited = next_about(*b, "changed", chat, seq);
  ASSERT_TRUE(edited && str(*edited, "text") == "the ferry leaves at ten");
  EXPECT_EQ(json::parse(get(*c.node[1], u[1], "/v1/search?q=nine").body).at("results").as_array().size(), 0u);
  ASSERT_EQ(str(request(*a, {{"type", "delete"}, {"id", "d1"}, {"chat", chat}, {"seq", seq}, {"for", "everyone"}}), "type"),
            "done");
  std::optional<json::object> gone;
  for (int i = 0; i < 3 && !(gone && gone->contains("deleted")); ++i) gone = next_about(*b, "changed", chat, seq);
  ASSERT_TRUE(gone && gone->contains("deleted"));
  EXPECT_EQ(json::parse(get(*c.node[1], u[1], "/v1/search?q=ferry").body).at("results").as_array().size(), 0u);
}

TEST(MessagesCluster, a_disappearing_message_goes_on_every_node) {
  Nodes c({"testing.clock_control=true", "messages.expiry_interval_ms=50"});
  auto u = make_users(*c.node[0], 2);
  auto a = connect(*c.node[0], u[0]);
  auto b = connect(*c.node[1], u[1]);
  auto first = request(*a, {{"type", "send"}, {"id", "m0"}, {"to", u[1].user}, {"text", "hi"}});
  const auto chat = first.at("chat").as_int64();
  auto mode = request(*b, {{"type", "change"}, {"id", "d1"}, {"chat", chat}, {"op", "mode"}, {"disappear", 86400}});
  ASSERT_EQ(str(mode, "type"), "done") << json::serialize(mode);
  auto ack = request(*a, {{"type", "send"}, {"id", "m1"}, {"chat", chat}, {"text", "self-destructs"}});
  const auto seq = ack.at("seq").as_int64();
  ASSERT_TRUE(next_about(*b, "msg", chat, seq));
  for (auto& n : c.node) advance_clock(*n, 25LL * 3'600'000);  // each node keeps its own test clock
  auto told = next_about(*b, "changed", chat, seq);
  ASSERT_TRUE(told);
  EXPECT_TRUE(told->at("expired").as_bool());
  auto told_a = next_about(*a, "changed", chat, seq);
  ASSERT_TRUE(told_a);
  EXPECT_TRUE(told_a->at("expired").as_bool());
}

}  // namespace
}  // namespace parley::testing
