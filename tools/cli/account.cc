// The account commands: login (a code sent to the phone, then a device token saved in the
// profile) and devices (list, revoke).
#include <boost/json.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/render.h"

namespace parley::cli {

namespace json = boost::json;

int cmd_login(Context& c, const std::string& phone, std::string code, const std::string& device_name) {
  if (int rc = c.resolve(c.server_flag.empty() ? "http://127.0.0.1:8080" : c.server_flag)) return rc;
  auto r = client::http_call(c.endpoint, "POST", "/v1/auth/code", json::serialize(json::object{{"phone", phone}}));
  if (!r.ok()) return fail("cannot request a code: " + explain(r));
  std::string normalized(r.json.at("phone").as_string());
  if (code.empty()) {
    std::cerr << "A code was sent to " << normalized << ". Code: " << std::flush;
    if (!std::getline(std::cin, code) || code.empty()) return fail("no code entered");
  }
  auto v = client::http_call(c.endpoint, "POST", "/v1/auth/verify",
                             json::serialize(json::object{{"phone", normalized}, {"code", code}, {"device_name", device_name}}));
  if (!v.ok()) return fail("sign-in failed: " + explain(v));
  Profile p;
  p.server = "http://" + c.endpoint.host + ":" + c.endpoint.port;
  p.token = std::string(v.json.at("token").as_string());
  p.phone = normalized;
  p.user = v.json.at("user").as_int64();
  p.device = v.json.at("device").as_int64();
  std::string err;
  if (!save_profile(c.profile_path, p, err)) return fail(err);
  print_signed_in(normalized, p.user, p.device);
  return 0;
}

int cmd_devices(Context& c, std::int64_t revoke) {
  if (int rc = c.signed_in()) return rc;
  if (revoke > 0) {
    auto r = client::http_call(c.endpoint, "DELETE", "/v1/devices/" + std::to_string(revoke), {}, c.profile.token);
    if (!r.ok()) return fail("cannot revoke device " + std::to_string(revoke) + ": " + explain(r));
    print_revoked(revoke);
    return 0;
  }
  auto r = client::http_call(c.endpoint, "GET", "/v1/devices", {}, c.profile.token);
  if (!r.ok()) return fail(explain(r));
  print_devices(r.json.at("devices").as_array());
  return 0;
}

}  // namespace parley::cli
