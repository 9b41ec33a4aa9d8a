#include "push/providers/fcm.h"

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

constexpr std::int64_t kAssertionLifetimeS = 3600;
constexpr std::int64_t kRefreshEarlyMs = 60'000;
constexpr std::size_t kMaxToken = 4096;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Why FCM's error answer means the token is gone for good, or empty if it does not.
std::string gone_reason(const HttpResponse& r) {
  if (r.status == 404) return "not found";
  boost::system::error_code ec;
  json::value v = json::parse(r.body, ec);
  const json::object* root = ec ? nullptr : v.if_object();
  const json::value* e = root ? root->if_contains("error") : nullptr;
  const json::object* error = e ? e->if_object() : nullptr;
  if (!error) return {};
  if (const json::value* details = error->if_contains("details"); details && details->is_array()) {
    for (const json::value& d : details->get_array()) {
      const json::value* code = d.is_object() ? d.get_object().if_contains("errorCode") : nullptr;
      if (!code || !code->is_string()) continue;
      if (code->get_string() == "UNREGISTERED") return "UNREGISTERED";
      if (code->get_string() == "SENDER_ID_MISMATCH") return "SENDER_ID_MISMATCH";
    }
  }
  const json::value* status = error->if_contains("status");
  const json::value* message = error->if_contains("message");
  if (r.status == 400 && status && status->is_string() && status->get_string() == "INVALID_ARGUMENT" && message &&
      message->is_string() && lower(message->get_string()).find("token") != std::string::npos)
    return "INVALID_ARGUMENT on the token";
  return {};
}

Result<std::string> required_string(const json::object& o, std::string_view key, const std::string& file) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string() || v->get_string().empty())
    return Status(Code::kInvalid, "the FCM service account file " + file + " has no '" + std::string(key) + "'");
  return std::string(v->get_string());
}

}  // namespace

std::string fcm_message(const std::string& token, const Notification& n) {
  json::object data{
      {"event", n.event},
      {"chat", std::to_string(n.chat.value)},
      {"kind", membership::kind_name(n.kind)},
      {"seq", std::to_string(n.seq)},
      {"count", std::to_string(n.count)},
      {"badge", std::to_string(n.badge)},
  };
  json::object message{
      {"token", token},
      {"notification", {{"title", n.title}, {"body", n.body}}},
      {"data", std::move(data)},
      {"android",
       {{"collapse_key", n.collapse_key},
        {"priority", "high"},
        {"ttl", std::to_string(std::max<std::int64_t>(0, n.ttl_s)) + "s"}}},
      {"apns", {{"payload", {{"aps", {{"badge", n.badge}}}}}}},
  };
  return json::serialize(json::object{{"message", std::move(message)}});
}

FcmProvider::FcmProvider(FcmOptions options, Account account, const Clock& clock)
    : options_(std::move(options)),
      account_(std::move(account)),
      send_url_(options_.endpoint + "/v1/projects/" + account_.project_id + "/messages:send"),
      clock_(clock),
      http_(HttpClientOptions{.timeout_ms = options_.timeout_ms, .ca_file = options_.ca_file}) {}

Result<std::unique_ptr<FcmProvider>> FcmProvider::create(FcmOptions options, const Clock& clock) {
  const std::string& file = options.service_account_file;
  if (file.empty()) return Status(Code::kInvalid, "no FCM service account file given");
  auto text = read_small_file(file);
  if (!text) return text.status();
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  if (ec || !v.is_object()) return Status(Code::kInvalid, "the FCM service account file " + file + " is not JSON");
  Account account;
  for (auto [key, out] : {std::pair{"client_email", &account.client_email}, std::pair{"token_uri", &account.token_uri},
                          std::pair{"project_id", &account.project_id}}) {
    auto s = required_string(v.get_object(), key, file);
    if (!s) return s.status();
    *out = std::move(*s);
  }
  auto pem = required_string(v.get_object(), "private_key", file);
  if (!pem) return pem.status();
  auto key = private_key_from_pem(*pem);
  if (!key || !EVP_PKEY_is_a(key->get(), "RSA"))
    return Status(Code::kInvalid, "the private_key of " + file + " is not an RSA key in PEM");
  account.key = std::move(*key);
  if (!account.token_uri.starts_with("https://") && !account.token_uri.starts_with("http://"))
    return Status(Code::kInvalid, "the token_uri of " + file + " is not an http(s) URL");
  while (options.endpoint.ends_with('/')) options.endpoint.pop_back();
  return std::unique_ptr<FcmProvider>(new FcmProvider(std::move(options), std::move(account), clock));
}

Status FcmProvider::validate(std::string_view token) const {
  if (token.empty() || token.size() > kMaxToken) return Status(Code::kInvalid, "an FCM token is 1 to 4096 bytes");
  for (char c : token)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != ':' && c != '.')
      return Status(Code::kInvalid, "an FCM token is made of letters, digits and - _ : .");
  return Status::Ok();
}

std::string FcmProvider::access_token(const std::string& rejected, SendResult& failure) {
  std::lock_guard lock(token_mu_);
  const TimeMs now = clock_.now_ms();
  if (!token_.empty() && token_ != rejected && now < token_refresh_at_) return token_;
  token_.clear();
  const std::int64_t iat = now / 1000;
  auto assertion = make_jwt(JwtAlg::kRS256, account_.key.get(),
                            json::object{{"iss", account_.client_email},
                                         {"scope", "https://www.googleapis.com/auth/firebase.messaging"},
                                         {"aud", account_.token_uri},
                                         {"iat", iat},
                                         {"exp", iat + kAssertionLifetimeS}});
  if (!assertion) {
    failure.outcome = SendResult::Outcome::kDropped;
    failure.detail = "cannot sign the OAuth assertion: " + assertion.status().message();
    return {};
  }
  HttpRequest req;
  req.url = account_.token_uri;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  req.body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + *assertion;
  HttpResponse r = http_.perform(req);
  boost::system::error_code ec;
  json::value v = r.status == 200 ? json::parse(r.body, ec) : json::value();
  const json::object* o = v.if_object();
  const json::value* token = o ? o->if_contains("access_token") : nullptr;
  const json::value* expires = o ? o->if_contains("expires_in") : nullptr;
  if (!token || !token->is_string() || token->get_string().empty()) {
    failure = classify_answer(r, now);
    // A 200 without a token is the token service's fault: try again later.
    if (failure.outcome == SendResult::Outcome::kSent) failure.outcome = SendResult::Outcome::kRetry;
    failure.detail = "OAuth token request to " + account_.token_uri + ": " + failure.detail;
    return {};
  }
  const std::int64_t lifetime_s = expires && expires->is_int64() ? expires->get_int64() : 3600;
  token_ = std::string(token->get_string());
  token_refresh_at_ = now + lifetime_s * 1000 - kRefreshEarlyMs;
  return token_;
}

SendResult FcmProvider::send(const Target& target, const Notification& n) {
  HttpRequest req;
  req.url = send_url_;
  req.body = fcm_message(target.token, n);
  std::string rejected;
  HttpResponse r;
  for (int attempt = 0; attempt < 2; ++attempt) {
    SendResult failure;
    std::string token = access_token(rejected, failure);
    if (token.empty()) return failure;
    req.headers = {{"Content-Type", "application/json; charset=utf-8"}, {"Authorization", "Bearer " + token}};
    r = http_.perform(req);
    if (r.status != 401) break;
    rejected = token;  // revoked or expired early: a new one, once
  }
  if (r.status >= 400 && r.status < 500 && r.status != 429)
    if (std::string why = gone_reason(r); !why.empty()) return invalid_target(r, why);
  return classify_answer(r, clock_.now_ms());
}

}  // namespace parley::push
