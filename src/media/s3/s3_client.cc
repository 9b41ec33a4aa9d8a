// The S3 calls of the S3 MediaStore over Beast (see s3_client.h).
#include "media/s3/s3_client.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <stdexcept>

#include "core/encoding.h"

namespace parley::media::s3 {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
// An error's body is S3's XML, a few hundred bytes; more is not read.
constexpr std::uint64_t kErrorBodyLimit = 64 * 1024;

// What one exchange needs besides the request.
struct Call {
  const std::string& host;
  const std::string& port;
  std::chrono::milliseconds timeout;
  std::uint64_t body_limit;
  std::string what;  // "GET /bucket/key", for messages
};

// Sends `req` on a new connection and reads the answer into `out`; every step is bounded by
// call.timeout without progress (beast::tcp_stream's expiry, set before each one).
template <class Body>
asio::awaitable<Status> talk(http::request<Body>& req, const Call& call, Response& out) {
  auto fail = [&](const char* step, beast::error_code ec) {
    std::string why = ec == beast::error::timeout ? "no progress in " + std::to_string(call.timeout.count()) + " ms"
                                                  : ec.message();
    return Status(Code::kUnavailable, "media: s3 " + call.what + ": " + step + ": " + why);
  };
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  auto [resolve_ec, endpoints] = co_await resolver.async_resolve(call.host, call.port, nothrow);
  if (resolve_ec) co_return fail("resolve", resolve_ec);
  beast::tcp_stream stream(executor);
  stream.expires_after(call.timeout);
  auto [connect_ec, peer] = co_await stream.async_connect(endpoints, nothrow);
  if (connect_ec) co_return fail("connect", connect_ec);

  // Written a piece at a time, so a file body streams from disk and each piece has its own expiry.
  http::serializer<true, Body> serializer(req);
  while (!serializer.is_done()) {
    stream.expires_after(call.timeout);
    auto [ec, n] = co_await http::async_write_some(stream, serializer, nothrow);
    if (ec) co_return fail("send", ec);
  }

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(req.method() == http::verb::head);
  stream.expires_after(call.timeout);
  auto [header_ec, header_n] = co_await http::async_read_header(stream, buffer, parser, nothrow);
  if (header_ec) co_return fail("read", header_ec);
  out.status = parser.get().result_int();
  parser.body_limit(out.status / 100 == 2 ? call.body_limit : kErrorBodyLimit);
  while (!parser.is_done()) {
    stream.expires_after(call.timeout);
    auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, nothrow);
    if (ec == http::error::body_limit)
      co_return Status(Code::kUnavailable, "media: s3 " + call.what + ": the answer is longer than asked for");
    if (ec) co_return fail("read", ec);
  }
  const auto& res = parser.get();
  if (auto it = res.find(http::field::content_length); it != res.end())
    out.content_length = std::strtoull(std::string(it->value()).c_str(), nullptr, 10);
  if (auto it = res.find(http::field::content_range); it != res.end()) out.content_range = std::string(it->value());
  out.body = parser.release().body();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return Status::Ok();
}

template <class Body>
Result<Response> round_trip(http::request<Body>& req, const Call& call) {
  asio::io_context io;
  Response out;
  Status status(Code::kInternal, "media: s3 " + call.what + ": not run");
  asio::co_spawn(io, talk(req, call, out), [&](std::exception_ptr e, Status s) {
    if (!e) {
      status = std::move(s);
      return;
    }
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      status = Status(Code::kUnavailable, "media: s3 " + call.what + ": " + x.what());
    } catch (...) {
      status = Status(Code::kInternal, "media: s3 " + call.what + ": an unknown exception");
    }
  });
  io.run();
  if (!status.ok()) return status;
  return out;
}

// x-amz-date: YYYYMMDDTHHMMSSZ.
std::string amz_date(TimeMs now) {
  std::time_t t = static_cast<std::time_t>(now / 1000);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// S3's rule: 3-63 of [a-z0-9.-], a letter or digit at each end. Every such name is safe in
// a path unencoded.
bool valid_bucket(std::string_view b) {
  if (b.size() < 3 || b.size() > 63) return false;
  for (char c : b)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  return b.front() != '.' && b.front() != '-' && b.back() != '.' && b.back() != '-';
}

std::string between(std::string_view xml, std::string_view tag) {
  std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  auto a = xml.find(open);
  if (a == std::string_view::npos) return {};
  a += open.size();
  auto b = xml.find(close, a);
  return b == std::string_view::npos ? std::string() : std::string(xml.substr(a, b - a));
}

const std::string& empty_sha256() {
  static const std::string h = hex(sha256(""));
  return h;
}

}  // namespace

std::string Response::error() const {
  std::string code = between(body, "Code"), message = between(body, "Message");
  if (code.empty()) return message;
  return message.empty() ? code : code + ": " + message;
}

Client::Client(Options options, const Clock& clock) : options_(std::move(options)), clock_(clock) {
  std::string_view url = options_.endpoint;
  if (!url.starts_with("http://"))
    throw std::invalid_argument("media: s3 endpoint " + options_.endpoint + " is not http://host[:port]" +
                                (url.starts_with("https://") ? " (https is not supported yet)" : ""));
  url.remove_prefix(7);
  if (url.ends_with('/')) url.remove_suffix(1);
  auto colon = url.find(':');
  host_ = std::string(url.substr(0, colon));
  port_ = colon == std::string_view::npos ? "80" : std::string(url.substr(colon + 1));
  if (host_.empty() || host_.find('/') != std::string::npos || port_.empty() ||
      port_.find_first_not_of("0123456789") != std::string::npos)
    throw std::invalid_argument("media: s3 endpoint " + options_.endpoint + " is not http://host[:port]");
  host_header_ = colon == std::string_view::npos ? host_ : host_ + ":" + port_;
  if (!valid_bucket(options_.bucket))
    throw std::invalid_argument("media: s3 bucket name '" + options_.bucket + "' is not a valid S3 bucket name");
}

std::string Client::target(std::string_view key) const {
  return "/" + options_.bucket + (key.empty() ? "" : "/" + std::string(key));
}

std::string Client::describe(std::string_view method, std::string_view key) const {
  return std::string(method) + " " + target(key);
}

template <class Request>
void Client::sign(Request& req, const std::string& payload_sha256) const {
  const std::string date = amz_date(clock_.now_ms());
  req.set(http::field::host, host_header_);
  req.set("x-amz-date", date);
  req.set("x-amz-content-sha256", payload_sha256);
  SignedRequest s{std::string(req.method_string()), std::string(req.target()), "",
                  {{"host", host_header_}, {"x-amz-content-sha256", payload_sha256}, {"x-amz-date", date}},
                  payload_sha256};
  if (auto it = req.find(http::field::range); it != req.end()) s.headers["range"] = std::string(it->value());
  req.set(http::field::authorization, authorization(s, options_.credentials, date));
}

Result<Response> Client::head(std::string_view key) const {
  http::request<http::empty_body> req(http::verb::head, target(key), 11);
  sign(req, empty_sha256());
  return round_trip(req, Call{host_, port_, options_.timeout, 0, describe("HEAD", key)});
}

Result<Response> Client::get(std::string_view key, std::uint64_t first, std::uint64_t last,
                             std::uint64_t body_limit) const {
  http::request<http::empty_body> req(http::verb::get, target(key), 11);
  req.set(http::field::range, "bytes=" + std::to_string(first) + "-" + std::to_string(last));
  sign(req, empty_sha256());
  return round_trip(req, Call{host_, port_, options_.timeout, body_limit, describe("GET", key)});
}

Result<Response> Client::put_file(std::string_view key, const std::string& path, const std::string& sha256_hex) const {
  http::request<http::file_body> req(http::verb::put, target(key), 11);
  beast::error_code ec;
  req.body().open(path.c_str(), beast::file_mode::scan, ec);
  if (ec) return Status(Code::kUnavailable, "media: cannot open " + path + ": " + ec.message());
  req.set(http::field::content_type, "application/octet-stream");
  req.prepare_payload();  // Content-Length: the file's size
  sign(req, sha256_hex);
  return round_trip(req, Call{host_, port_, options_.timeout, kErrorBodyLimit, describe("PUT", key)});
}

Result<Response> Client::remove(std::string_view key) const {
  http::request<http::empty_body> req(http::verb::delete_, target(key), 11);
  sign(req, empty_sha256());
  return round_trip(req, Call{host_, port_, options_.timeout, kErrorBodyLimit, describe("DELETE", key)});
}

Result<Response> Client::create_bucket() const {
  http::request<http::string_body> req(http::verb::put, target(""), 11);
  // us-east-1 is S3's default; any other region is named in the body.
  if (options_.credentials.region != "us-east-1")
    req.body() = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>" +
                 options_.credentials.region + "</LocationConstraint></CreateBucketConfiguration>";
  req.prepare_payload();
  sign(req, hex(sha256(req.body())));
  return round_trip(req, Call{host_, port_, options_.timeout, kErrorBodyLimit, describe("PUT", "")});
}

}  // namespace parley::media::s3
