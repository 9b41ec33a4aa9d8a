#include "cli/render.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <vector>

namespace parley::cli {

namespace json = boost::json;

std::string when(std::int64_t ms) {
  std::time_t t = ms / 1000;
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
  return buf;
}

std::string describe_period(std::int64_t seconds) {
  if (seconds > 0 && seconds % 86400 == 0) return seconds == 86400 ? "24h" : std::to_string(seconds / 86400) + "d";
  if (seconds > 0 && seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds) + "s";
}

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
  if (event == "mode") {
    auto* t = o.if_contains("temporary");
    auto* d = o.if_contains("disappear");
    std::int64_t seconds = d && d->is_int64() ? d->get_int64() : 0;
    return std::string(t && t->is_bool() && t->get_bool() ? "chat mode: temporary" : "chat mode: permanent") +
           (seconds > 0 ? ", new messages disappear after " + describe_period(seconds) : ", messages do not disappear");
  }
  return system;
}

std::string human_bytes(std::uint64_t bytes) {
  if (bytes < 1000) return std::to_string(bytes) + " B";
  char buf[32];
  const char* units[] = {"KB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = -1;
  while (v >= 1000 && u < 3) v /= 1000, ++u;
  std::snprintf(buf, sizeof buf, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
  return buf;
}

std::string describe_media(const json::object& m) {
  auto text = [&](const char* k) {
    auto* v = m.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  auto number = [&](const char* k) -> std::int64_t {
    auto* v = m.if_contains(k);
    return v && v->is_int64() ? v->get_int64() : 0;
  };
  std::string kind = text("kind");
  std::string out = "[" + (kind == "image" ? std::string("photo") : kind.empty() ? std::string("media") : kind);
  if (kind == "file" && !text("name").empty()) out += " " + text("name");
  if (std::int64_t ms = number("duration_ms"); ms > 0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " %lld:%02lld", static_cast<long long>(ms / 60000),
                  static_cast<long long>(ms / 1000 % 60));
    out += buf;
  }
  if (number("width") > 0 && number("height") > 0)
    out += " " + std::to_string(number("width")) + "x" + std::to_string(number("height"));
  if (number("size") > 0) out += " " + human_bytes(static_cast<std::uint64_t>(number("size")));
  return out + "]";
}

std::string describe(const client::Presence& p) {
  if (!p.visible) return "hidden (their privacy settings, or yours, do not share it)";
  if (p.online) return "online";
  if (p.last_seen == 0) return "offline, never seen";
  return "last seen " + when(p.last_seen);
}

void print_signed_in(const std::string& phone, std::int64_t user, std::int64_t device) {
  std::cout << "Signed in as " << phone << " (user " << user << ", device " << device << ")\n";
}

void print_sent(const client::Ack& a) {
  std::cout << "sent (chat " << a.chat << ", #" << a.seq << ", " << when(a.ts) << ")\n";
}

void print_uploaded(const json::object& media) {
  auto* id = media.if_contains("id");
  std::cout << "media " << (id && id->is_string() ? std::string(id->get_string()) : "?") << " "
            << describe_media(media) << "\n";
}

void print_downloaded(const std::string& path, const std::string& mime, std::uint64_t size) {
  std::cout << "saved " << path << " (" << (mime.empty() ? "" : mime + ", ") << human_bytes(size) << ")\n";
}

namespace {

// At most `n` bytes of `s`, cut before a UTF-8 character that would not fit, "..." after.
std::string shorten(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n) + "...";
}

// What a message says: its text, media, system event, or that it is gone.
std::string content(const client::Message& m) {
  if (m.expired) return "This message disappeared";
  if (m.deleted) return "This message was deleted";
  if (!m.system.empty()) return "* " + describe_event(m.system);
  if (m.media.empty()) return m.text;
  auto* id = m.media.if_contains("id");
  return describe_media(m.media) + (m.text.empty() ? "" : " " + m.text) + " (media " +
         (id && id->is_string() ? std::string(id->get_string()) : "?") + ")";
}

std::string message_line(const client::Message& m, std::int64_t me, const client::Message* quoted) {
  std::string line = "[" + when(m.ts) + "] chat " + std::to_string(m.chat) + " #" + std::to_string(m.seq) + " from " +
                     std::to_string(m.from) + (m.from == me ? " (you)" : "") + ": ";
  if (m.forwarded > 0) line += m.forwarded >= 5 ? "[Forwarded many times] " : "[Forwarded] ";
  if (m.reply_to > 0) {
    line += "(reply to #" + std::to_string(m.reply_to);
    if (quoted) line += ": " + shorten(content(*quoted), 60);
    line += ") ";
  }
  line += content(m);
  if (m.edited > 0 && !m.deleted) line += " (edited)";
  if (!m.reactions.empty()) {
    line += " (reactions:";
    for (std::size_t i = 0; i < m.reactions.size(); ++i)
      line += (i ? ", " : " ") + m.reactions[i].emoji + " " + std::to_string(m.reactions[i].count);
    line += ")";
  }
  if (m.starred) line += " (starred)";
  if (m.expires_at > 0) line += " (disappears " + when(m.expires_at) + ")";
  return line;
}

}  // namespace

void print_message(const client::Message& m, std::int64_t me, const client::Message* quoted) {
  std::cout << message_line(m, me, quoted) << std::endl;
}

void print_change(const client::Message& m, std::int64_t me, const client::Message* quoted) {
  if (m.expired)
    std::cout << "[disappeared] chat " << m.chat << " #" << m.seq << std::endl;
  else
    std::cout << "[changed] " << message_line(m, me, quoted) << std::endl;
}

void print_marked(const client::Marked& k) {
  std::cout << (k.hidden ? "[hidden] chat " : k.starred ? "[starred] chat " : "[unstarred] chat ") << k.chat << " #"
            << k.seq << (k.hidden ? " (deleted for you)" : "") << std::endl;
}

void print_search_hit(const client::SearchHit& hit, std::int64_t me) {
  const auto& m = hit.message;
  std::string snippet;
  for (std::size_t i = 0; i < hit.snippet.size(); ++i) snippet += i % 2 ? "[" + hit.snippet[i] + "]" : hit.snippet[i];
  std::cout << "[" << when(m.ts) << "] chat " << m.chat << " #" << m.seq << " from " << m.from
            << (m.from == me ? " (you)" : "") << ": " << snippet << "\n";
}

void print_more(const std::string& how) { std::cout << "(more: " << how << ")\n"; }

void print_none(const std::string& what) { std::cout << what << "\n"; }

void print_action(const std::string& what, std::int64_t chat, std::int64_t seq, const client::Done& d) {
  std::cout << (d.changed ? what : "nothing to change") << " (chat " << chat << ", #" << seq << ")\n";
}

void print_mode(std::int64_t chat, const std::string& what, const client::Done& d) {
  std::cout << "chat " << chat << ": " << (d.changed ? "" : "already ") << what << "\n";
}

void print_receipt(const client::Receipt& r) {
  if (r.all)
    std::cout << "[receipt] chat " << r.chat << ": everyone has delivered up to #" << r.delivered << ", read up to #"
              << r.read << std::endl;
  else
    std::cout << "[receipt] chat " << r.chat << ": user " << r.user << " has delivered up to #" << r.delivered
              << ", read up to #" << r.read << std::endl;
}

void print_typing(const client::Typing& t) {
  std::cout << "[typing] chat " << t.chat << ": user " << t.user << (t.typing ? " is typing..." : " stopped typing")
            << std::endl;
}

void print_presence(const client::Presence& p, bool stamped) {
  std::cout << (stamped ? "[" + when(std::time(nullptr) * 1000LL) + "] " : "") << "user " << p.user << ": "
            << describe(p) << std::endl;
}

void print_privacy(const client::PrivacySettings& p) {
  auto line = [](const char* what, const std::string& who) {
    if (!who.empty())
      std::cout << what << ": " << who
                << (who == "contacts" ? " (people you saved, or have a two-way one-to-one chat with)" : "") << "\n";
  };
  line("last seen and online", p.last_seen);
  line("add you to groups", p.group_add);
  line("name", p.name);
  line("about", p.about);
  line("photo", p.photo);
}

void print_typing_sent(std::int64_t chat, bool stop) {
  std::cout << (stop ? "stopped typing in chat " : "typing in chat ") << chat
            << (stop ? "" : " (it ends by itself after a few seconds)") << "\n";
}

void print_created(const std::string& kind, const std::string& name, const client::Done& d) {
  std::cout << kind << " " << d.chat << " created: " << name << "\n";
  if (!d.invited.empty()) {
    std::cout << "  invited (they join when they accept):";
    for (auto u : d.invited) std::cout << " user " << u;
    std::cout << "\n";
  }
}

void print_changed(std::int64_t chat, const client::Done& d) {
  std::cout << (d.changed ? "done" : "nothing to change") << " (chat " << chat
            << (d.seq ? ", #" + std::to_string(d.seq) : "") << ")\n";
}

void print_joined(const client::Done& d) {
  std::cout << (d.changed ? "joined room " : "already in room ") << d.chat << "\n";
}

void print_chat_info(std::int64_t chat, const json::object& o) {
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
}

void print_chats(const json::array& chats) {
  if (chats.empty()) std::cout << "no chats yet\n";
  std::vector<const json::object*> order;
  for (auto& ch : chats) order.push_back(&ch.as_object());
  auto flag = [](const json::object* o, const char* k) { return client::fields::flag(*o, k); };
  auto rest = std::stable_partition(order.begin(), order.end(), [&](auto* o) { return flag(o, "pinned"); });
  std::stable_partition(rest, order.end(), [&](auto* o) { return !flag(o, "archived"); });
  using client::fields::i64;
  using client::fields::str;
  for (const auto* c : order) {
    const auto& o = *c;
    std::int64_t unread = i64(o, "last_seq") - i64(o, "read");
    if (str(o, "kind") == "direct") {
      // "Bo (+14155550102, user 2)", "+14155550102 (user 2)", or "user 2": what you may see.
      std::string name = str(o, "peer_contact_name"), phone = str(o, "peer_phone");
      if (name.empty()) name = str(o, "peer_name");
      std::string peer = "user " + std::to_string(i64(o, "peer"));
      if (!name.empty()) peer = name + " (" + (phone.empty() ? "" : phone + ", ") + peer + ")";
      else if (!phone.empty()) peer = phone + " (" + peer + ")";
      std::cout << "chat " << i64(o, "chat") << "  " << peer;
    } else {
      std::cout << str(o, "kind") << " " << i64(o, "chat") << "  " << str(o, "name") << " (" << i64(o, "member_count")
                << " members)";
    }
    std::cout << "  " << i64(o, "last_seq") << " messages";
    if (unread > 0) std::cout << ", " << unread << " unread";
    if (flag(c, "pinned")) std::cout << "  (pinned)";
    if (std::int64_t muted = i64(o, "muted_until"); muted != 0)
      std::cout << (muted < 0 ? "  (muted)" : "  (muted until " + when(muted) + ")");
    if (flag(c, "archived")) std::cout << "  (archived)";
    if (i64(o, "last_seq") > 0) std::cout << "\n    last: " << str(o, "last_text") << "  (" << when(i64(o, "last_ts")) << ")";
    std::cout << "\n";
  }
}

void print_devices(const json::array& devices) {
  for (auto& d : devices) {
    auto& o = d.as_object();
    std::cout << "device " << o.at("device").as_int64() << "  " << std::string(o.at("name").as_string()) << "  signed in "
              << when(o.at("created_at").as_int64()) << (o.at("current").as_bool() ? "  (this device)" : "") << "\n";
  }
}

void print_revoked(std::int64_t device) { std::cout << "device " << device << " revoked\n"; }

}  // namespace parley::cli
