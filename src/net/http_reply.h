// The shape of every JSON answer of the HTTP routes (docs/protocol.md §7): headers, and
// errors as {"error": <wire code>, "message": ...}. Shared by net/http_api and net/media_http.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

namespace parley::net {

using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

HttpResponse http_reply(unsigned version, bool keep_alive, boost::beast::http::status status, std::string body,
                        std::string_view type = "application/json");
HttpResponse http_error(unsigned version, bool keep_alive, int status, std::string_view code, std::string_view message);

}  // namespace parley::net
