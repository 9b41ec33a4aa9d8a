#include "support/http_raw.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <algorithm>
#include <cctype>

namespace parley::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

RawHttp http_raw(unsigned short port, const std::string& method, const std::string& target,
                 const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body) {
  RawHttp out;
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.expires_after(std::chrono::seconds(60));
  stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return out;
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req, ec);  // on failure, an answer sent early may still be there to read
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(512ULL << 20);
  if (method == "HEAD") parser.skip(true);
  http::read(stream, buf, parser, ec);
  if (ec) return out;
  auto& res = parser.get();
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    out.headers[name] = std::string(f.value());
  }
  out.body = std::move(res.body());
  return out;
}

}  // namespace parley::testing
