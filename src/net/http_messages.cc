// HTTP routes over messages: a chat's history, full-text search and the starred list
// (docs/protocol.md §7). Each message is the `msg` frame without a pts.
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>

#include "core/encoding.h"
#include "net/http_api.h"
#include "net/http_json.h"
#include "net/http_reply.h"
#include "proto/errors.h"
#include "proto/frames.h"

namespace parley::net {

namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

HttpResponse ok(const HttpRequest& req, const json::value& v) { return json_ok(req, v); }

HttpResponse error(const HttpRequest& req, int status, std::string_view code, std::string_view message) {
  return json_error(req, status, code, message);
}

HttpResponse error(const HttpRequest& req, const Status& st) { return json_error(req, st); }

json::value message_json(const Message& m) {
  json::error_code ec;
  return json::parse(proto::message_frame(0, m), ec);  // built by this server
}

// A snippet with \x02 and \x03 around matches, as ["plain", "match", "plain", ...]: even
// places plain text, odd places what matched (so a client never parses markup).
json::array snippet_parts(std::string_view s) {
  json::array out;
  std::string part;
  for (char c : s) {
    const bool opens = c == '\x02' && out.size() % 2 == 0, closes = c == '\x03' && out.size() % 2 == 1;
    if (opens || closes) {
      out.emplace_back(part);
      part.clear();
    } else if (c != '\x02' && c != '\x03') {
      part += c;
    }
  }
  if (out.size() % 2 == 1 || !part.empty()) out.emplace_back(part);
  return out;
}

// Query parameters: the named integers (non-negative) and strings; any other name is refused.
struct Params {
  std::optional<std::string> q;
  std::int64_t before = 0, chat = 0, limit = -1, offset = 0;
};

std::optional<std::string> read_params(const HttpRequest& req, Params& p, bool with_query) {
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return "the request target does not parse";
  for (auto param : url->params()) {
    if (with_query && param.key == "q") {
      p.q = std::string(param.value);
      continue;
    }
    auto v = parse_decimal<std::int64_t>(param.value);
    if (!v || *v < 0) return "'" + std::string(param.key) + "' must be a non-negative integer";
    if (param.key == "before") p.before = *v;
    else if (param.key == "chat") p.chat = *v;
    else if (param.key == "limit") p.limit = *v;
    else if (param.key == "offset") p.offset = *v;
  }
  return std::nullopt;
}

}  // namespace

HttpResponse HttpApi::history(const HttpRequest& req, const DeviceRecord& dev, ChatId chat) {
  Params p;
  if (auto bad = read_params(req, p, false)) return error(req, 400, proto::err::kInvalid, *bad);
  const int limit = p.limit < 0 ? 50 : static_cast<int>(std::clamp<std::int64_t>(p.limit, 1, 200));
  auto msgs = svc_.chat.history(chat, dev.user, p.before, limit);
  if (!msgs) return error(req, msgs.status());
  json::array out;
  for (const auto& m : *msgs) out.push_back(message_json(m));
  return ok(req, json::object{{"messages", std::move(out)}});
}

HttpResponse HttpApi::search(const HttpRequest& req, const DeviceRecord& dev) {
  if (TimeMs wait = searches_.take(std::to_string(dev.user.value))) {
    svc_.metrics.rate_limited++;
    return error(req, 429, proto::err::kRateLimited, "too many searches; retry in " + std::to_string(wait / 1000 + 1) + " s");
  }
  Params p;
  if (auto bad = read_params(req, p, true)) return error(req, 400, proto::err::kInvalid, *bad);
  if (!p.q || p.q->empty()) return error(req, 400, proto::err::kInvalid, "'q' (what to search for) is required");
  if (p.q->size() > 256 || !valid_utf8(*p.q) || find_control(*p.q) != std::string::npos)
    return error(req, 400, proto::err::kInvalid, "'q' must be at most 256 bytes of text");
  if (p.offset > 1000) return error(req, 400, proto::err::kInvalid, "'offset' may be at most 1000");
  const int limit = p.limit < 0 ? 20 : static_cast<int>(std::clamp<std::int64_t>(p.limit, 1, 50));
  std::optional<ChatId> chat;
  if (p.chat > 0) chat = ChatId(p.chat);
  auto hits = svc_.chat.search(dev.user, *p.q, chat, limit, static_cast<int>(p.offset));
  if (!hits) return error(req, hits.status());
  json::array out;
  for (const auto& h : *hits) {
    json::object o;
    o["message"] = message_json(h.message);
    o["snippet"] = snippet_parts(h.snippet);
    out.push_back(std::move(o));
  }
  json::object body{{"results", std::move(out)}};
  if (static_cast<int>(hits->size()) == limit) body["next_offset"] = p.offset + limit;
  return ok(req, body);
}

HttpResponse HttpApi::starred(const HttpRequest& req, const DeviceRecord& dev) {
  Params p;
  if (auto bad = read_params(req, p, false)) return error(req, 400, proto::err::kInvalid, *bad);
  const int limit = p.limit < 0 ? 50 : static_cast<int>(std::clamp<std::int64_t>(p.limit, 1, 200));
  auto msgs = svc_.chat.starred(dev.user, limit, static_cast<int>(std::min<std::int64_t>(p.offset, 100000)));
  if (!msgs) return error(req, msgs.status());
  json::array out;
  for (const auto& m : *msgs) out.push_back(message_json(m));
  json::object body{{"messages", std::move(out)}};
  if (static_cast<int>(msgs->size()) == limit) body["next_offset"] = p.offset + limit;
  return ok(req, body);
}

}  // namespace parley::net
