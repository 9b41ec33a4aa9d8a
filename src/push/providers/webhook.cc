#include "push/providers/webhook.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/encoding.h"
#include "model/membership.h"
#include "push/providers/provider_util.h"

namespace parley::push {

namespace {

namespace json = boost::json;

constexpr std::size_t kMaxPushkey = 512;

bool rejected_us(const std::string& body, const std::string& pushkey) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  const json::value* rejected = !ec && v.is_object() ? v.get_object().if_contains("rejected") : nullptr;
  if (!rejected || !rejected->is_array()) return false;
  for (const json::value& k : rejected->get_array())
    if (k.is_string() && k.get_string() == pushkey) return true;
  return false;
}

}  // namespace

std::string webhook_body(const Target& target, const Notification& n) {
  const std::string id = std::to_string(n.chat.value) + ":" + std::to_string(n.seq);
  const bool invite = n.event == "invite";
  json::object notification{
      {"id", id},
      {"event_id", id},
      {"room_id", std::to_string(n.chat.value)},
      {"type", invite ? "m.room.member" : "m.room.message"},
      {"sender", std::to_string(n.sender.value)},
      {"sender_display_name", n.title},
      {"prio", "high"},
      {"content", invite ? json::object{{"membership", "invite"}, {"body", n.body}}
                         : json::object{{"msgtype", "m.text"}, {"body", n.body}}},
      {"counts", {{"unread", n.badge}}},
      {"devices", json::array{json::object{
                      {"app_id", "parley"}, {"pushkey", target.token}, {"pushkey_ts", target.created_at / 1000}}}},
  };
  if (n.kind != ChatKind::kDirect) notification["room_name"] = n.title;
  if (invite) notification["user_is_target"] = true;
  json::object parley{
      {"event", n.event}, {"chat", n.chat.value}, {"kind", membership::kind_name(n.kind)},
      {"seq", n.seq},     {"count", n.count},
  };
  return json::serialize(json::object{{"notification", std::move(notification)}, {"parley", std::move(parley)}});
}

std::string webhook_signature(std::string_view secret, std::int64_t unix_s, std::string_view body) {
  const std::string signed_text = std::to_string(unix_s) + "." + std::string(body);
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &len);
  return "t=" + std::to_string(unix_s) + ",v1=" + hex(std::string_view(reinterpret_cast<char*>(mac), len));
}

WebhookProvider::WebhookProvider(WebhookOptions options, const Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      http_(HttpClientOptions{.timeout_ms = options_.timeout_ms, .ca_file = options_.ca_file}) {}

Result<std::unique_ptr<WebhookProvider>> WebhookProvider::create(WebhookOptions options, const Clock& clock) {
  if (!options.url.starts_with("https://") && !options.url.starts_with("http://"))
    return Status(Code::kInvalid, "the push webhook url must be an http(s):// URL");
  if (options.secret.size() < 16) return Status(Code::kInvalid, "the push webhook secret must be at least 16 bytes");
  return std::unique_ptr<WebhookProvider>(new WebhookProvider(std::move(options), clock));
}

Status WebhookProvider::validate(std::string_view token) const {
  if (token.empty() || token.size() > kMaxPushkey) return Status(Code::kInvalid, "a webhook pushkey is 1 to 512 bytes");
  for (char c : token)
    if (c < 0x20 || c > 0x7e) return Status(Code::kInvalid, "a webhook pushkey is printable ASCII");
  return Status::Ok();
}

SendResult WebhookProvider::send(const Target& target, const Notification& n) {
  HttpRequest req;
  req.url = options_.url;
  req.body = webhook_body(target, n);
  req.headers = {{"Content-Type", "application/json"},
                 {"X-Parley-Signature", webhook_signature(options_.secret, clock_.now_ms() / 1000, req.body)}};
  HttpResponse r = http_.perform(req);
  if (r.status >= 200 && r.status < 300 && rejected_us(r.body, target.token))
    return invalid_target(r, "the gateway rejected the pushkey");
  return classify_answer(r, clock_.now_ms());
}

}  // namespace parley::push
