// The rules of groups and rooms (store/membership.h), as pure functions.
#include <gtest/gtest.h>

#include "model/membership.h"

namespace parley::membership {
namespace {

Facts group_of(std::map<std::int64_t, Role> roles, std::vector<UserId> existing = {}) {
  Facts f;
  f.kind = ChatKind::kGroup;
  f.roles = std::move(roles);
  f.member_count = static_cast<std::int64_t>(f.roles.size());
  for (auto& [u, r] : f.roles) f.admin_count += r == Role::kAdmin;
  f.existing = std::move(existing);
  return f;
}

ChatChange change(std::int64_t actor, ChangeOp op, std::vector<UserId> users = {}) {
  ChatChange c;
  c.actor = UserId(actor);
  c.op = op;
  c.users = std::move(users);
  c.max_group_members = 4;
  return c;
}

TEST(Membership, only_admins_add_remove_and_promote_unless_members_may_add) {
  auto f = group_of({{1, Role::kAdmin}, {2, Role::kMember}}, {UserId(3)});
  EXPECT_EQ(apply(f, change(2, ChangeOp::kAdd, {UserId(3)})).status().code(), Code::kForbidden);
  EXPECT_EQ(apply(f, change(2, ChangeOp::kRemove, {UserId(1)})).status().code(), Code::kForbidden);
  EXPECT_EQ(apply(f, change(2, ChangeOp::kPromote, {UserId(2)})).status().code(), Code::kForbidden);
  EXPECT_EQ(apply(f, change(9, ChangeOp::kAdd, {UserId(3)})).status().code(), Code::kNotMember);
  auto added = apply(f, change(1, ChangeOp::kAdd, {UserId(3)}));
  ASSERT_TRUE(added);
  EXPECT_EQ(added->add, std::vector<UserId>{UserId(3)});
  EXPECT_EQ(added->event, R"({"event":"added","users":[3]})");
  f.settings.members_can_add = true;
  EXPECT_TRUE(apply(f, change(2, ChangeOp::kAdd, {UserId(3)})));
}

TEST(Membership, limits_unknown_users_and_no_ops) {
  auto f = group_of({{1, Role::kAdmin}, {2, Role::kMember}, {3, Role::kMember}}, {UserId(2), UserId(4), UserId(5)});
  EXPECT_EQ(apply(f, change(1, ChangeOp::kAdd, {UserId(4), UserId(5)})).status().code(), Code::kChatFull);
  EXPECT_EQ(apply(f, change(1, ChangeOp::kAdd, {UserId(6)})).status().code(), Code::kNoSuchUser);
  auto again = apply(f, change(1, ChangeOp::kAdd, {UserId(2)}));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->changed);
  EXPECT_TRUE(again->event.empty());
}

TEST(Membership, the_last_admin_leaving_hands_over_and_rooms_have_no_join_messages) {
  auto f = group_of({{1, Role::kAdmin}, {2, Role::kMember}});
  f.successor = UserId(2);
  auto left = apply(f, change(1, ChangeOp::kLeave));
  ASSERT_TRUE(left);
  EXPECT_EQ(left->remove, std::vector<UserId>{UserId(1)});
  ASSERT_EQ(left->roles.size(), 1u);
  EXPECT_EQ(left->event, R"({"event":"left","promoted":[2]})");

  Facts room;
  room.kind = ChatKind::kRoom;
  room.settings.everyone_posts = false;
  room.member_count = 1;
  room.roles = {{1, Role::kAdmin}};
  auto join = change(7, ChangeOp::kJoin);
  auto joined = apply(room, join);
  ASSERT_TRUE(joined);
  EXPECT_EQ(joined->add, std::vector<UserId>{UserId(7)});
  EXPECT_TRUE(joined->event.empty());
  EXPECT_EQ(apply(group_of({{1, Role::kAdmin}}), join).status().code(), Code::kInvalid);
  EXPECT_EQ(may_post(ChatKind::kRoom, room.settings, Role::kMember).code(), Code::kForbidden);
  EXPECT_TRUE(may_post(ChatKind::kRoom, room.settings, Role::kAdmin).ok());
  EXPECT_EQ(may_post(ChatKind::kGroup, {}, std::nullopt).code(), Code::kNotMember);
  // Leaving twice: a room says it is done, a group keeps its membership private.
  auto gone = apply(room, change(7, ChangeOp::kLeave));
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->changed);
  EXPECT_EQ(apply(group_of({{1, Role::kAdmin}}), change(7, ChangeOp::kLeave)).status().code(), Code::kNotMember);
}

}  // namespace
}  // namespace parley::membership
