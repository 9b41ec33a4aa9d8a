#include "cli/render_people.h"

#include <iostream>

#include "cli/render.h"

namespace parley::cli {

namespace {

std::string user_line(const client::UserProfile& u) {
  std::string line = "user " + std::to_string(u.user);
  auto field = [&](const char* label, const std::string& value) {
    if (!value.empty()) line += std::string("  ") + label + ": " + value;
  };
  field("contact", u.contact_name);
  field("name", u.name);
  field("phone", u.phone);
  field("about", u.about);
  field("photo", u.avatar);
  if (u.blocked) line += "  blocked";
  return line;
}

std::string or_none(const std::string& s) { return s.empty() ? "(none)" : s; }

}  // namespace

std::string describe(const client::ChatState& s) {
  std::string muted = s.muted_until == 0   ? "not muted"
                      : s.muted_until < 0 ? "muted for ever"
                                          : "muted until " + when(s.muted_until);
  return muted + (s.archived ? ", archived" : ", not archived") + (s.pinned ? ", pinned" : ", not pinned");
}

void print_my_profile(const client::MyProfile& me) {
  const auto& p = me.profile;
  std::cout << "user " << p.user << "  " << p.phone << "\n"
            << "name: " << or_none(p.name) << "\n"
            << "about: " << or_none(p.about) << "\n"
            << "photo: " << or_none(p.avatar) << "\n"
            << "notification previews: "
            << (me.previews ? "on (the sender and the text)" : "off (\"New message\" only)") << "\n";
}

void print_user(const client::UserProfile& u) { std::cout << user_line(u) << "\n"; }

void print_contact_saved(const client::UserProfile& u) {
  std::cout << "saved " << u.phone << " as " << u.contact_name << " (user " << u.user << ")\n";
}

void print_contact_removed(std::int64_t user) { std::cout << "removed user " << user << " from your contacts\n"; }

void print_blocked(std::int64_t user, bool blocked) {
  if (blocked)
    std::cout << "blocked user " << user << " (their messages to you are not delivered)\n";
  else
    std::cout << "unblocked user " << user << "\n";
}

void print_chat_state(const client::ChatState& s) { std::cout << "chat " << s.chat << ": " << describe(s) << "\n"; }

void print_push_registered(const client::PushTarget& t) {
  std::cout << "push target " << t.target << " (" << t.provider << ") registered for this device\n";
}

void print_push_target(const client::PushTarget& t, std::int64_t device) {
  std::cout << "target " << t.target << "  " << t.provider << "  device " << t.device
            << (t.device == device ? " (this device)" : "") << "  since " << when(t.created_at) << "\n";
}

void print_push_removed(std::int64_t target) { std::cout << "push target " << target << " removed\n"; }

void print_push_config(const client::PushConfig& config) {
  std::cout << "providers:";
  if (config.providers.empty()) std::cout << " none (push notifications are off on this server)";
  for (std::size_t i = 0; i < config.providers.size(); ++i) std::cout << (i ? ", " : " ") << config.providers[i];
  std::cout << "\n";
  if (!config.vapid_public_key.empty()) std::cout << "vapid public key: " << config.vapid_public_key << "\n";
}

void print_profile_changed(const client::UserProfile& u) { std::cout << "[profile] " << user_line(u) << std::endl; }

void print_contact_changed(const client::ContactChange& k) {
  if (k.removed)
    std::cout << "[contact] user " << k.user << " removed" << std::endl;
  else
    std::cout << "[contact] user " << k.user << " saved as " << k.contact_name << std::endl;
}

void print_blocks_changed(const std::vector<std::int64_t>& blocked) {
  std::cout << "[blocks] " << (blocked.empty() ? "no one is blocked" : "blocked:");
  for (std::size_t i = 0; i < blocked.size(); ++i) std::cout << (i ? ", user " : " user ") << blocked[i];
  std::cout << std::endl;
}

void print_chat_state_changed(const client::ChatState& s) {
  std::cout << "[chat settings] chat " << s.chat << ": " << describe(s) << std::endl;
}

}  // namespace parley::cli
