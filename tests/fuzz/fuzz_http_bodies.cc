// Fuzz target: the JSON bodies of the HTTP routes (src/net/http_api.cc), without a server.
// HttpApi::handle needs the whole service (store, bus, auth, chat), so this drives the
// pieces the routes use, the same way they use them:
// - body_object: boost::json::parse with max_depth 8, a JSON object only, and no control
//   character in any string or key (http_api.cc keeps it private: body() below mirrors it,
//   so keep the two alike);
// - the fields the routes read: "phone" (/v1/auth/code, /v1/auth/verify), "phones"
//   (/v1/contacts/lookup, /v1/admin/users), "device_name", "advance_ms"; phone numbers go
//   through auth::normalize_phone with the default region, as AuthService::normalize does.
// Invariants beyond "no crash": every string of an accepted body is UTF-8 by parley's own
// valid_utf8 (the store and the auth checks rely on it, Boost.JSON decided it); every reply
// body a route builds from the input (errors that quote a phone number included) is valid
// JSON that reads back equal. (A whole body does not always read back: Boost.JSON 1.81
// writes a number beyond double's range as Infinity, which is not JSON. No route echoes a
// client's number, so that is not checked.)
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/phone.h"
#include "check.h"
#include "core/encoding.h"
#include "proto/frames.h"

namespace json = boost::json;
using namespace parley;

namespace {

json::parse_options options() {
  json::parse_options opt;
  opt.max_depth = 8;
  return opt;
}

// http_api.cc: body_object. The parsed value, or nullopt for a refused body.
std::optional<json::value> body(std::string_view text) {
  json::error_code ec;
  json::value v = json::parse(text, ec, {}, options());
  if (ec || !v.is_object()) return std::nullopt;
  if (auto bad = proto::control_in(v)) {
    FUZZ_CHECK(!bad->empty(), "empty control-character message");
    return std::nullopt;
  }
  return v;
}

// A reply the route sends back: must be JSON the client can read.
void check_reply(const json::object& reply) {
  std::string text = json::serialize(reply);
  json::error_code ec;
  json::value back = json::parse(text, ec);
  FUZZ_CHECK(!ec && back == json::value(reply), "reply is not valid JSON: " + text);
}

void check_strings(const json::value& v) {
  if (v.is_string()) FUZZ_CHECK(valid_utf8(v.get_string()), "string is not UTF-8 by valid_utf8");
  if (v.is_array())
    for (const auto& e : v.get_array()) check_strings(e);
  if (v.is_object())
    for (const auto& [k, e] : v.get_object()) {
      FUZZ_CHECK(valid_utf8(k), "key is not UTF-8 by valid_utf8");
      check_strings(e);
    }
}

// What AuthService::normalize answers, and the reply a route builds from it.
void phone(std::string_view raw, bool quote_in_error) {
  auto r = auth::normalize_phone(raw, "US");
  if (r) {
    check_reply(json::object{{"phone", *r}, {"expires_in_s", 300}});
  } else {
    std::string message = quote_in_error ? std::string(raw) + ": " + r.status().message() : r.status().message();
    check_reply(json::object{{"error", "bad_phone"}, {"message", message}});
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto v = body(text);
  if (!v) return 0;
  check_strings(*v);
  const json::object& o = v->get_object();

  // /v1/auth/code, /v1/auth/verify
  if (auto* p = o.if_contains("phone"); p && p->is_string()) phone(p->get_string(), false);
  // /v1/auth/verify, /v1/admin/users: a device_name AuthService::mint accepts (UTF-8, at
  // most 64 bytes) comes back in GET /v1/devices.
  if (auto* d = o.if_contains("device_name"); d && d->is_string() && d->get_string().size() <= 64)
    check_reply(json::object{{"devices", json::array{json::object{{"device", 1}, {"name", d->get_string()}}}}});
  // /v1/contacts/lookup (at most 256, non-strings skipped), /v1/admin/users (at most 10000,
  // an error quoting the bad number).
  if (auto* ps = o.if_contains("phones"); ps && ps->is_array() && ps->get_array().size() <= 10000) {
    for (const auto& p : ps->get_array())
      if (p.is_string()) phone(p.get_string(), true);
  }
  // /v1/admin/clock
  if (auto* adv = o.if_contains("advance_ms"); adv && adv->is_int64() && adv->get_int64() >= 0)
    check_reply(json::object{{"now", adv->get_int64()}});
  return 0;
}
