// What the parley CLI prints about people and settings: profiles, contacts, blocks, your
// settings of a chat, push targets, and the live changes of these that `listen` shows.
// Like render.h, these lines are read by scripts (tests/cli_people_test.sh); event lines are
// flushed at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parley/chat_settings.h"
#include "parley/people.h"
#include "parley/push.h"

namespace parley::cli {

// Your settings of a chat in words: "muted until WHEN, archived, not pinned".
std::string describe(const client::ChatState& s);

// Yours, a field per line: user and phone, name, about, photo, notification previews.
void print_my_profile(const client::MyProfile& me);
// Another user on one line, the fields you may see: "user 2  contact: Bo (work)  name: Bo
// phone: +14155550102  about: at the gym  photo: <id>  blocked".
void print_user(const client::UserProfile& u);
void print_contact_saved(const client::UserProfile& u);
void print_contact_removed(std::int64_t user);
void print_blocked(std::int64_t user, bool blocked);
// "chat C: <describe>".
void print_chat_state(const client::ChatState& s);
void print_push_registered(const client::PushTarget& t);
// `device`: this device, marked "(this device)".
void print_push_target(const client::PushTarget& t, std::int64_t device);
void print_push_removed(std::int64_t target);
void print_push_config(const client::PushConfig& config);

// Events (listen): "[profile] <user line>", "[contact] user 2 saved as NAME" or "... removed",
// "[blocks] blocked: user 3, user 9" or "[blocks] no one is blocked", "[chat settings] chat C: ...".
void print_profile_changed(const client::UserProfile& u);
void print_contact_changed(const client::ContactChange& k);
void print_blocks_changed(const std::vector<std::int64_t>& blocked);
void print_chat_state_changed(const client::ChatState& s);

}  // namespace parley::cli
