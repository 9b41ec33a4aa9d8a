// Presence against a real parleyd: online / offline, last seen, privacy, subscriptions,
// typing. The server runs with a short online threshold and typing timeout, and with a
// controllable clock, so tests wait for events instead of sleeping.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>

#include "parley/http.h"
#include "parley/session.h"
#include "presence_helpers.h"
#include "support/eventually.h"
#include "support/server_process.h"

namespace parley::testing {
namespace {

TEST(Presence, online_follows_the_activity_of_two_devices_of_one_user) {
  ServerProcess server(presence_config());
  auto u = make_users(server, 2);
  auto alice2 = add_device(server, u[0].phone, "second");
  Session bob(opts(server, u[1]));
  bob.connection().subscribe_presence({u[0].user});
  ASSERT_TRUE(last_is(bob, u[0].user, is_offline));
  EXPECT_EQ(last_view(bob.snapshot(), u[0].user)->last_seen, 0) << "never seen yet";

  // A connection alone (background sync) does not make alice online; an open app does.
  Session background(opts(server, u[0]));
  ASSERT_TRUE(background.wait([](const EventLog& l) { return l.synced > 0; }));
  Session phone(opts(server, u[0], true));
  ASSERT_TRUE(last_is(bob, u[0].user, is_online));
  Session laptop(opts(server, alice2, true));
  ASSERT_TRUE(laptop.wait([](const EventLog& l) { return l.synced > 0; }));
  // A ping after the laptop's first heartbeat: its pong means the heartbeat was handled.
  laptop.connection().send_raw(R"({"type":"ping"})");
  ASSERT_TRUE(laptop.wait([](const EventLog& l) {
    for (const auto& f : l.frames)
      if (f.find("\"pong\"") != std::string::npos) return true;
    return false;
  }));

  // The phone goes to the background: the laptop still holds her online.
  phone.connection().set_foreground(false);
  // The laptop too: now she is offline, last seen just now.
  laptop.connection().set_foreground(false);
  ASSERT_TRUE(last_is(bob, u[0].user, [](const Presence& p) { return is_offline(p) && p.last_seen > 0; }));
  auto views = views_of(bob.snapshot(), u[0].user);
  ASSERT_EQ(views.size(), 3u) << "offline, online, offline: nothing in between; got " << describe(views);
  EXPECT_TRUE(is_online(views[1]));

  // Back on the phone, then the phone's connection drops without a word: she stays
  // online until her last activity is older than the threshold, then goes offline.
  phone.connection().set_foreground(true);
  ASSERT_TRUE(last_is(bob, u[0].user, is_online));
  phone.close();
  ASSERT_TRUE(last_is(bob, u[0].user, is_offline, 10000));
  EXPECT_EQ(views_of(bob.snapshot(), u[0].user).size(), 5u);
}

TEST(Presence, a_device_that_stops_heartbeating_goes_offline_after_the_threshold) {
  ServerProcess server(presence_config());
  auto u = make_users(server, 2);
  Session bob(opts(server, u[1]));
  bob.connection().subscribe_presence({u[0].user});
  ASSERT_TRUE(last_is(bob, u[0].user, is_offline));
  // A raw "active" signal and then silence: the connection stays open, but without
  // heartbeats the user is offline once the threshold passes.
  Session alice(opts(server, u[0]));
  ASSERT_TRUE(alice.wait([](const EventLog& l) { return l.synced > 0; }));
  alice.connection().send_raw(R"({"type":"active"})");
  ASSERT_TRUE(last_is(bob, u[0].user, is_online));
  advance_clock(server, 5000);
  ASSERT_TRUE(last_is(bob, u[0].user, is_offline));
  EXPECT_TRUE(alice.snapshot().disconnects == 0) << "the connection itself stays up";
}

TEST(Presence, last_seen_moves_with_user_activity_and_not_with_background_traffic) {
  ServerProcess server(presence_config());
  auto u = make_users(server, 3);
  auto chat = make_contacts(server, u[2], u[0]);  // a message waiting for alice
  Session bob(opts(server, u[1]));
  bob.connection().subscribe_presence({u[0].user});
  ASSERT_TRUE(last_is(bob, u[0].user, is_offline));

  Session alice(opts(server, u[0]));
  ASSERT_TRUE(alice.wait([](const EventLog& l) { return l.synced > 0 && !l.messages.empty(); }));
  alice.connection().send_raw(R"({"type":"active"})");
  ASSERT_TRUE(last_is(bob, u[0].user, is_online));
  alice.connection().set_foreground(false);
  ASSERT_TRUE(last_is(bob, u[0].user, [](const Presence& p) { return is_offline(p) && p.last_seen > 0; }));
  const auto first_seen = last_view(bob.snapshot(), u[0].user)->last_seen;

  // Ten seconds later the app does things on its own: sync, delivered receipts, a
  // background heartbeat, a resend marked background. None of it is the user.
  advance_clock(server, 10000);
  alice.connection().send_raw(R"({"type":"sync"})");
  alice.connection().send_raw(R"({"type":"delivered","chat":)" + std::to_string(chat) + R"(,"seq":1})");
  alice.connection().send_raw(R"({"type":"heartbeat","active":false})");
  alice.connection().send_raw(R"({"type":"read","chat":)" + std::to_string(chat) + R"(,"seq":1,"background":true})");
  alice.connection().send_raw(R"({"type":"send","id":"bg-1","to":)" + std::to_string(u[2].user) +
                              R"(,"text":"queued","background":true})");
  ASSERT_TRUE(alice.wait([](const EventLog& l) { return !l.acks.empty(); }));
  Session bob2(opts(server, u[1]));
  bob2.connection().subscribe_presence({u[0].user});
  ASSERT_TRUE(last_is(bob2, u[0].user, is_offline));
  EXPECT_EQ(last_view(bob2.snapshot(), u[0].user)->last_seen, first_seen);
  EXPECT_EQ(views_of(bob.snapshot(), u[0].user).size(), 3u) << "no change was announced";

  // Reading the chat is the user: online, and last seen moves.
  alice.connection().mark_read(chat, 1);
  ASSERT_TRUE(last_is(bob, u[0].user, is_online));
  alice.connection().set_foreground(false);
  ASSERT_TRUE(last_is(bob, u[0].user, is_offline));
  EXPECT_GE(last_view(bob.snapshot(), u[0].user)->last_seen, first_seen + 10000);

  // Sending and typing are the user too.
  for (const std::string& frame :
       {std::string(R"({"type":"send","id":"fg-1","to":)") + std::to_string(u[2].user) + R"(,"text":"typed"})",
        std::string(R"({"type":"typing","chat":)") + std::to_string(chat) + "}"}) {
    advance_clock(server, 1000);
    alice.connection().send_raw(frame);
    ASSERT_TRUE(last_is(bob, u[0].user, is_online)) << frame;
    alice.connection().set_foreground(false);
    ASSERT_TRUE(last_is(bob, u[0].user, is_offline)) << frame;
  }
}

TEST(Presence, subscription_gets_the_current_state_then_changes_and_unsubscribe_stops_them) {
  ServerProcess server(presence_config({"presence.max_watched=3"}));
  auto u = make_users(server, 4);
  Session alice(opts(server, u[0], true));
  ASSERT_TRUE(alice.wait([](const EventLog& l) { return l.synced > 0; }));

  Session bob(opts(server, u[1]));
  // Alice is already online: the first view says so; a user that does not exist is left out.
  bob.connection().subscribe_presence({u[0].user, 999999});
  ASSERT_TRUE(last_is(bob, u[0].user, is_online));
  alice.connection().set_foreground(false);
  ASSERT_TRUE(last_is(bob, u[0].user, is_offline));

  // Unsubscribed: alice's changes no longer come; carol's (still watched) do. Dave
  // watches alice, so the test knows her change happened before carol's.
  bob.connection().unsubscribe_presence({u[0].user});
  bob.connection().subscribe_presence({u[2].user});
  ASSERT_TRUE(last_is(bob, u[2].user, is_offline));
  Session dave(opts(server, u[3]));
  dave.connection().subscribe_presence({u[0].user});
  ASSERT_TRUE(last_is(dave, u[0].user, is_offline));
  alice.connection().set_foreground(true);
  ASSERT_TRUE(last_is(dave, u[0].user, is_online));
  Session carol(opts(server, u[2], true));
  ASSERT_TRUE(last_is(bob, u[2].user, is_online));
  auto log = bob.snapshot();
  EXPECT_EQ(views_of(log, u[0].user).size(), 2u);
  EXPECT_TRUE(views_of(log, 999999).empty());

  // The user that does not exist was named in an error.
  ASSERT_EQ(log.errors.size(), 1u);
  EXPECT_EQ(log.errors[0].code, "no_such_user");
  EXPECT_NE(log.errors[0].message.find("999999"), std::string::npos);

  // A device may watch at most presence.max_watched users.
  bob.connection().subscribe_presence({u[0].user, u[3].user, u[1].user});
  ASSERT_TRUE(bob.wait([](const EventLog& l) { return l.errors.size() >= 2; }));
  EXPECT_EQ(bob.snapshot().errors.back().code, "invalid");

  // A bad frame gets a clear error, not a crash.
  bob.connection().send_raw(R"({"type":"presence_subscribe","users":["x"]})");
  ASSERT_TRUE(bob.wait([](const EventLog& l) { return l.errors.size() >= 3; }));
  EXPECT_EQ(bob.snapshot().errors.back().code, "bad_frame");

  // Disconnecting cleans up: once the watchers are gone, the server watches no one.
  bob.close();
  dave.close();
  EXPECT_TRUE(eventually([&] {
    auto m = client::http_call(server.endpoint(), "GET", "/metrics");
    return m.body.find("\nparley_presence_watched_users 0\n") != std::string::npos;
  })) << "watched users left behind after the watchers disconnected";
}

TEST(Presence, privacy_everyone_contacts_nobody_apply_in_both_directions) {
  ServerProcess server(presence_config());
  auto u = make_users(server, 3);  // alice, bob (alice's contact), carol (a stranger)
  const auto& alice = u[0];
  const auto& bob = u[1];
  const auto& carol = u[2];
  make_contacts(server, alice, bob);

  Session alice_app(opts(server, alice, true));
  Session bob_app(opts(server, bob, true));
  Session carol_app(opts(server, carol, true));
  auto watch_alice = [&](const TestUser& who) {
    Session s(opts(server, who));
    s.connection().subscribe_presence({alice.user});
    EXPECT_TRUE(s.wait([&](const EventLog& l) { return last_view(l, alice.user).has_value(); }));
    return *last_view(s.snapshot(), alice.user);
  };
  auto alice_sees = [&](const TestUser& who) {
    Session s(opts(server, alice));
    s.connection().subscribe_presence({who.user});
    EXPECT_TRUE(s.wait([&](const EventLog& l) { return last_view(l, who.user).has_value(); }));
    return *last_view(s.snapshot(), who.user);
  };

  {  // all three apps are open: wait until the server has their first heartbeats
    Session s(opts(server, alice));
    s.connection().subscribe_presence({alice.user, bob.user, carol.user});
    for (auto* who : {&alice, &bob, &carol}) ASSERT_TRUE(last_is(s, who->user, is_online));
  }

  // everyone (the default)
  EXPECT_TRUE(is_online(watch_alice(bob)));
  EXPECT_TRUE(is_online(watch_alice(carol)));

  // contacts: bob sees her, carol does not; and alice no longer sees carol (reciprocal).
  set_privacy(server, alice, "contacts");
  EXPECT_TRUE(is_online(watch_alice(bob)));
  EXPECT_TRUE(is_hidden(watch_alice(carol)));
  EXPECT_TRUE(is_online(alice_sees(bob)));
  EXPECT_TRUE(is_hidden(alice_sees(carol)));

  // nobody: no one sees her, and she sees no one.
  set_privacy(server, alice, "nobody");
  EXPECT_TRUE(is_hidden(watch_alice(bob)));
  EXPECT_TRUE(is_hidden(watch_alice(carol)));
  EXPECT_TRUE(is_hidden(alice_sees(bob)));
  EXPECT_TRUE(is_hidden(alice_sees(carol)));

  // The other direction: bob hides from everyone; alice (everyone again) cannot see him.
  set_privacy(server, alice, "everyone");
  set_privacy(server, bob, "nobody");
  EXPECT_TRUE(is_hidden(alice_sees(bob)));
  EXPECT_TRUE(is_online(alice_sees(carol)));
  set_privacy(server, bob, "contacts");
  EXPECT_TRUE(is_online(alice_sees(bob)));

  // A change reaches a watcher that is already subscribed, at once.
  Session watcher(opts(server, carol));
  watcher.connection().subscribe_presence({alice.user});
  ASSERT_TRUE(last_is(watcher, alice.user, is_online));
  alice_app.connection().privacy("nobody");
  ASSERT_TRUE(last_is(watcher, alice.user, is_hidden));
  // ...and alice's own devices hear their new setting.
  ASSERT_TRUE(alice_app.wait([](const EventLog& l) { return !l.privacy.empty() && l.privacy.back() == "nobody"; }));
  alice_app.connection().privacy("everyone");
  ASSERT_TRUE(last_is(watcher, alice.user, is_online));

  // A bad value is refused with a clear error.
  alice_app.connection().send_raw(R"({"type":"privacy","last_seen":"friends"})");
  ASSERT_TRUE(alice_app.wait([](const EventLog& l) { return !l.errors.empty(); }));
  EXPECT_EQ(alice_app.snapshot().errors.back().code, "bad_frame");
}

TEST(Presence, last_seen_and_privacy_survive_a_restart) {
  ServerProcess server(presence_config());
  auto u = make_users(server, 3);
  std::int64_t seen = 0;
  {
    Session bob(opts(server, u[1]));
    bob.connection().subscribe_presence({u[0].user});
    ASSERT_TRUE(last_is(bob, u[0].user, is_offline));
    Session alice(opts(server, u[0], true));
    ASSERT_TRUE(last_is(bob, u[0].user, is_online));
    alice.connection().set_foreground(false);
    ASSERT_TRUE(last_is(bob, u[0].user, [](const Presence& p) { return is_offline(p) && p.last_seen > 0; }));
    seen = last_view(bob.snapshot(), u[0].user)->last_seen;
  }
  set_privacy(server, u[2], "nobody");
  server.stop();
  server.start();
  Session bob(opts(server, u[1]));
  bob.connection().subscribe_presence({u[0].user, u[2].user});
  ASSERT_TRUE(last_is(bob, u[0].user, is_offline));
  EXPECT_EQ(last_view(bob.snapshot(), u[0].user)->last_seen, seen);
  ASSERT_TRUE(last_is(bob, u[2].user, is_hidden));
}

TEST(Typing, reaches_only_the_other_participants_and_ends_by_itself) {
  ServerProcess server(presence_config());
  auto u = make_users(server, 3);
  auto alice_laptop = add_device(server, u[0].phone, "laptop");
  auto chat = make_contacts(server, u[0], u[1]);
  auto carol_chat = make_contacts(server, u[0], u[2]);
  Session alice(opts(server, u[0], true)), laptop(opts(server, alice_laptop)), bob(opts(server, u[1])),
      carol(opts(server, u[2]));
  for (auto* s : {&alice, &laptop, &bob, &carol})
    ASSERT_TRUE(s->wait([](const EventLog& l) { return l.synced > 0; }));

  alice.connection().set_typing(chat, true);
  ASSERT_TRUE(bob.wait([&](const EventLog& l) {
    return !l.typing.empty() && l.typing.back().typing && l.typing.back().chat == chat && l.typing.back().user == u[0].user;
  }));
  alice.connection().set_typing(chat, false);
  ASSERT_TRUE(bob.wait([](const EventLog& l) { return l.typing.size() == 2 && !l.typing.back().typing; }));

  // Started and never stopped: it ends by itself after the typing timeout.
  alice.connection().set_typing(chat, true);
  ASSERT_TRUE(bob.wait([](const EventLog& l) { return l.typing.size() == 3; }));
  ASSERT_TRUE(bob.wait([](const EventLog& l) { return l.typing.size() == 4 && !l.typing.back().typing; }, 5000));

  // Carol is not in that chat: the first typing she sees is the one in her own chat
  // with alice, sent after all of the above. Alice's other device sees none of it.
  alice.connection().set_typing(carol_chat, true);
  ASSERT_TRUE(carol.wait([](const EventLog& l) { return !l.typing.empty(); }));
  EXPECT_EQ(carol.snapshot().typing.front().chat, carol_chat);
  alice.connection().set_typing(carol_chat, false);
  ASSERT_TRUE(carol.wait([](const EventLog& l) { return l.typing.size() == 2; }));
  EXPECT_TRUE(laptop.snapshot().typing.empty());

  // Typing in a chat one is not in is refused.
  carol.connection().set_typing(chat, true);
  ASSERT_TRUE(carol.wait([](const EventLog& l) { return !l.errors.empty(); }));
  EXPECT_EQ(carol.snapshot().errors.back().code, "not_member");
}

TEST(Typing, is_rate_limited_per_connection) {
  ServerProcess server(presence_config({"limits.typing_rate_per_s=1", "limits.typing_burst=3"}));
  auto u = make_users(server, 2);
  auto chat = make_contacts(server, u[0], u[1]);
  Session alice(opts(server, u[0]));
  ASSERT_TRUE(alice.wait([](const EventLog& l) { return l.synced > 0; }));
  for (int i = 0; i < 6; ++i) alice.connection().set_typing(chat, true);
  ASSERT_TRUE(alice.wait([](const EventLog& l) { return !l.errors.empty(); }));
  EXPECT_EQ(alice.snapshot().errors.back().code, "rate_limited");
  EXPECT_EQ(alice.snapshot().disconnects, 0) << "typing too fast is not a reason to disconnect";
}

}  // namespace
}  // namespace parley::testing
