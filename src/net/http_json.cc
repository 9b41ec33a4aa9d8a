#include "net/http_json.h"

#include <boost/json.hpp>

#include "proto/errors.h"
#include "proto/frames.h"

namespace parley::net {

namespace http = boost::beast::http;
namespace json = boost::json;

HttpResponse json_ok(const HttpRequest& req, const json::value& v) {
  return http_reply(req.version(), req.keep_alive(), http::status::ok, json::serialize(v));
}

HttpResponse json_error(const HttpRequest& req, int status, std::string_view code, std::string_view message) {
  return http_error(req.version(), req.keep_alive(), status, code, message);
}

HttpResponse json_error(const HttpRequest& req, const Status& st) {
  return json_error(req, proto::http_status(st.code()), proto::wire_code(st.code()), st.message());
}

std::optional<json::object> body_object(const HttpRequest& req, HttpResponse& out) {
  json::error_code ec;
  json::parse_options opt;
  opt.max_depth = 8;
  json::value v = json::parse(req.body(), ec, {}, opt);
  if (ec || !v.is_object()) {
    out = json_error(req, 400, proto::err::kBadJson, "body must be a JSON object");
    return std::nullopt;
  }
  if (auto bad = proto::control_in(v)) {
    out = json_error(req, 400, proto::err::kBadFrame, *bad);
    return std::nullopt;
  }
  return std::move(v.get_object());
}

std::optional<std::string> string_field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

}  // namespace parley::net
