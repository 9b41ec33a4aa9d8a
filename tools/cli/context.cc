#include "cli/context.h"

#include "parley/session.h"

#include <boost/json.hpp>
#include <csignal>
#include <iostream>

namespace parley::cli {

namespace json = boost::json;

namespace {
volatile std::sig_atomic_t g_stop = 0;  // set by the signal handlers of stop_on_signals()
}  // namespace

int Context::signed_in() {
  std::string err;
  if (!load_profile(profile_path, profile, err)) return fail(err);
  return resolve(server_flag.empty() ? profile.server : server_flag);
}

int Context::resolve(const std::string& url) {
  std::string err;
  if (!client::parse_server_url(url, endpoint, err)) return fail(err);
  return 0;
}

int fail(const std::string& message) {
  std::cerr << "parley: " << message << "\n";
  return 1;
}

std::string explain(const client::HttpResult& r) {
  if (r.status == 0) return r.error + " (is parleyd running? use --server URL)";
  std::string code = r.error_code();
  return (code.empty() ? "" : code + ": ") + r.error;
}

std::string cannot_connect(const Context& c) { return "cannot connect to " + c.endpoint.host + ":" + c.endpoint.port; }

int resolve_user(Context& c, const std::string& who, std::int64_t& user) {
  if (!who.empty() && who.find_first_not_of("0123456789") == std::string::npos) {
    user = std::stoll(who);
    return 0;
  }
  auto r = client::http_call(c.endpoint, "POST", "/v1/contacts/lookup",
                             json::serialize(json::object{{"phones", json::array{json::string(who)}}}), c.profile.token);
  if (!r.ok()) return fail("lookup failed: " + explain(r));
  auto& users = r.json.at("users").as_array();
  if (users.empty()) return fail(who + " is not on parley (or not a valid phone number)");
  user = users[0].at("user").as_int64();
  return 0;
}

int resolve_users(Context& c, const std::vector<std::string>& who, std::vector<std::int64_t>& users) {
  if (int rc = c.signed_in()) return rc;
  for (const auto& w : who) {
    std::int64_t u = 0;
    if (int rc = resolve_user(c, w, u)) return rc;
    users.push_back(u);
  }
  return 0;
}

int resolve_chat(Context& c, const std::string& ref, std::int64_t& chat) {
  if (!ref.empty() && ref.find_first_not_of("0123456789") == std::string::npos) {
    chat = std::stoll(ref);
    return 0;
  }
  if (!ref.starts_with('+')) return fail("name a chat by its id (see `parley chats`) or by a phone number, not " + ref);
  std::int64_t user = 0;
  if (int rc = resolve_user(c, ref, user)) return rc;
  auto r = client::http_call(c.endpoint, "GET", "/v1/chats", {}, c.profile.token);
  if (!r.ok()) return fail(explain(r));
  for (auto& ch : r.json.at("chats").as_array()) {
    auto& o = ch.as_object();
    if (o.at("kind").as_string() == "direct" && o.at("peer").as_int64() == user) {
      chat = o.at("chat").as_int64();
      return 0;
    }
  }
  return fail("no chat with " + ref + " yet");
}

int request(Context& c, const std::function<std::string(client::Connection&)>& make, client::Done* done) {
  if (int rc = c.signed_in()) return rc;
  client::Session s(one_shot_options(c));
  auto out = s.await_request(make(s.connection()), 15000);
  if (out.error) return fail(out.error->code + ": " + out.error->message);
  if (!out.done) return fail(s.snapshot().connects == 0 ? cannot_connect(c) : "no answer from the server in 15 s");
  if (done) *done = *out.done;
  return 0;
}

client::Options connection_options(const Context& c) {
  client::Options o;
  o.server = c.endpoint;
  o.token = c.profile.token;
  o.position = c.profile.position;
  return o;
}

client::Options one_shot_options(const Context& c) {
  auto o = connection_options(c);
  o.sync_on_connect = false;
  o.reconnect = false;
  return o;
}

void save_position(Context& c, std::int64_t position) {
  if (position <= c.profile.position) return;
  c.profile.position = position;
  std::string err;
  save_profile(c.profile_path, c.profile, err);
}

void stop_on_signals() {
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
}

bool stop_requested() { return g_stop != 0; }

}  // namespace parley::cli
