// The commands about people: profile (yours, or another user's as you may see it; set
// yours), contacts (list, add, remove, lookup) and blocks (block, unblock, the list). Each is
// one or two HTTP calls.
#include "cli/commands.h"
#include "cli/render.h"
#include "cli/render_people.h"
#include "parley/people.h"

namespace parley::cli {

int cmd_profile(Context& c, const std::string& who) {
  if (int rc = c.signed_in()) return rc;
  if (who.empty()) {
    auto me = client::my_profile(c.endpoint, c.profile.token);
    if (!me.ok()) return fail(explain(me.http));
    print_my_profile(me);
    return 0;
  }
  std::int64_t user = 0;
  if (int rc = resolve_user(c, who, user)) return rc;
  auto r = client::user(c.endpoint, c.profile.token, user);
  if (r.http.error_code() == "no_such_user") return fail("user " + std::to_string(user) + " is unknown to you");
  if (!r.ok()) return fail(explain(r.http));
  print_user(r.profile);
  return 0;
}

int cmd_set_profile(Context& c, const client::ProfileChange& change) {
  if (!change.name && !change.about && !change.previews) return fail("give --name, --about or --previews");
  if (int rc = c.signed_in()) return rc;
  auto me = client::set_my_profile(c.endpoint, c.profile.token, change);
  if (!me.ok()) return fail(explain(me.http));
  print_my_profile(me);
  return 0;
}

int cmd_contacts(Context& c) {
  if (int rc = c.signed_in()) return rc;
  auto r = client::contacts(c.endpoint, c.profile.token);
  if (!r.ok()) return fail(explain(r.http));
  if (r.users.empty()) print_none("no saved contacts");
  for (const auto& u : r.users) print_user(u);
  return 0;
}

int cmd_add_contact(Context& c, const std::string& phone, const std::string& name) {
  if (int rc = c.signed_in()) return rc;
  auto r = client::add_contact(c.endpoint, c.profile.token, phone, name);
  if (r.http.error_code() == "no_such_user") return fail(phone + " is not on parley");
  if (!r.ok()) return fail(explain(r.http));
  print_contact_saved(r.profile);
  return 0;
}

int cmd_remove_contact(Context& c, const std::string& who) {
  if (int rc = c.signed_in()) return rc;
  std::int64_t user = 0;
  if (int rc = resolve_user(c, who, user)) return rc;
  auto r = client::remove_contact(c.endpoint, c.profile.token, user);
  if (r.error_code() == "not_found") return fail("user " + std::to_string(user) + " is not one of your contacts");
  if (!r.ok()) return fail(explain(r));
  print_contact_removed(user);
  return 0;
}

int cmd_lookup(Context& c, const std::vector<std::string>& phones) {
  if (int rc = c.signed_in()) return rc;
  auto r = client::lookup(c.endpoint, c.profile.token, phones);
  if (!r.ok()) return fail("lookup failed: " + explain(r.http));
  if (r.users.empty()) print_none(phones.size() == 1 ? "not on parley" : "none of these numbers is on parley");
  for (const auto& u : r.users) print_user(u);
  return 0;
}

int cmd_block(Context& c, const std::string& who, bool block) {
  if (int rc = c.signed_in()) return rc;
  std::int64_t user = 0;
  if (int rc = resolve_user(c, who, user)) return rc;
  auto r = block ? client::block(c.endpoint, c.profile.token, user) : client::unblock(c.endpoint, c.profile.token, user);
  if (r.http.error_code() == "no_such_user") return fail("user " + std::to_string(user) + " does not exist");
  if (!r.ok()) return fail(explain(r.http));
  print_blocked(user, block);
  return 0;
}

int cmd_blocks(Context& c) {
  if (int rc = c.signed_in()) return rc;
  auto r = client::blocks(c.endpoint, c.profile.token);
  if (!r.ok()) return fail(explain(r.http));
  if (r.blocked.empty()) {
    print_none("no one is blocked");
    return 0;
  }
  // Their profiles as you may see them; a user left out of the answer shows by id only.
  auto profiles = client::users(c.endpoint, c.profile.token, r.blocked);
  for (auto id : r.blocked) {
    client::UserProfile shown{.user = id, .blocked = true};
    for (const auto& p : profiles.users)
      if (p.user == id) shown = p;
    print_user(shown);
  }
  return 0;
}

}  // namespace parley::cli
