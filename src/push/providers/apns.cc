#include "push/providers/apns.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <algorithm>
#include <cctype>

#include "model/membership.h"
#include "push/providers/jwt.h"
#include "push/providers/provider_util.h"

namespace parley::push {

namespace {

namespace json = boost::json;

constexpr TimeMs kJwtReuseMs = 50 * 60'000;
constexpr TimeMs kJwtMinAgeMs = 20 * 60'000;
constexpr std::size_t kMaxCollapseId = 64;

std::string reason_of(const HttpResponse& r) {
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  const json::value* reason = !ec && v.is_object() ? v.get_object().if_contains("reason") : nullptr;
  return reason && reason->is_string() ? std::string(reason->get_string()) : std::string();
}

}  // namespace

std::string apns_payload(const Notification& n) {
  json::object aps{
      {"alert", {{"title", cut_utf8(n.title, 200)}, {"body", cut_utf8(n.body, 1000)}}},
      {"badge", n.badge},
      {"sound", "default"},
      {"thread-id", n.collapse_key},
  };
  return json::serialize(json::object{
      {"aps", std::move(aps)},
      {"chat", n.chat.value},
      {"kind", membership::kind_name(n.kind)},
      {"event", n.event},
      {"seq", n.seq},
      {"count", n.count},
  });
}

ApnsProvider::ApnsProvider(ApnsOptions options, Pkey key, const Clock& clock)
    : options_(std::move(options)),
      key_(std::move(key)),
      clock_(clock),
      http_(HttpClientOptions{.timeout_ms = options_.timeout_ms, .ca_file = options_.ca_file, .require_http2 = true}) {}

Result<std::unique_ptr<ApnsProvider>> ApnsProvider::create(ApnsOptions options, const Clock& clock) {
  if (options.key_file.empty() || options.key_id.empty() || options.team_id.empty() || options.topic.empty())
    return Status(Code::kInvalid, "APNs needs key_file, key_id, team_id and topic");
  auto pem = read_small_file(options.key_file);
  if (!pem) return pem.status();
  auto key = private_key_from_pem(*pem);
  if (!key || !is_p256(key->get()))
    return Status(Code::kInvalid, "the APNs key file " + options.key_file + " holds no P-256 private key (.p8)");
  if (!options.endpoint.starts_with("https://"))
    return Status(Code::kInvalid, "the APNs endpoint must be an https:// URL (HTTP/2 over TLS)");
  while (options.endpoint.ends_with('/')) options.endpoint.pop_back();
  return std::unique_ptr<ApnsProvider>(new ApnsProvider(std::move(options), std::move(*key), clock));
}

Status ApnsProvider::validate(std::string_view token) const {
  if (token.size() < 64 || token.size() > 200 ||
      !std::all_of(token.begin(), token.end(), [](unsigned char c) { return std::isxdigit(c); }))
    return Status(Code::kInvalid, "an APNs device token is 64 to 200 hexadecimal digits");
  return Status::Ok();
}

Result<std::string> ApnsProvider::provider_token(const std::string& expired) {
  std::lock_guard lock(jwt_mu_);
  const TimeMs now = clock_.now_ms();
  const TimeMs age = now - jwt_issued_at_;
  const bool refused = !expired.empty() && expired == jwt_ && age >= kJwtMinAgeMs;
  if (!jwt_.empty() && age < kJwtReuseMs && age >= 0 && !refused) return jwt_;
  auto jwt = make_jwt(JwtAlg::kES256, key_.get(), json::object{{"iss", options_.team_id}, {"iat", now / 1000}},
                      json::object{{"kid", options_.key_id}});
  if (!jwt) return jwt.status();
  jwt_ = *jwt;
  jwt_issued_at_ = now;
  return jwt_;
}

SendResult ApnsProvider::send(const Target& target, const Notification& n) {
  if (Status valid = validate(target.token); !valid.ok()) {  // it goes into the URL
    SendResult out;
    out.outcome = SendResult::Outcome::kInvalidTarget;
    out.detail = valid.message();
    return out;
  }
  HttpRequest req;
  req.url = options_.endpoint + "/3/device/" + target.token;
  req.body = apns_payload(n);
  std::string expired;
  HttpResponse r;
  std::string reason;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto jwt = provider_token(expired);
    if (!jwt) {
      SendResult out;
      out.outcome = SendResult::Outcome::kDropped;
      out.detail = "cannot sign the provider token: " + jwt.status().message();
      return out;
    }
    const std::int64_t expiration = clock_.now_ms() / 1000 + std::max<std::int64_t>(0, n.ttl_s);
    req.headers = {
        {"authorization", "bearer " + *jwt},
        {"apns-topic", options_.topic},
        {"apns-push-type", "alert"},
        {"apns-priority", "10"},
        {"apns-expiration", std::to_string(expiration)},
        {"content-type", "application/json"},
    };
    if (!n.collapse_key.empty()) req.headers.emplace_back("apns-collapse-id", cut_utf8(n.collapse_key, kMaxCollapseId));
    r = http_.perform(req);
    reason = r.status >= 400 ? reason_of(r) : std::string();
    if (r.status != 403 || reason != "ExpiredProviderToken") break;
    expired = *jwt;  // a new provider token, once (if the old one is old enough to replace)
  }
  if (r.status == 410 || (r.status == 400 && (reason == "BadDeviceToken" || reason == "Unregistered" ||
                                              reason == "DeviceTokenNotForTopic")))
    return invalid_target(r, reason.empty() ? "gone" : reason);
  return classify_answer(r, clock_.now_ms());
}

}  // namespace parley::push
