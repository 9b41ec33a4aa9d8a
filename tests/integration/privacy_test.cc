// Privacy (issue 14): what a stranger, a contact and a watcher may learn about a user, tried
// against a real parleyd on both stores.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "presence_helpers.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

// Comes online, then goes to the background (offline at once), `times` times.
void come_and_go(const ServerProcess& server, const TestUser& u, int times) {
  for (int i = 0; i < times; ++i) {
    Session app(opts(server, u, true));
    ASSERT_TRUE(app.wait([](const EventLog& l) { return l.synced > 0; }));
    app.connection().send_raw(R"({"type":"ping"})");  // its pong: the heartbeat was handled
    ASSERT_TRUE(app.wait([](const EventLog& l) {
      for (const auto& f : l.frames)
        if (f.find("\"pong\"") != std::string::npos) return true;
      return false;
    }));
    app.connection().set_foreground(false);
  }
}

TEST(Privacy, a_hidden_user_coming_and_going_sends_watchers_nothing) {
  ServerProcess server(presence_config());
  auto u = make_users(server, 3);
  const auto &alice = u[0], &bob = u[1], &carol = u[2];
  make_contacts(server, alice, bob);
  set_privacy(server, alice, "nobody");

  Session watcher(opts(server, bob));
  watcher.connection().subscribe_presence({alice.user, carol.user});
  ASSERT_TRUE(last_is(watcher, alice.user, is_hidden));
  ASSERT_TRUE(last_is(watcher, carol.user, is_offline));
  come_and_go(server, alice, 3);
  // carol's coming online is the barrier: anything about alice would have come before it.
  Session carol_app(opts(server, carol, true));
  ASSERT_TRUE(last_is(watcher, carol.user, is_online));
  EXPECT_EQ(views_of(watcher.snapshot(), alice.user).size(), 1u) << "only the answer to the subscription";
}

TEST(Privacy, hiding_your_own_last_seen_stops_frames_about_others_too) {
  ServerProcess server(presence_config());
  auto u = make_users(server, 2);
  const auto &dave = u[0], &erin = u[1];
  set_privacy(server, dave, "nobody");
  Session watcher(opts(server, dave));
  watcher.connection().subscribe_presence({erin.user, dave.user});
  ASSERT_TRUE(last_is(watcher, erin.user, is_hidden));
  ASSERT_TRUE(last_is(watcher, dave.user, is_offline)) << "you always see yourself";
  come_and_go(server, erin, 2);
  Session own_app(opts(server, dave, true));
  ASSERT_TRUE(last_is(watcher, dave.user, is_online));
  EXPECT_EQ(views_of(watcher.snapshot(), erin.user).size(), 1u);
}

TEST(Privacy, one_message_does_not_make_a_contact_a_reply_does) {
  ServerProcess server(presence_config());
  auto u = make_users(server, 2);
  const auto &alice = u[0], &mallory = u[1];
  set_privacy(server, alice, "contacts");
  Session alice_app(opts(server, alice, true));
  auto watch_alice = [&] {
    Session s(opts(server, mallory));
    s.connection().subscribe_presence({alice.user});
    EXPECT_TRUE(s.wait([&](const EventLog& l) { return last_view(l, alice.user).has_value(); }));
    return *last_view(s.snapshot(), alice.user);
  };
  {  // wait until the server has alice's first heartbeat
    Session s(opts(server, alice));
    s.connection().subscribe_presence({alice.user});
    ASSERT_TRUE(last_is(s, alice.user, is_online));
  }
  write_to(server, mallory, alice);
  EXPECT_TRUE(is_hidden(watch_alice())) << "mallory wrote; alice never answered";
  write_to(server, alice, mallory);
  EXPECT_TRUE(is_online(watch_alice())) << "a two-way chat makes contacts";
}

}  // namespace
}  // namespace parley::testing
