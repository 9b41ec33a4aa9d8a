// The push commands: register this device's push target (a provider and its token), list
// the targets of all your devices, remove one, and show the server's providers.
#include <boost/json.hpp>

#include "cli/commands.h"
#include "cli/render.h"
#include "cli/render_people.h"
#include "parley/push.h"

namespace parley::cli {

namespace json = boost::json;

int cmd_push_register(Context& c, const std::string& provider, const std::string& push_token) {
  if (int rc = c.signed_in()) return rc;
  client::PushTargetResult r;
  if (provider == "webpush") {
    json::error_code ec;
    auto subscription = json::parse(push_token, ec);
    if (ec || !subscription.is_object())
      return fail(R"(for webpush, give the subscription as JSON: {"endpoint":...,"keys":{"p256dh":...,"auth":...}})");
    r = client::register_webpush(c.endpoint, c.profile.token, subscription.get_object());
  } else {
    r = client::register_push(c.endpoint, c.profile.token, provider, push_token);
  }
  if (!r.ok()) return fail("cannot register the push target: " + explain(r.http));
  print_push_registered(r.target);
  return 0;
}

int cmd_push_list(Context& c) {
  if (int rc = c.signed_in()) return rc;
  auto r = client::push_targets(c.endpoint, c.profile.token);
  if (!r.ok()) return fail(explain(r.http));
  if (r.targets.empty()) print_none("no push targets");
  for (const auto& t : r.targets) print_push_target(t, c.profile.device);
  return 0;
}

int cmd_push_remove(Context& c, std::int64_t target) {
  if (int rc = c.signed_in()) return rc;
  auto r = client::remove_push_target(c.endpoint, c.profile.token, target);
  if (r.error_code() == "not_found") return fail("no push target " + std::to_string(target) + " of yours");
  if (!r.ok()) return fail(explain(r));
  print_push_removed(target);
  return 0;
}

int cmd_push_config(Context& c) {
  if (int rc = c.signed_in()) return rc;
  auto r = client::push_config(c.endpoint, c.profile.token);
  if (!r.ok()) return fail(explain(r.http));
  print_push_config(r);
  return 0;
}

}  // namespace parley::cli
