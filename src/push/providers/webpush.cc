#include "push/providers/webpush.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <algorithm>
#include <cctype>

#include "core/encoding.h"
#include "model/membership.h"
#include "push/providers/ece.h"
#include "push/providers/keys.h"
#include "push/providers/provider_util.h"

namespace parley::push {

namespace {

namespace json = boost::json;

constexpr std::size_t kMaxSubscription = 4096;
constexpr std::size_t kMaxEndpoint = 2048;
constexpr std::size_t kMaxTopic = 32;

bool host_allowed(std::string_view host, const std::vector<std::string>& allowed) {
  for (std::string_view a : allowed) {
    if (a.starts_with("*.")) {
      std::string_view suffix = a.substr(1);  // ".example.com"
      if (host.size() > suffix.size() && host.ends_with(suffix)) return true;
    } else if (host == a) {
      return true;
    }
  }
  return false;
}

const json::string* string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v ? v->if_string() : nullptr;
}

// The Topic header: the collapse key's base64url characters, at most 32 (RFC 8030 §5.4).
std::string topic(std::string_view collapse_key) {
  std::string out;
  for (char c : collapse_key)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') out += c;
  return out.substr(0, kMaxTopic);
}

}  // namespace

Result<WebPushSubscription> parse_subscription(std::string_view text, const WebPushOptions& options) {
  if (text.empty() || text.size() > kMaxSubscription)
    return Status(Code::kInvalid, "a Web Push subscription is a JSON object of at most 4096 bytes");
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  const json::object* o = ec ? nullptr : v.if_object();
  const json::object* keys = nullptr;
  if (o) {
    const json::value* k = o->if_contains("keys");
    keys = k ? k->if_object() : nullptr;
  }
  const json::string* endpoint = o ? string_at(*o, "endpoint") : nullptr;
  const json::string* p256dh = keys ? string_at(*keys, "p256dh") : nullptr;
  const json::string* auth = keys ? string_at(*keys, "auth") : nullptr;
  if (!endpoint || !p256dh || !auth)
    return Status(Code::kInvalid, "a Web Push subscription is {\"endpoint\",\"keys\":{\"p256dh\",\"auth\"}}");

  WebPushSubscription out;
  auto point = base64url_decode(*p256dh);
  if (!point || point->size() != 65 || (*point)[0] != 0x04 || !p256_from_point(*point))
    return Status(Code::kInvalid, "p256dh is not an uncompressed P-256 point (65 bytes, base64url)");
  auto secret = base64url_decode(*auth);
  if (!secret || secret->size() != 16) return Status(Code::kInvalid, "auth is not 16 bytes in base64url");
  out.p256dh = std::move(*point);
  out.auth = std::move(*secret);

  if (endpoint->size() > kMaxEndpoint) return Status(Code::kInvalid, "the endpoint is longer than 2048 bytes");
  auto url = boost::urls::parse_absolute_uri(std::string_view(*endpoint));
  if (!url) return Status(Code::kInvalid, "the endpoint is not a URL");
  const std::string scheme(url->scheme());
  if (scheme != "https" && !(scheme == "http" && options.allow_http))
    return Status(Code::kForbidden, "the endpoint must be an https:// URL");
  if (url->has_userinfo() || url->has_fragment())
    return Status(Code::kForbidden, "the endpoint may not carry user information or a fragment");
  std::string host(url->encoded_host());
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto type = url->host_type();
  if ((type != boost::urls::host_type::name && type != boost::urls::host_type::ipv4) ||
      host.find('%') != std::string::npos || !host_allowed(host, options.hosts))
    return Status(Code::kForbidden, "the endpoint's host '" + host + "' is not a push service this server allows");
  out.origin = scheme + "://" + host;  // RFC 6454: the port only when it is not the scheme's own
  const std::string port(url->port());
  if (!port.empty() && !(scheme == "https" && port == "443") && !(scheme == "http" && port == "80"))
    out.origin += ":" + port;
  out.endpoint = std::string(*endpoint);
  return out;
}

std::string webpush_payload(const Notification& n) {
  json::object o{
      {"event", n.event},
      {"chat", n.chat.value},
      {"kind", membership::kind_name(n.kind)},
      {"seq", n.seq},
      {"count", n.count},
      {"badge", n.badge},
      {"title", cut_utf8(n.title, 200)},
      {"body", n.body},
      {"tag", n.collapse_key},
  };
  std::string out = json::serialize(o);
  // Cut the body until the whole fits one record (escapes can make it longer than its bytes).
  while (out.size() > kMaxEcePlaintext) {
    const std::string body(o["body"].as_string());
    o["body"] = cut_utf8(body, body.size() - std::min(body.size(), out.size() - kMaxEcePlaintext + 8));
    out = json::serialize(o);
  }
  return out;
}

WebPushProvider::WebPushProvider(WebPushOptions options, Vapid vapid, const Clock& clock)
    : options_(std::move(options)),
      vapid_(std::move(vapid)),
      clock_(clock),
      http_(HttpClientOptions{.timeout_ms = options_.timeout_ms, .ca_file = options_.ca_file}) {}

Result<std::unique_ptr<WebPushProvider>> WebPushProvider::create(WebPushOptions options, const Clock& clock) {
  auto vapid = Vapid::load_or_create(options.key_file, options.subject);
  if (!vapid) return vapid.status();
  return std::unique_ptr<WebPushProvider>(new WebPushProvider(std::move(options), std::move(*vapid), clock));
}

Status WebPushProvider::validate(std::string_view token) const {
  auto sub = parse_subscription(token, options_);
  return sub ? Status::Ok() : sub.status();
}

SendResult WebPushProvider::send(const Target& target, const Notification& n) {
  SendResult out;
  out.outcome = SendResult::Outcome::kInvalidTarget;
  auto sub = parse_subscription(target.token, options_);  // the allow list may have changed since
  if (!sub) {
    out.detail = "subscription refused: " + sub.status().message();
    return out;
  }
  auto body = ece_encrypt(webpush_payload(n), sub->p256dh, sub->auth);
  auto auth = vapid_.authorization(sub->origin, clock_.now_ms());
  if (!body || !auth) {
    out.outcome = SendResult::Outcome::kDropped;
    out.detail = "cannot encrypt or sign: " + (body ? auth.status() : body.status()).message();
    return out;
  }
  HttpRequest req;
  req.url = sub->endpoint;
  req.headers = {
      {"Content-Type", "application/octet-stream"},
      {"Content-Encoding", "aes128gcm"},
      {"TTL", std::to_string(std::max<std::int64_t>(0, n.ttl_s))},
      {"Urgency", "high"},
      {"Authorization", *auth},
  };
  if (std::string t = topic(n.collapse_key); !t.empty()) req.headers.emplace_back("Topic", t);
  req.body = std::move(*body);
  HttpResponse r = http_.perform(req);
  if (r.status == 404 || r.status == 410) return invalid_target(r, "the subscription has expired or was removed");
  return classify_answer(r, clock_.now_ms());
}

}  // namespace parley::push
