// parley: the command-line client. `parley --help` lists the commands.
#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <csignal>
#include <ctime>
#include <iostream>
#include <map>

#include "cli/profile.h"
#include "parley/http.h"
#include "parley/session.h"

namespace json = boost::json;
using namespace parley;

namespace {

int fail(const std::string& message) {
  std::cerr << "parley: " << message << "\n";
  return 1;
}

std::string when(std::int64_t ms) {
  std::time_t t = ms / 1000;
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
  return buf;
}

struct Context {
  std::string server_flag;
  std::string profile_path = cli::default_profile_path();
  cli::Profile profile;
  client::Endpoint endpoint;

  // Loads the profile and resolves the server (flag beats profile).
  int signed_in() {
    std::string err;
    if (!cli::load_profile(profile_path, profile, err)) return fail(err);
    return resolve(server_flag.empty() ? profile.server : server_flag);
  }
  int resolve(const std::string& url) {
    std::string err;
    if (!client::parse_server_url(url, endpoint, err)) return fail(err);
    return 0;
  }
};

std::string explain(const client::HttpResult& r) {
  if (r.status == 0) return r.error + " (is parleyd running? use --server URL)";
  std::string code = r.error_code();
  return (code.empty() ? "" : code + ": ") + r.error;
}

// A phone number or a numeric user id to a user id.
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

client::Options connection_options(Context& c) {
  client::Options o;
  o.server = c.endpoint;
  o.token = c.profile.token;
  o.position = c.profile.position;
  return o;
}

void save_position(Context& c, std::int64_t position) {
  if (position <= c.profile.position) return;
  c.profile.position = position;
  std::string err;
  cli::save_profile(c.profile_path, c.profile, err);
}

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
  cli::Profile p;
  p.server = "http://" + c.endpoint.host + ":" + c.endpoint.port;
  p.token = std::string(v.json.at("token").as_string());
  p.phone = normalized;
  p.user = v.json.at("user").as_int64();
  p.device = v.json.at("device").as_int64();
  std::string err;
  if (!cli::save_profile(c.profile_path, p, err)) return fail(err);
  std::cout << "Signed in as " << normalized << " (user " << p.user << ", device " << p.device << ")\n";
  return 0;
}

int cmd_send(Context& c, const std::string& who, std::int64_t chat, const std::string& text) {
  if (int rc = c.signed_in()) return rc;
  if (who.empty() == (chat == 0)) return fail("name a recipient (phone or user id) or --chat ID, not both");
  std::int64_t to = 0;
  if (chat == 0)
    if (int rc = resolve_user(c, who, to)) return rc;
  auto opts = connection_options(c);
  opts.sync_on_connect = false;
  opts.reconnect = false;
  client::Session s(opts);
  auto id = chat ? s.send_to_chat(chat, text) : s.send_to_user(to, text);
  bool done = s.wait([&](const client::EventLog& l) {
    for (auto& a : l.acks) if (a.id == id) return true;
    for (auto& e : l.errors) if (e.id == id || e.code == "unauthorized") return true;
    return l.disconnects > 0 && l.connects == 0;
  }, 15000);
  auto log = s.snapshot();
  for (auto& e : log.errors) return fail(e.code + ": " + e.message);
  for (auto& a : log.acks)
    if (a.id == id) {
      std::cout << "sent (chat " << a.chat << ", #" << a.seq << ", " << when(a.ts) << ")\n";
      return 0;
    }
  return fail(done ? "cannot connect to " + c.endpoint.host + ":" + c.endpoint.port : "no answer from the server in 15 s");
}

volatile std::sig_atomic_t g_stop = 0;

// A system message's event (JSON) in words.
std::string describe_event(const std::string& system) {
  json::error_code ec;
  auto v = json::parse(system, ec);
  if (ec || !v.is_object()) return system;
  auto& o = v.as_object();
  auto field = [&](const char* k) { return o.contains(k) ? json::serialize(o.at(k)) : std::string(); };
  std::string event = o.contains("event") && o.at("event").is_string() ? std::string(o.at("event").as_string()) : "";
  if (event == "created") return "created " + field("kind") + " " + field("name") + " with " + field("members");
  if (event == "added" || event == "removed" || event == "promoted" || event == "demoted")
    return event + " " + field("users");
  if (event == "left") return "left" + (o.contains("promoted") ? "; now admin: " + field("promoted") : std::string());
  if (event == "renamed") return "renamed to " + field("name");
  return system;
}

// Runs one group or room request on a short connection and waits for its answer.
int request(Context& c, const std::function<std::string(client::Connection&)>& make, client::Done* done = nullptr) {
  if (int rc = c.signed_in()) return rc;
  auto opts = connection_options(c);
  opts.sync_on_connect = false;
  opts.reconnect = false;
  client::Session s(opts);
  auto out = s.await_request(make(s.connection()), 15000);
  if (out.error) return fail(out.error->code + ": " + out.error->message);
  if (!out.done)
    return fail(s.snapshot().connects == 0 ? "cannot connect to " + c.endpoint.host + ":" + c.endpoint.port
                                           : "no answer from the server in 15 s");
  if (done) *done = *out.done;
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

int cmd_create(Context& c, const std::string& kind, const std::string& name, const std::vector<std::string>& who,
               bool everyone_posts, bool is_public = false) {
  std::vector<std::int64_t> members;
  if (int rc = resolve_users(c, who, members)) return rc;
  json::object extra;
  if (kind == "room" && everyone_posts) extra["everyone_posts"] = true;
  if (kind == "room" && is_public) extra["public"] = true;
  client::Done d;
  if (int rc = request(c, [&](client::Connection& cn) { return cn.create_chat(kind, name, members, extra); }, &d)) return rc;
  std::cout << kind << " " << d.chat << " created: " << name << "\n";
  if (!d.invited.empty()) {
    std::cout << "  invited (they join when they accept):";
    for (auto u : d.invited) std::cout << " user " << u;
    std::cout << "\n";
  }
  return 0;
}

int cmd_change(Context& c, std::int64_t chat, const std::string& op, const std::vector<std::string>& who,
               const std::string& value) {
  std::vector<std::int64_t> users;
  if (int rc = resolve_users(c, who, users)) return rc;
  json::object extra;
  if (op == "rename") extra["name"] = value;
  client::Done d;
  if (int rc = request(c, [&](client::Connection& cn) {
        return op == "leave" ? cn.leave_chat(chat) : cn.change_chat(chat, op, users, extra);
      }, &d))
    return rc;
  std::cout << (d.changed ? "done" : "nothing to change") << " (chat " << chat << (d.seq ? ", #" + std::to_string(d.seq) : "")
            << ")\n";
  return 0;
}

int cmd_join(Context& c, const std::string& room) {
  bool by_id = !room.empty() && room.find_first_not_of("0123456789") == std::string::npos;
  client::Done d;
  if (int rc = request(c, [&](client::Connection& cn) {
        return by_id ? cn.join_room(std::stoll(room)) : cn.join_room_by_invite(room);
      }, &d))
    return rc;
  std::cout << (d.changed ? "joined room " : "already in room ") << d.chat << "\n";
  return 0;
}

int cmd_info(Context& c, std::int64_t chat) {
  if (int rc = c.signed_in()) return rc;
  auto opts = connection_options(c);
  opts.sync_on_connect = false;
  opts.reconnect = false;
  client::Session s(opts);
  client::Error e;
  auto info = s.query([&](client::Connection& cn) { cn.chat_info(chat); }, "chat_info", &e, 15000);
  if (!info) return fail(e.code.empty() ? "no answer from the server in 15 s" : e.code + ": " + e.message);
  auto& o = *info;
  std::cout << std::string(o.at("kind").as_string()) << " " << chat << ": " << std::string(o.at("name").as_string()) << "\n"
            << "  members: " << o.at("member_count").as_int64() << ", you are " << std::string(o.at("role").as_string())
            << "\n  " << (o.at("everyone_posts").as_bool() ? "everyone posts" : "only admins post") << ", "
            << (o.at("members_can_add").as_bool() ? "members may add members" : "only admins add members") << "\n";
  if (o.contains("public"))
    std::cout << "  " << (o.at("public").as_bool() ? "public: anyone may join by id" : "private: joined by invite code only")
              << "\n";
  if (o.contains("invite")) std::cout << "  invite code: " << std::string(o.at("invite").as_string()) << "\n";
  for (auto& m : o.at("members").as_array()) {
    auto& mo = m.as_object();
    std::cout << "  user " << mo.at("user").as_int64() << (mo.at("role").as_string() == "admin" ? "  admin" : "")
              << "  delivered #" << mo.at("delivered").as_int64() << ", read #" << mo.at("read").as_int64() << "\n";
  }
  return 0;
}

int cmd_listen(Context& c, bool once, bool active) {
  if (int rc = c.signed_in()) return rc;
  auto opts = connection_options(c);
  opts.foreground = active;
  client::Session s(opts);
  s.on_typing = [&](const client::Typing& t) {
    std::cout << "[typing] chat " << t.chat << ": user " << t.user << (t.typing ? " is typing..." : " stopped typing")
              << std::endl;
  };
  s.on_message = [&](const client::Message& m) {
    std::cout << "[" << when(m.ts) << "] chat " << m.chat << " #" << m.seq << " from " << m.from
              << (m.from == c.profile.user ? " (you)" : "") << ": "
              << (m.system.empty() ? m.text : "* " + describe_event(m.system)) << std::endl;
  };
  s.on_receipt = [&](const client::Receipt& r) {
    if (r.all)
      std::cout << "[receipt] chat " << r.chat << ": everyone has delivered up to #" << r.delivered << ", read up to #"
                << r.read << std::endl;
    else
      std::cout << "[receipt] chat " << r.chat << ": user " << r.user << " has delivered up to #" << r.delivered
                << ", read up to #" << r.read << std::endl;
  };
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  if (!s.wait([](const client::EventLog& l) { return l.synced > 0 || !l.errors.empty(); }, 15000))
    return fail("cannot connect to " + c.endpoint.host + ":" + c.endpoint.port);
  for (auto& e : s.snapshot().errors) return fail(e.code + ": " + e.message);
  while (!g_stop && !once) {
    s.wait([](const client::EventLog& l) { return !l.errors.empty() && l.errors.back().code == "unauthorized"; }, 200);
    auto log = s.snapshot();
    if (!log.errors.empty() && log.errors.back().code == "unauthorized") return fail("this device was signed out");
    if (!log.messages.empty()) save_position(c, std::max(log.messages.back().pts, log.receipts.empty() ? 0 : log.receipts.back().pts));
  }
  auto log = s.snapshot();
  std::int64_t pos = 0;
  for (auto& m : log.messages) pos = std::max(pos, m.pts);
  for (auto& r : log.receipts) pos = std::max(pos, r.pts);
  save_position(c, pos);
  return 0;
}

std::string describe(const client::Presence& p) {
  if (!p.visible) return "hidden (their privacy settings, or yours, do not share it)";
  if (p.online) return "online";
  if (p.last_seen == 0) return "offline, never seen";
  return "last seen " + when(p.last_seen);
}

int cmd_presence(Context& c, const std::string& who, bool follow) {
  if (int rc = c.signed_in()) return rc;
  std::int64_t user = 0;
  if (int rc = resolve_user(c, who, user)) return rc;
  auto opts = connection_options(c);
  opts.sync_on_connect = false;  // watching only: no messages are fetched or acknowledged
  opts.reconnect = follow;
  client::Session s(opts);
  s.on_presence = [&](const client::Presence& p) {
    if (p.user == user) std::cout << (follow ? "[" + when(std::time(nullptr) * 1000LL) + "] " : "") << "user " << user << ": " << describe(p) << std::endl;
  };
  s.connection().subscribe_presence({user});
  bool got = s.wait([&](const client::EventLog& l) {
    return !l.presence.empty() || !l.errors.empty() || (l.disconnects > 0 && l.connects == 0);
  }, 15000);
  auto log = s.snapshot();
  for (auto& e : log.errors)
    return fail(e.code == "no_such_user" ? "user " + std::to_string(user) + " does not exist" : e.code + ": " + e.message);
  if (!got || log.presence.empty())
    return fail(log.connects == 0 ? "cannot connect to " + c.endpoint.host + ":" + c.endpoint.port
                                  : "no answer from the server in 15 s");
  if (!follow) return 0;
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  while (!g_stop) {
    s.wait([](const client::EventLog& l) { return !l.errors.empty() && l.errors.back().code == "unauthorized"; }, 200);
    auto now = s.snapshot();
    if (!now.errors.empty() && now.errors.back().code == "unauthorized") return fail("this device was signed out");
  }
  return 0;
}

int cmd_privacy(Context& c, const std::string& last_seen) {
  if (int rc = c.signed_in()) return rc;
  auto opts = connection_options(c);
  opts.sync_on_connect = false;
  opts.reconnect = false;
  client::Session s(opts);
  s.connection().privacy(last_seen);
  bool got = s.wait([&](const client::EventLog& l) {
    return !l.privacy.empty() || !l.errors.empty() || (l.disconnects > 0 && l.connects == 0);
  }, 15000);
  auto log = s.snapshot();
  for (auto& e : log.errors) return fail(e.code + ": " + e.message);
  if (!got || log.privacy.empty()) return fail("cannot connect to " + c.endpoint.host + ":" + c.endpoint.port);
  std::cout << "last seen and online: " << log.privacy.back()
            << (log.privacy.back() == "contacts" ? " (people you have a one-to-one chat with)" : "") << "\n";
  return 0;
}

int cmd_typing(Context& c, std::int64_t chat, bool stop) {
  if (int rc = c.signed_in()) return rc;
  auto opts = connection_options(c);
  opts.sync_on_connect = false;
  opts.reconnect = false;
  client::Session s(opts);
  if (!s.wait([](const client::EventLog& l) { return l.connects > 0 || l.disconnects > 0; }, 15000) ||
      s.snapshot().connects == 0)
    return fail("cannot connect to " + c.endpoint.host + ":" + c.endpoint.port);
  s.connection().set_typing(chat, !stop);
  s.connection().send_raw(R"({"type":"ping"})");  // its pong means the typing frame was handled
  s.wait([](const client::EventLog& l) {
    if (!l.errors.empty()) return true;
    for (const auto& f : l.frames)
      if (f.find("\"pong\"") != std::string::npos) return true;
    return false;
  }, 15000);
  for (auto& e : s.snapshot().errors) return fail(e.code + ": " + e.message);
  std::cout << (stop ? "stopped typing in chat " : "typing in chat ") << chat
            << (stop ? "" : " (it ends by itself after a few seconds)") << "\n";
  return 0;
}

int cmd_chats(Context& c) {
  if (int rc = c.signed_in()) return rc;
  auto r = client::http_call(c.endpoint, "GET", "/v1/chats", {}, c.profile.token);
  if (!r.ok()) return fail(explain(r));
  auto& chats = r.json.at("chats").as_array();
  if (chats.empty()) std::cout << "no chats yet\n";
  for (auto& ch : chats) {
    auto& o = ch.as_object();
    std::int64_t unread = o.at("last_seq").as_int64() - o.at("read").as_int64();
    if (o.at("kind").as_string() == "direct")
      std::cout << "chat " << o.at("chat").as_int64() << "  " << std::string(o.at("peer_phone").as_string()) << " (user "
                << o.at("peer").as_int64() << ")  " << o.at("last_seq").as_int64() << " messages";
    else
      std::cout << std::string(o.at("kind").as_string()) << " " << o.at("chat").as_int64() << "  "
                << std::string(o.at("name").as_string()) << " (" << o.at("member_count").as_int64() << " members)  "
                << o.at("last_seq").as_int64() << " messages";
    if (unread > 0) std::cout << ", " << unread << " unread";
    if (o.at("last_seq").as_int64() > 0)
      std::cout << "\n    last: " << std::string(o.at("last_text").as_string()) << "  (" << when(o.at("last_ts").as_int64()) << ")";
    std::cout << "\n";
  }
  return 0;
}

int cmd_devices(Context& c, std::int64_t revoke) {
  if (int rc = c.signed_in()) return rc;
  if (revoke > 0) {
    auto r = client::http_call(c.endpoint, "DELETE", "/v1/devices/" + std::to_string(revoke), {}, c.profile.token);
    if (!r.ok()) return fail("cannot revoke device " + std::to_string(revoke) + ": " + explain(r));
    std::cout << "device " << revoke << " revoked\n";
    return 0;
  }
  auto r = client::http_call(c.endpoint, "GET", "/v1/devices", {}, c.profile.token);
  if (!r.ok()) return fail(explain(r));
  for (auto& d : r.json.at("devices").as_array()) {
    auto& o = d.as_object();
    std::cout << "device " << o.at("device").as_int64() << "  " << std::string(o.at("name").as_string()) << "  signed in "
              << when(o.at("created_at").as_int64()) << (o.at("current").as_bool() ? "  (this device)" : "") << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"parley - command-line client for a parley server"};
  app.require_subcommand(1);
  Context c;
  app.add_option("--server", c.server_flag, "server URL, e.g. http://127.0.0.1:8080 (default: the profile's, or that)");
  app.add_option("--profile", c.profile_path, "profile file holding the sign-in (default ~/.config/parley/profile.json)");

  std::string phone, code, device_name = "parley CLI", who, text;
  auto* login = app.add_subcommand("login", "sign in with a phone number and a one-time code");
  login->add_option("phone", phone, "phone number, e.g. +14155550123")->required();
  login->add_option("--code", code, "the code (otherwise asked for on the terminal)");
  login->add_option("--device-name", device_name, "name shown in the device list");

  std::int64_t send_chat = 0;
  auto* send = app.add_subcommand("send", "send a text message to a user, or to a chat (group, room) with --chat");
  send->add_option("--chat", send_chat, "chat id (see `parley chats`)")->check(CLI::PositiveNumber);
  send->add_option("to_and_text", who, "recipient (phone number or user id), then the text; with --chat: the text")
      ->required()
      ->expected(1);
  std::vector<std::string> send_rest;
  send->add_option("text", send_rest, "message text")->expected(0, 1);

  std::string chat_name, change_value;
  std::vector<std::string> members;
  std::int64_t group_chat = 0;
  bool everyone_posts = false;
  auto* group = app.add_subcommand("group", "create and manage groups (up to 256 members)");
  group->require_subcommand(1);
  auto* group_create = group->add_subcommand("create", "create a group; you are its admin");
  group_create->add_option("name", chat_name, "the group's name")->required();
  group_create->add_option("members", members, "members: phone numbers or user ids");
  std::map<std::string, CLI::App*> group_ops;
  for (const char* op : {"add", "remove", "promote", "demote"}) {
    auto* sub = group->add_subcommand(op, std::string(op) + " members (admins only, unless the group lets members add)");
    sub->add_option("chat", group_chat, "group id")->required()->check(CLI::PositiveNumber);
    sub->add_option("members", members, "phone numbers or user ids")->required();
    group_ops[op] = sub;
  }
  auto* group_leave = group->add_subcommand("leave", "leave a group");
  group_leave->add_option("chat", group_chat, "group id")->required()->check(CLI::PositiveNumber);
  auto* group_rename = group->add_subcommand("rename", "rename a group (admins)");
  group_rename->add_option("chat", group_chat, "group id")->required()->check(CLI::PositiveNumber);
  group_rename->add_option("name", change_value, "new name")->required();
  auto* group_info = group->add_subcommand("info", "show a group or room: settings, members, receipts");
  group_info->add_option("chat", group_chat, "chat id")->required()->check(CLI::PositiveNumber);

  std::string room_ref;
  auto* room = app.add_subcommand("room", "create, join and leave large rooms (channels)");
  room->require_subcommand(1);
  auto* room_create = room->add_subcommand("create", "create a room; only admins post unless --everyone-posts");
  room_create->add_option("name", chat_name, "the room's name")->required();
  room_create->add_flag("--everyone-posts", everyone_posts, "let every member post");
  bool is_public = false;
  room_create->add_flag("--public", is_public, "anyone may find and join it by its id (default: invite code only)");
  auto* room_join = room->add_subcommand("join", "join a room by id or invite code");
  room_join->add_option("room", room_ref, "room id or invite code (see `parley room info`)")->required();
  auto* room_leave = room->add_subcommand("leave", "leave a room");
  room_leave->add_option("chat", group_chat, "room id")->required()->check(CLI::PositiveNumber);
  auto* room_info = room->add_subcommand("info", "show a room: settings, member count, invite code for admins");
  room_info->add_option("chat", group_chat, "room id")->required()->check(CLI::PositiveNumber);

  bool once = false;
  auto* listen = app.add_subcommand("listen", "print incoming messages and receipts until Ctrl-C");
  listen->add_flag("--once", once, "print what is waiting, then exit");
  bool active = false;
  listen->add_flag("--active", active, "show as online to others while listening (heartbeats as an open app)");

  bool follow = false;
  auto* presence = app.add_subcommand("presence", "show whether a user is online, or when they were last seen");
  presence->add_option("user", who, "phone number or user id")->required();
  presence->add_flag("--follow", follow, "keep printing changes until Ctrl-C");

  std::int64_t typing_chat = 0;
  bool typing_stop = false;
  auto* typing = app.add_subcommand("typing", "show the chat's other members that you are typing");
  typing->add_option("chat", typing_chat, "chat id (see `parley chats`)")->required()->check(CLI::PositiveNumber);
  typing->add_flag("--stop", typing_stop, "stop showing it at once");

  std::string visibility;
  auto* privacy = app.add_subcommand("privacy", "show or change who sees your last seen and online state");
  auto* last_seen = privacy->add_subcommand("last-seen", "set who sees your last seen and online state");
  last_seen->add_option("who", visibility, "everyone | contacts (one-to-one chats) | nobody")
      ->required()
      ->check(CLI::IsMember({"everyone", "contacts", "nobody"}));

  app.add_subcommand("chats", "list your chats");
  std::int64_t revoke = 0;
  auto* devices = app.add_subcommand("devices", "list your signed-in devices");
  devices->add_option("--revoke", revoke, "sign out the device with this id");

  CLI11_PARSE(app, argc, argv);
  try {
    if (*login) return cmd_login(c, phone, code, device_name);
    if (*send) {
      if (send_chat) {
        if (!send_rest.empty()) return fail("with --chat, give only the text");
        return cmd_send(c, {}, send_chat, who);
      }
      if (send_rest.empty()) return fail("give the recipient and the text");
      return cmd_send(c, who, 0, send_rest.front());
    }
    if (*group_create) return cmd_create(c, "group", chat_name, members, false);
    for (auto& [op, sub] : group_ops)
      if (*sub) return cmd_change(c, group_chat, op, members, {});
    if (*group_leave || *room_leave) return cmd_change(c, group_chat, "leave", {}, {});
    if (*group_rename) return cmd_change(c, group_chat, "rename", {}, change_value);
    if (*group_info || *room_info) return cmd_info(c, group_chat);
    if (*room_create) return cmd_create(c, "room", chat_name, {}, everyone_posts, is_public);
    if (*room_join) return cmd_join(c, room_ref);
    if (*listen) return cmd_listen(c, once, active);
    if (*presence) return cmd_presence(c, who, follow);
    if (*privacy) return cmd_privacy(c, visibility);
    if (*typing) return cmd_typing(c, typing_chat, typing_stop);
    if (app.got_subcommand("chats")) return cmd_chats(c);
    if (*devices) return cmd_devices(c, revoke);
  } catch (const std::exception& e) {
    return fail(std::string("unexpected reply from the server: ") + e.what());
  }
  return 0;
}
