// What every JSON route of HttpApi does with a request (docs/protocol.md §7): answer a
// value or an error (a Status mapped to its wire code and HTTP status), and read a body
// that must be a JSON object. Shared by http_api.cc and the route files beside it.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "net/http_reply.h"

namespace parley::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

HttpResponse json_ok(const HttpRequest& req, const boost::json::value& v);
HttpResponse json_error(const HttpRequest& req, int status, std::string_view code, std::string_view message);
HttpResponse json_error(const HttpRequest& req, const Status& st);
// The body as a JSON object (at most 8 deep, no control characters); nullopt, with `out`
// set to the 400 answer, otherwise.
std::optional<boost::json::object> body_object(const HttpRequest& req, HttpResponse& out);
std::optional<std::string> string_field(const boost::json::object& o, std::string_view key);

}  // namespace parley::net
