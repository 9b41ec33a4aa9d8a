// Profiles, saved contacts and contact discovery (issue 18, docs/protocol.md §4.8) against a
// real parleyd on both stores: who may see which field, both ways; contacts synced to the
// owner's devices; discovery's daily and global limits.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/raw_requests.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

namespace json = boost::json;

std::string id_path(const char* prefix, std::int64_t id) { return prefix + std::to_string(id); }

json::object set_profile(const ServerProcess& s, const TestUser& u, json::object fields) {
  auto r = call(s, u, "PUT", "/v1/me/profile", json::serialize(fields));
  EXPECT_EQ(r.status, 200) << r.body;
  return body_of(r);
}

// u's profile as `viewer` sees it; empty when the answer is 404.
json::object seen(const ServerProcess& s, const TestUser& viewer, const TestUser& u) {
  auto r = call(s, viewer, "GET", id_path("/v1/users/", u.user));
  if (r.status == 404) {
    EXPECT_EQ(str(body_of(r), "error"), "no_such_user");
    return {};
  }
  EXPECT_EQ(r.status, 200) << r.body;
  return body_of(r);
}

void lookup(const ServerProcess& s, const TestUser& viewer, const TestUser& u) {
  auto r = call(s, viewer, "POST", "/v1/contacts/lookup", json::serialize(json::object{{"phones", json::array{u.phone.c_str()}}}));
  ASSERT_EQ(r.status, 200) << r.body;
}

void set_privacy(const ServerProcess& s, const TestUser& u, json::object fields) {
  auto ws = connect(s, u);
  fields["type"] = "privacy";
  ws->send(json::serialize(fields));
  ASSERT_TRUE(ws->recv_type("privacy"));
}

TEST(Profiles, the_owner_sets_name_and_about_and_bad_values_are_refused) {
  ServerProcess server;
  auto u = make_users(server, 1);
  auto p = set_profile(server, u[0], {{"name", "  Ana Lima  "}, {"about", "at work"}});
  EXPECT_EQ(str(p, "name"), "Ana Lima") << "trimmed";
  EXPECT_EQ(str(p, "about"), "at work");
  EXPECT_EQ(str(p, "phone"), u[0].phone);
  EXPECT_TRUE(p.at("previews").as_bool());
  auto again = body_of(call(server, u[0], "GET", "/v1/me/profile"));
  EXPECT_EQ(str(again, "name"), "Ana Lima");
  EXPECT_FALSE(set_profile(server, u[0], {{"previews", false}}).at("previews").as_bool());
  auto bad = [&](const std::string& body) {
    auto r = call(server, u[0], "PUT", "/v1/me/profile", body);
    EXPECT_EQ(r.status, 400) << body;
    return str(body_of(r), "error");
  };
  EXPECT_EQ(bad(R"({"name":")" + std::string(65, 'x') + R"("})"), "bad_frame");
  EXPECT_EQ(bad(R"({"about":")" + std::string(141, 'x') + R"("})"), "bad_frame");
  EXPECT_EQ(bad(R"({"name":7})"), "bad_frame");
  EXPECT_EQ(bad(R"({"previews":"no"})"), "bad_frame");
  EXPECT_EQ(bad(R"({})"), "bad_frame");
  EXPECT_EQ(str(body_of(call(server, u[0], "GET", "/v1/me/profile")), "name"), "Ana Lima") << "nothing changed";
}

TEST(Profiles, a_stranger_learns_nothing_and_those_who_know_the_user_see_the_fields) {
  ServerProcess server;
  auto u = make_users(server, 3);
  set_profile(server, u[0], {{"name", "Ana"}, {"about", "hello"}});
  EXPECT_TRUE(seen(server, u[1], u[0]).empty()) << "an id alone reveals nothing";
  EXPECT_TRUE(seen(server, u[1], TestUser{999999, 0, {}, {}}).empty()) << "the same answer as for nobody";
  auto writer = connect(server, u[1]);
  request(*writer, {{"type", "send"}, {"id", "w1"}, {"to", u[0].user}, {"text", "who are you?"}});
  EXPECT_TRUE(seen(server, u[1], u[0]).empty()) << "writing to an id is not knowing who has it";
  EXPECT_EQ(str(seen(server, u[0], u[1]), "phone"), u[1].phone) << "the one written to learns the writer";
  lookup(server, u[1], u[0]);
  auto v = seen(server, u[1], u[0]);
  EXPECT_EQ(str(v, "name"), "Ana");
  EXPECT_EQ(str(v, "about"), "hello");
  EXPECT_EQ(str(v, "phone"), u[0].phone) << "found by number";
  // Sharing a group is knowing too; the batch leaves out whom the viewer does not know.
  auto g = connect(server, u[0]);
  request(*g, {{"type", "create"}, {"id", "g1"}, {"kind", "group"}, {"name", "g"}, {"members", json::array{u[2].user}}});
  auto batch = call(server, u[2], "POST", "/v1/users", json::serialize(json::object{{"users", json::array{u[0].user, u[1].user}}}));
  ASSERT_EQ(batch.status, 200) << batch.body;
  auto users = body_of(batch).at("users").as_array();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(str(users[0].as_object(), "name"), "Ana");
  EXPECT_EQ(call(server, u[2], "POST", "/v1/users", R"({"users":[]})").status, 400);
  EXPECT_EQ(call(server, u[2], "POST", "/v1/users", R"({"users":[0]})").status, 400);
}

TEST(Profiles, each_field_follows_its_privacy_setting_and_contacts_are_whom_the_owner_saved) {
  ServerProcess server;
  auto u = make_users(server, 2);
  set_profile(server, u[0], {{"name", "Ana"}, {"about", "secret plans"}});
  set_privacy(server, u[0], {{"about", "contacts"}, {"name", "nobody"}});
  lookup(server, u[1], u[0]);
  auto v = seen(server, u[1], u[0]);
  EXPECT_FALSE(v.contains("name")) << json::serialize(v);
  EXPECT_FALSE(v.contains("about")) << "not Ana's contact";
  // u[1] saving Ana does not make u[1] Ana's contact ...
  ASSERT_EQ(call(server, u[1], "PUT", "/v1/contacts", json::serialize(json::object{{"phone", u[0].phone}, {"name", "A"}})).status, 200);
  EXPECT_FALSE(seen(server, u[1], u[0]).contains("about"));
  // ... Ana saving u[1] does.
  ASSERT_EQ(call(server, u[0], "PUT", "/v1/contacts", json::serialize(json::object{{"phone", u[1].phone}, {"name", "B"}})).status, 200);
  v = seen(server, u[1], u[0]);
  EXPECT_EQ(str(v, "about"), "secret plans");
  EXPECT_FALSE(v.contains("name")) << "nobody means nobody";
  EXPECT_EQ(str(seen(server, u[0], u[0]), "name"), "Ana") << "the owner sees everything";
  // The settings come back in the privacy frame.
  auto ws = connect(server, u[0]);
  ws->send(R"({"type":"privacy"})");
  auto p = ws->recv_type("privacy");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->at("about").as_string(), "contacts");
  EXPECT_EQ(p->at("name").as_string(), "nobody");
  EXPECT_EQ(p->at("photo").as_string(), "everyone");
}

TEST(Profiles, a_change_reaches_the_devices_of_those_entitled_with_what_each_may_see) {
  ServerProcess server;
  auto u = make_users(server, 3);
  set_privacy(server, u[0], {{"about", "contacts"}});  // before anyone knows u[0]: nobody to tell yet
  auto a = connect(server, u[0]);
  auto b = connect(server, u[1]);
  auto c = connect(server, u[2]);
  request(*a, {{"type", "send"}, {"id", "m1"}, {"to", u[1].user}, {"text", "hi"}});
  request(*a, {{"type", "send"}, {"id", "m2"}, {"to", u[2].user}, {"text", "hi"}});
  request(*b, {{"type", "send"}, {"id", "r1"}, {"to", u[0].user}, {"text", "hello back"}});  // b is now a contact
  set_profile(server, u[0], {{"name", "Ana"}, {"about", "busy"}});
  auto fb = b->recv_type("profile");
  ASSERT_TRUE(fb);
  EXPECT_EQ(fb->at("user").as_int64(), u[0].user);
  EXPECT_EQ(fb->at("name").as_string(), "Ana");
  EXPECT_EQ(fb->at("about").as_string(), "busy");
  auto fc = c->recv_type("profile");
  ASSERT_TRUE(fc) << "c shares a chat with Ana";
  EXPECT_EQ(fc->at("name").as_string(), "Ana");
  EXPECT_FALSE(fc->as_object().contains("about")) << "c never answered: not a contact";
  auto mine = a->recv_type("profile");
  ASSERT_TRUE(mine) << "the owner's own devices";
  EXPECT_EQ(mine->at("about").as_string(), "busy");
}

TEST(Contacts, saved_listed_renamed_and_removed_and_the_owners_devices_are_told) {
  ServerProcess server;
  auto u = make_users(server, 2);
  set_profile(server, u[1], {{"name", "Bo"}});
  auto second = add_device(server, u[0].phone, "second");
  auto other = connect(server, second);
  auto r = call(server, u[0], "PUT", "/v1/contacts", json::serialize(json::object{{"phone", u[1].phone}, {"name", "Bo (work)"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(body_of(r), "contact_name"), "Bo (work)");
  EXPECT_EQ(str(body_of(r), "phone"), u[1].phone);
  EXPECT_EQ(str(body_of(r), "name"), "Bo");
  auto f = other->recv_type("contact");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->at("user").as_int64(), u[1].user);
  EXPECT_EQ(f->at("contact_name").as_string(), "Bo (work)");
  call(server, u[0], "PUT", "/v1/contacts", json::serialize(json::object{{"phone", u[1].phone}, {"name", "Bo"}}));
  auto renamed = other->recv_type("contact");
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->at("contact_name").as_string(), "Bo");
  auto list = body_of(call(server, u[0], "GET", "/v1/contacts")).at("contacts").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(str(list[0].as_object(), "contact_name"), "Bo") << "renamed";
  // The chat list names the peer as saved.
  request(*other, {{"type", "send"}, {"id", "m1"}, {"to", u[1].user}, {"text", "hi"}});
  auto chats = body_of(call(server, u[0], "GET", "/v1/chats")).at("chats").as_array();
  ASSERT_EQ(chats.size(), 1u);
  EXPECT_EQ(str(chats[0].as_object(), "peer_contact_name"), "Bo");
  EXPECT_EQ(str(chats[0].as_object(), "peer_name"), "Bo");
  EXPECT_EQ(call(server, u[0], "DELETE", id_path("/v1/contacts/", u[1].user)).status, 200);
  auto gone = other->recv_type("contact");
  ASSERT_TRUE(gone);
  EXPECT_TRUE(gone->at("removed").as_bool());
  EXPECT_EQ(call(server, u[0], "DELETE", id_path("/v1/contacts/", u[1].user)).status, 404);
  EXPECT_TRUE(body_of(call(server, u[0], "GET", "/v1/contacts")).at("contacts").as_array().empty());
  auto refuse = [&](const std::string& body) {
    auto r = call(server, u[0], "PUT", "/v1/contacts", body);
    return std::to_string(r.status) + " " + str(body_of(r), "error");
  };
  EXPECT_EQ(refuse(R"({"phone":"+14155559999","name":"nobody"})"), "404 no_such_user");
  EXPECT_EQ(refuse(R"({"phone":"not a number","name":"x"})"), "400 bad_phone");
  EXPECT_EQ(refuse(json::serialize(json::object{{"phone", u[0].phone}, {"name", "me"}})), "400 invalid");
  EXPECT_EQ(refuse(json::serialize(json::object{{"phone", u[1].phone}, {"name", ""}})), "400 bad_frame");
  EXPECT_EQ(refuse(R"({"phone":"+14155550100"})"), "400 bad_frame");
}

TEST(Contacts, discovery_counts_every_number_per_user_per_day_and_for_the_whole_service) {
  ServerProcess server({"limits.lookup_numbers_per_day=5", "limits.lookup_numbers_per_hour=9"});
  auto u = make_users(server, 3);
  auto ask = [&](const TestUser& who, int n) {
    json::array phones;
    for (int i = 0; i < n; ++i) phones.push_back(json::string(u[2].phone));
    return call(server, who, "POST", "/v1/contacts/lookup", json::serialize(json::object{{"phones", phones}}));
  };
  auto first = ask(u[0], 3);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(body_of(first).at("users").as_array().size(), 3u);
  auto over = ask(u[0], 3);
  EXPECT_EQ(over.status, 429) << "3 + 3 > 5 a day";
  EXPECT_EQ(str(body_of(over), "error"), "rate_limited");
  EXPECT_NE(str(body_of(over), "message").find("retry in"), std::string::npos);
  EXPECT_EQ(ask(u[0], 2).status, 200) << "a refused request counted nothing";
  // Saving a contact counts as one number too.
  EXPECT_EQ(call(server, u[0], "PUT", "/v1/contacts", json::serialize(json::object{{"phone", u[2].phone}, {"name", "C"}})).status, 429);
  // The whole service: 5 of 9 used; another user gets 4 more.
  EXPECT_EQ(ask(u[1], 4).status, 200);
  EXPECT_EQ(ask(u[1], 1).status, 429) << "9 numbers an hour across all users";
}

}  // namespace
}  // namespace parley::testing
