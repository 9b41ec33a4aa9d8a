#include "net/http_reply.h"

#include <boost/beast/http/field.hpp>
#include <boost/json.hpp>

namespace parley::net {

namespace http = boost::beast::http;

HttpResponse http_reply(unsigned version, bool keep_alive, http::status status, std::string body,
                        std::string_view type) {
  HttpResponse res{status, version};
  res.set(http::field::server, "parleyd");
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse http_error(unsigned version, bool keep_alive, int status, std::string_view code, std::string_view message) {
  boost::json::object o{{"error", code}, {"message", message}};
  return http_reply(version, keep_alive, static_cast<http::status>(status), boost::json::serialize(o));
}

}  // namespace parley::net
