#include "net/media_http.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>

#include "core/encoding.h"
#include "media/media_service.h"
#include "model/media_object.h"
#include "net/await.h"
#include "net/byte_range.h"
#include "proto/errors.h"

namespace parley::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using Held = media::Uploads::Held;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kPiece = 256 * 1024;  // bytes read from the socket, or from the store, at once

struct MediaHttp::Request {
  beast::tcp_stream& stream;
  beast::flat_buffer& buf;
  HeaderParser& parser;  // its message is moved out when the body is read: read the header before
  unsigned version = 11;
  bool keep_alive = true;
  http::verb method = http::verb::get;
  bool body_unread = false;  // body bytes not read yet: the connection cannot carry another request
  std::optional<std::uint64_t> body_length{};  // Content-Length, when the body has one
  DeviceRecord dev{};
  const http::request<http::empty_body>& req() const { return parser.get(); }
  HttpResponse error(int status, std::string_view code, std::string_view message) const {
    return http_error(version, keep_alive, status, code, message);
  }
  HttpResponse error(const Status& st) const {
    // On these routes "too large" is an upload over its limit: 413 too_large, not a text's 400.
    if (st.code() == Code::kTooLarge) return error(413, proto::err::kTooLarge, st.message());
    return error(proto::http_status(st.code()), proto::wire_code(st.code()), st.message());
  }
  HttpResponse json(http::status status, std::string body) const {
    return http_reply(version, keep_alive, status, std::move(body));
  }
};

namespace {

// A held upload the media threads' steps can share (each `await_on` step copies its work).
Result<std::shared_ptr<Held>> shared(Result<Held> held) {
  if (!held) return held.status();
  return std::make_shared<Held>(std::move(*held));
}

std::string upload_json(const media::UploadInfo& u) {
  return "{\"upload\":\"" + u.id + "\",\"offset\":" + std::to_string(u.offset) + ",\"length\":" +
         std::to_string(u.length) + ",\"expires_at\":" + std::to_string(u.expires_at) + "}";
}

}  // namespace

MediaHttp::MediaHttp(Services& services, asio::any_io_executor media) : svc_(services), media_(std::move(media)) {}

awaitable<bool> MediaHttp::send(Request& r, HttpResponse res) {
  if (r.body_unread) res.keep_alive(false);  // a body left unread: the connection cannot go on
  auto [ec, n] = co_await http::async_write(r.stream, res, use_nothrow);
  co_return !ec && res.keep_alive();
}

awaitable<bool> MediaHttp::serve(beast::tcp_stream& stream, beast::flat_buffer& buf, HeaderParser& parser) {
  Request r{stream, buf, parser};
  r.version = parser.get().version();
  r.keep_alive = parser.get().keep_alive();
  r.method = parser.get().method();
  r.body_unread = !parser.is_done();
  if (auto n = parser.content_length()) r.body_length = *n;
  svc_.metrics.http_requests++;
  if (!svc_.media) co_return co_await send(r, r.error(404, proto::err::kNotFound, "media are off on this server"));
  auto url = boost::urls::parse_origin_form(r.req().target());
  if (!url) co_return co_await send(r, r.error(400, proto::err::kInvalid, "bad request target"));
  const std::string path = url->path();

  auto auth = r.req()[http::field::authorization];
  if (!auth.starts_with("Bearer ")) co_return co_await send(r, r.error(401, proto::err::kUnauthorized, "missing bearer token"));
  const std::string token(auth.substr(7));
  const auto authenticate = [this, token] { return svc_.auth.authenticate(token); };
  auto dev = co_await await_on(media_, authenticate);
  if (!dev) {
    if (dev.status().code() == Code::kUnauthorized) svc_.metrics.auth_failures++;
    co_return co_await send(r, r.error(dev.status()));
  }
  r.dev = *dev;

  const auto verb = r.method;
  if (path == "/v1/media" && verb == http::verb::post) co_return co_await upload(r, "");
  if (path.starts_with("/v1/media/uploads/")) co_return co_await upload(r, path.substr(18));
  std::string_view rest = std::string_view(path).substr(10);
  const bool preview = rest.ends_with("/preview");
  if (preview) rest.remove_suffix(8);
  if (verb == http::verb::get || verb == http::verb::head) co_return co_await download(r, std::string(rest), preview);
  co_return co_await send(r, r.error(404, proto::err::kNotFound, "no such route"));
}

// Reads the body into the upload a piece at a time. nullopt: all of it arrived and was
// staged; a status: the upload refused it (nothing of that piece kept); kUnavailable with
// an empty message: the connection was lost (what arrived before is kept).
awaitable<std::optional<Status>> MediaHttp::read_body(Request& r, std::shared_ptr<Held> held) {
  if (!r.body_unread) co_return std::nullopt;
  if (r.req()[http::field::expect] == "100-continue") {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    auto [ec, n] = co_await asio::async_write(r.stream, asio::buffer(kContinue), use_nothrow);
    if (ec) co_return Status(Code::kUnavailable, "");
  }
  http::request_parser<http::buffer_body> body(std::move(r.parser));
  r.buf.reserve(kPiece);  // Beast reads at most the buffer's spare room at once: make it a piece
  body.body_limit(boost::none);  // the upload's length is the limit (Held::write)
  auto piece = std::make_shared<std::string>(kPiece, '\0');
  std::optional<Status> outcome;
  while (!body.is_done()) {
    body.get().body().data = piece->data();
    body.get().body().size = piece->size();
    r.stream.expires_after(std::chrono::seconds(30));
    auto [ec, n] = co_await http::async_read(r.stream, r.buf, body, use_nothrow);
    if (ec == http::error::need_buffer) ec = {};
    const std::size_t got = piece->size() - body.get().body().size;
    if (got > 0 && !outcome) {
      const auto stage = [held, piece, got] { return held->write(std::string_view(piece->data(), got)); };
      Status st = co_await await_on(media_, stage);
      if (!st.ok()) outcome = st;  // read the rest (to answer on this connection) but keep none
    }
    // The request is unfinished: what arrived is kept, and the connection closes.
    if (ec) co_return outcome ? outcome : std::optional<Status>(Status(Code::kUnavailable, ""));
  }
  r.body_unread = false;  // all read: the connection may carry the next request
  co_return outcome;
}

awaitable<bool> MediaHttp::upload(Request& r, const std::string& id) {
  const auto verb = r.method;
  const UserId user = r.dev.user;
  auto& media = *svc_.media;
  if (id.empty()) {  // POST /v1/media: a new upload
    auto length = parse_decimal<std::uint64_t>(r.req()["Upload-Length"]);
    if (!length) co_return co_await send(r, r.error(400, proto::err::kInvalid, "Upload-Length must be a number of bytes"));
    std::string type(r.req()[http::field::content_type]);
    if (auto semi = type.find(';'); semi != std::string::npos) type.resize(semi);
    std::string kind(r.req()["X-Parley-Kind"]), name;
    if (auto raw = r.req()["X-Parley-Name"]; !raw.empty()) {
      auto pct = boost::urls::make_pct_string_view(raw);
      if (!pct) co_return co_await send(r, r.error(400, proto::err::kInvalid, "X-Parley-Name must be percent-encoded"));
      name = pct->decode();
    }
    const auto open = [&media, user, type, kind, length, name] { return shared(media.open(user, type, kind, *length, name)); };
    auto held = co_await await_on(media_, open);
    if (!held) co_return co_await send(r, r.error(held.status()));
    co_return co_await finish_or_stand(r, *held);
  }
  // /v1/media/uploads/{id}
  if (verb == http::verb::head) {
    const auto state = [&media, user, id] { return media.state(user, id); };
    auto s = co_await await_on(media_, state);
    if (!s) co_return co_await send(r, r.error(404, proto::err::kNotFound, "no such upload"));
    HttpResponse res = r.json(http::status::no_content, "");
    res.set("Upload-Offset", std::to_string(s->offset));
    res.set("Upload-Length", std::to_string(s->length));
    co_return co_await send(r, std::move(res));
  }
  if (verb == http::verb::delete_) {
    const auto cancel = [&media, user, id] { return media.cancel(user, id); };
    Status st = co_await await_on(media_, cancel);
    if (!st.ok()) co_return co_await send(r, r.error(404, proto::err::kNotFound, "no such upload"));
    co_return co_await send(r, r.json(http::status::no_content, ""));
  }
  if (verb != http::verb::patch) co_return co_await send(r, r.error(404, proto::err::kNotFound, "no such route"));
  auto offset = parse_decimal<std::uint64_t>(r.req()["Upload-Offset"]);
  if (!offset) co_return co_await send(r, r.error(400, proto::err::kInvalid, "Upload-Offset must be a number of bytes"));
  const auto hold = [&media, user, id] { return shared(media.hold(user, id)); };
  auto held = co_await await_on(media_, hold);
  if (!held) {
    if (held.status().code() == Code::kNotFound)
      co_return co_await send(r, r.error(404, proto::err::kNotFound, "no such upload"));
    co_return co_await send(r, r.error(held.status()));
  }
  if ((*held)->info().offset != *offset) {
    auto body = "{\"error\":\"offset_mismatch\",\"message\":\"the upload stands at " +
                std::to_string((*held)->info().offset) + "\",\"offset\":" + std::to_string((*held)->info().offset) + "}";
    co_return co_await send(r, r.json(http::status::conflict, std::move(body)));
  }
  co_return co_await finish_or_stand(r, *held);
}

awaitable<bool> MediaHttp::finish_or_stand(Request& r, std::shared_ptr<Held> held) {
  // A body that says it goes past Upload-Length is refused before a byte of it is kept.
  const auto& at = held->info();
  if (r.body_length && *r.body_length > at.length - at.offset)
    co_return co_await send(r, r.error(413, proto::err::kTooLarge,
                                       "the body goes past Upload-Length (" + std::to_string(at.length) + ")"));
  auto outcome = co_await read_body(r, held);
  if (outcome) {
    held->release();
    if (outcome->message().empty()) co_return false;  // the connection is gone
    co_return co_await send(r, r.error(*outcome));
  }
  if (!held->complete()) {
    const media::UploadInfo info = held->info();
    held->release();  // before the answer: the client's next PATCH may come at once
    const bool created = r.method == http::verb::post;
    HttpResponse res = r.json(created ? http::status::created : http::status::ok, upload_json(info));
    if (created) res.set(http::field::location, "/v1/media/uploads/" + info.id);
    co_return co_await send(r, std::move(res));
  }
  auto& media = *svc_.media;
  const auto finish = [&media, held] { return media.finish(std::move(*held)); };
  auto done = co_await await_on(media_, finish);
  if (!done) co_return co_await send(r, r.error(done.status()));
  co_return co_await send(r, r.json(http::status::ok, "{\"media\":" + media_object::json(*done, "") + "}"));
}

awaitable<bool> MediaHttp::download(Request& r, const std::string& id, bool preview) {
  auto& media = *svc_.media;
  const UserId user = r.dev.user;
  const auto readable = [&media, user, id, preview]() -> Result<std::pair<MediaRecord, std::uint64_t>> {
    auto m = media.readable(user, id);
    if (!m) return m.status();
    const std::string& object = preview ? m->preview : m->id;
    if (object.empty()) return Status(Code::kNotFound, "no such media");
    auto size = media.size(object);
    if (!size) return size.status();
    return std::pair{std::move(*m), *size};
  };
  auto found = co_await await_on(media_, readable);
  // Not readable and not there look the same: an id is not a credential.
  if (!found) {
    if (found.status().code() == Code::kUnavailable) co_return co_await send(r, r.error(found.status()));
    co_return co_await send(r, r.error(404, proto::err::kNotFound, "no such media"));
  }
  const MediaRecord& m = found->first;
  const std::uint64_t size = found->second;
  const std::string object = preview ? m.preview : m.id;
  const std::string etag = "\"" + object + "\"";

  http::response<http::empty_body> res{http::status::ok, r.version};
  res.keep_alive(r.keep_alive);
  res.set(http::field::server, "parleyd");
  res.set(http::field::etag, etag);
  res.set(http::field::cache_control, "private, max-age=31536000, immutable");
  res.set(http::field::accept_ranges, "bytes");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Content-Security-Policy", "sandbox; default-src 'none'");
  if (preview || m.kind != "file") {
    res.set(http::field::content_type, preview ? "image/jpeg" : m.mime);
  } else {  // a file is never shown as a page of this site
    res.set(http::field::content_type, "application/octet-stream");
    res.set(http::field::content_disposition, "attachment");
  }
  if (r.req()[http::field::if_none_match] == etag) {
    res.result(http::status::not_modified);
    http::response_serializer<http::empty_body> sr(res);
    auto [ec, n] = co_await http::async_write_header(r.stream, sr, use_nothrow);
    co_return !ec && r.keep_alive && !r.body_unread;
  }
  ByteRange range{0, size == 0 ? 0 : size - 1};
  switch (parse_range(r.req()[http::field::range], size, range)) {
    case RangeAnswer::kWhole: break;
    case RangeAnswer::kPart:
      res.result(http::status::partial_content);
      res.set(http::field::content_range,
              "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" + std::to_string(size));
      break;
    case RangeAnswer::kUnsatisfiable: {
      HttpResponse bad = r.error(416, proto::err::kInvalid, "the range starts past the end");
      bad.set(http::field::content_range, "bytes */" + std::to_string(size));
      co_return co_await send(r, std::move(bad));
    }
  }
  const std::uint64_t length = size == 0 ? 0 : range.last - range.first + 1;
  res.content_length(length);
  if (r.body_unread) res.keep_alive(false);
  http::response_serializer<http::empty_body> sr(res);
  auto [hec, hn] = co_await http::async_write_header(r.stream, sr, use_nothrow);
  if (hec) co_return false;
  if (r.method == http::verb::head) co_return res.keep_alive();
  for (std::uint64_t at = range.first; at < range.first + length;) {
    const std::uint64_t want = std::min<std::uint64_t>(kPiece, range.first + length - at);
    const auto read = [&media, object, at, want] { return media.read(object, at, want); };
    auto piece = co_await await_on(media_, read);
    if (!piece || piece->empty()) {  // the header is out: all that is left is to cut the connection
      spdlog::warn("media: reading {} failed: {}", object, piece ? "short object" : piece.status().message());
      co_return false;
    }
    r.stream.expires_after(std::chrono::seconds(30));
    auto [ec, n] = co_await asio::async_write(r.stream, asio::buffer(*piece), use_nothrow);
    if (ec) co_return false;
    at += piece->size();
  }
  co_return res.keep_alive();
}

}  // namespace parley::net
