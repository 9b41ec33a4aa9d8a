// The rules of issue 18 that are pure functions: who sees which profile field
// (model/people.h `see`), and what a due push job becomes (PushService::compose).
#include <gtest/gtest.h>

#include "model/people.h"
#include "push/push_service.h"

namespace parley {
namespace {

Profile ana() {
  Profile p;
  p.user = UserId(1);
  p.phone = "+14155550101";
  p.name = "Ana";
  p.about = "hello";
  p.avatar = std::string(64, 'a');
  return p;
}

Relation knows(bool contact = false) {
  Relation r;
  r.user = UserId(1);
  r.knows = true;
  r.contact = contact;
  return r;
}

TEST(ProfileRules, a_user_nobody_introduced_is_not_seen_at_all) {
  EXPECT_FALSE(see(UserId(2), ana(), Relation{UserId(1)}));
  EXPECT_TRUE(see(UserId(1), ana(), Relation{UserId(1)})) << "oneself";
}

TEST(ProfileRules, each_field_follows_its_own_setting) {
  auto p = ana();
  p.name_visibility = Visibility::kEveryone;
  p.about_visibility = Visibility::kContacts;
  p.photo_visibility = Visibility::kNobody;
  auto stranger = see(UserId(2), p, knows(false));
  ASSERT_TRUE(stranger);
  EXPECT_EQ(stranger->name, "Ana");
  EXPECT_FALSE(stranger->about);
  EXPECT_FALSE(stranger->avatar);
  EXPECT_FALSE(stranger->phone) << "not visible without the relation saying so";
  auto contact = see(UserId(2), p, knows(true));
  EXPECT_EQ(contact->about, "hello");
  EXPECT_FALSE(contact->avatar) << "nobody means nobody";
  auto self = see(UserId(1), p, Relation{UserId(1)});
  EXPECT_EQ(self->avatar, p.avatar);
  EXPECT_EQ(self->phone, p.phone);
}

TEST(ProfileRules, a_block_either_way_hides_about_and_photo_but_not_the_name) {
  for (bool by_viewer : {true, false}) {
    auto r = knows(true);
    (by_viewer ? r.blocked : r.blocks_viewer) = true;
    auto v = see(UserId(2), ana(), r);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->name, "Ana");
    EXPECT_FALSE(v->about);
    EXPECT_FALSE(v->avatar);
    EXPECT_EQ(v->blocked, by_viewer);
  }
}

TEST(ProfileRules, empty_fields_are_absent_and_a_saved_name_is_the_viewers) {
  auto p = ana();
  p.about.clear();
  auto r = knows();
  r.contact_name = "Ana (work)";
  auto v = see(UserId(2), p, r);
  EXPECT_FALSE(v->about);
  EXPECT_EQ(v->contact_name, "Ana (work)");
}

PushJob job(const char* event, std::int64_t count = 1) {
  PushJob j;
  j.event = event;
  j.chat = ChatId(42);
  j.seq = 17;
  j.sender = UserId(2);
  j.count = count;
  j.preview = "see you at 8";
  j.first_at = 1'000'000;
  return j;
}

PushContext group_ctx() {
  PushContext c;
  c.kind = ChatKind::kGroup;
  c.chat_name = "Hikers";
  c.badge = 3;
  return c;
}

TEST(PushRules, a_burst_is_one_notification_with_a_count_and_the_badge) {
  push::Options o;
  auto n = push::PushService::compose(job("message", 3), group_ctx(), "Bo", 1'000'500, o);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->title, "Hikers");
  EXPECT_EQ(n->body, "3 new messages");
  EXPECT_EQ(n->count, 3);
  EXPECT_EQ(n->badge, 3);
  EXPECT_EQ(n->collapse_key, "chat-42");
  auto one = push::PushService::compose(job("message"), group_ctx(), "Bo", 1'000'500, o);
  EXPECT_EQ(one->body, "Bo: see you at 8");
  PushContext direct;
  auto d = push::PushService::compose(job("message"), direct, "Bo", 1'000'500, o);
  EXPECT_EQ(d->title, "Bo");
  EXPECT_EQ(d->body, "see you at 8");
}

TEST(PushRules, muted_read_and_stale_jobs_are_dropped_but_a_mention_gets_through_a_mute) {
  push::Options o;
  auto muted = group_ctx();
  muted.muted_until = kMutedForever;
  EXPECT_FALSE(push::PushService::compose(job("message"), muted, "Bo", 1'000'500, o));
  auto m = push::PushService::compose(job("mention"), muted, "Bo", 1'000'500, o);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->body, "Bo mentioned you: see you at 8");
  auto timed = group_ctx();
  timed.muted_until = 1'000'400;  // over by now
  EXPECT_TRUE(push::PushService::compose(job("message"), timed, "Bo", 1'000'500, o));
  auto read = group_ctx();
  read.my_read = 17;
  EXPECT_FALSE(push::PushService::compose(job("message"), read, "Bo", 1'000'500, o)) << "read on another device";
  EXPECT_FALSE(push::PushService::compose(job("message"), group_ctx(), "Bo", 1'000'000 + o.ttl_ms + 1, o)) << "too old";
}

TEST(PushRules, previews_off_says_only_that_something_came) {
  push::Options o;
  auto ctx = group_ctx();
  ctx.previews = false;
  auto n = push::PushService::compose(job("message"), ctx, "Bo", 1'000'500, o);
  EXPECT_EQ(n->title, "parley");
  EXPECT_EQ(n->body, "New message");
  EXPECT_EQ(push::PushService::compose(job("message", 4), ctx, "Bo", 1'000'500, o)->body, "4 new messages");
  EXPECT_EQ(push::PushService::compose(job("invite"), ctx, "Bo", 1'000'500, o)->body, "New group invite");
}

}  // namespace
}  // namespace parley
