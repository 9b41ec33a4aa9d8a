#include "bench/media_client.h"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <chrono>

#include "bench/common.h"

namespace parley::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;

namespace {

constexpr std::size_t kPiece = 1 << 20;  // download bytes read from the socket at once
constexpr double kIdleReconnectMs = 20000;  // the server drops a connection idle for 30 s

std::string status_error(int status, const std::string& body) {
  return "HTTP " + std::to_string(status) + ": " + body.substr(0, 200);
}

// Runs one asynchronous operation on this client's own io_context to its end; the
// stream's expiry bounds it. `start` receives the completion handler.
template <class Start>
beast::error_code run_one(asio::io_context& ioc, Start start) {
  beast::error_code result = asio::error::operation_aborted;
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  ioc.restart();
  ioc.run();
  return result;
}

}  // namespace

MediaClient::MediaClient(client::Endpoint server, std::string token, double timeout_s)
    : server_(std::move(server)), token_(std::move(token)), timeout_s_(timeout_s) {}

MediaClient::~MediaClient() { close(); }

void MediaClient::close() {
  if (!stream_) return;
  beast::error_code ec;
  stream_->socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  stream_.reset();
  buf_.clear();
}

bool MediaClient::connect(std::string& error) {
  if (stream_ && now_ms() - last_used_ms_ < kIdleReconnectMs) return true;
  close();
  asio::ip::tcp::resolver resolver(ioc_);
  beast::error_code ec;
  auto found = resolver.resolve(server_.host, server_.port, ec);
  if (ec) {
    error = "resolve " + server_.host + ": " + ec.message();
    return false;
  }
  stream_.emplace(ioc_);
  stream_->expires_after(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(timeout_s_)));
  ec = run_one(ioc_, [&](auto handler) { stream_->async_connect(found, handler); });
  if (ec) {
    error = "connect: " + ec.message();
    close();
    return false;
  }
  stream_->socket().set_option(asio::ip::tcp::no_delay(true), ec);
  return true;
}

MediaClient::Answer MediaClient::call(const char* method, const std::string& target, std::string_view body,
                                      std::initializer_list<std::pair<std::string_view, std::string>> headers) {
  Answer a;
  if (!connect(a.error)) return a;
  const auto limit =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(timeout_s_));
  http::request<http::span_body<const char>> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, server_.host);
  req.set(http::field::authorization, "Bearer " + token_);
  for (auto& [name, value] : headers) req.set(name, value);
  req.body() = {body.data(), body.size()};
  req.prepare_payload();
  stream_->expires_after(limit);
  auto ec = run_one(ioc_, [&](auto handler) { http::async_write(*stream_, req, handler); });
  http::response_parser<http::string_body> parser;
  parser.body_limit(1 << 20);
  if (!ec) {
    stream_->expires_after(limit);
    ec = run_one(ioc_, [&](auto handler) { http::async_read(*stream_, buf_, parser, handler); });
  }
  if (ec) {
    a.error = std::string(method) + " " + target + ": " + ec.message();
    close();
    return a;
  }
  last_used_ms_ = now_ms();
  a.status = static_cast<int>(parser.get().result_int());
  a.body = std::move(parser.get().body());
  if (!parser.get().keep_alive()) close();
  return a;
}

UploadResult MediaClient::upload(std::string_view bytes, const UploadSpec& spec) {
  UploadResult out;
  if (bytes.empty()) {
    out.error = "empty upload";
    return out;
  }
  const std::size_t size = bytes.size();
  const std::size_t tail = std::min(spec.last_bytes, size);
  const std::size_t body_end = size - tail;  // bytes before the last request's
  const double t0 = now_ms();
  std::string upload_target;
  std::size_t offset = 0;
  std::string_view piece = spec.patch_bytes == 0 ? bytes.substr(0, body_end) : std::string_view();
  // POST, PATCHes of patch_bytes, then the last `tail` bytes: bounded by the file's size.
  const std::size_t max_calls = 3 + (spec.patch_bytes ? size / spec.patch_bytes : 0);
  for (std::size_t calls = 0; calls < max_calls; ++calls) {
    const bool last = tail > 0 && !upload_target.empty() && offset >= body_end;
    const double sent_ms = now_ms();
    Answer a = upload_target.empty() ? call("POST", "/v1/media", piece,
                                            {{"Content-Type", spec.content_type},
                                             {"Upload-Length", std::to_string(size)},
                                             {"X-Parley-Kind", spec.kind}})
                                     : call("PATCH", upload_target, piece, {{"Upload-Offset", std::to_string(offset)}});
    if (a.status == 0) {
      out.error = a.error;
      return out;
    }
    if (a.status / 100 != 2) {
      out.error = status_error(a.status, a.body);
      return out;
    }
    if (last) out.finish_ms = now_ms() - sent_ms;
    boost::system::error_code jec;
    auto v = json::parse(a.body, jec);
    const json::object* o = jec ? nullptr : v.if_object();
    if (!o) {
      out.error = "not a JSON object: " + a.body.substr(0, 200);
      return out;
    }
    if (auto* media = o->if_contains("media")) {
      const json::object* m = media->if_object();
      const json::value* id = m ? m->if_contains("id") : nullptr;
      if (!id || !id->is_string()) {
        out.error = "a media answer without an id: " + a.body.substr(0, 200);
        return out;
      }
      out.id = std::string(id->get_string());
      out.total_ms = now_ms() - t0;
      return out;
    }
    const json::value* up = o->if_contains("upload");
    const json::value* at = o->if_contains("offset");
    if (!up || !up->is_string() || !at || !at->is_int64()) {
      out.error = "not an upload answer: " + a.body.substr(0, 200);
      return out;
    }
    upload_target = "/v1/media/uploads/" + std::string(up->get_string());
    offset = static_cast<std::size_t>(at->get_int64());
    if (offset >= size) {
      out.error = "the upload stands at its end without a media answer";
      return out;
    }
    if (offset < body_end)
      piece = bytes.substr(offset,
                           spec.patch_bytes == 0 ? body_end - offset : std::min(spec.patch_bytes, body_end - offset));
    else
      piece = bytes.substr(offset);  // what is left of the last `tail` bytes
  }
  out.error = "the upload did not finish within " + std::to_string(max_calls) + " requests";
  return out;
}

DownloadResult MediaClient::download(const std::string& id) {
  DownloadResult out;
  if (!connect(out.error)) return out;
  const auto limit =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(timeout_s_));
  const double t0 = now_ms();
  http::request<http::empty_body> req{http::verb::get, "/v1/media/" + id, 11};
  req.set(http::field::host, server_.host);
  req.set(http::field::authorization, "Bearer " + token_);
  stream_->expires_after(limit);
  auto ec = run_one(ioc_, [&](auto handler) { http::async_write(*stream_, req, handler); });
  // The header through Beast; the body straight from the socket into a large piece (Beast
  // would read it about 512 bytes a time through the small buffer the header left).
  http::response_parser<http::empty_body> parser;
  parser.skip(true);  // the body is read below
  if (!ec) {
    stream_->expires_after(limit);
    ec = run_one(ioc_, [&](auto handler) { http::async_read_header(*stream_, buf_, parser, handler); });
  }
  const auto length = ec ? boost::none : parser.content_length();
  if (!ec && !length) {
    out.error = "GET /v1/media/" + id + ": an answer without Content-Length";
    close();
    return out;
  }
  std::uint64_t left = length.value_or(0);
  auto take = [&](const char* data, std::size_t n) {
    if (out.head.size() < 64) out.head.append(data, std::min<std::size_t>(n, 64 - out.head.size()));
    out.bytes += n;
    left -= n;
  };
  if (!ec && buf_.size() > 0) {  // body bytes that came with the header
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf_.size()));
    take(static_cast<const char*>(buf_.data().data()), n);
    buf_.consume(n);
  }
  std::string piece(kPiece, '\0');
  while (!ec && left > 0) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, piece.size()));
    stream_->expires_after(limit);
    std::size_t got = 0;
    ec = run_one(ioc_, [&](auto handler) {
      stream_->async_read_some(asio::buffer(piece.data(), want), [&got, handler](beast::error_code e, std::size_t n) {
        got = n;
        handler(e);
      });
    });
    take(piece.data(), got);
  }
  if (ec) {
    out.error = "GET /v1/media/" + id + ": " + ec.message();
    close();
    return out;
  }
  out.ms = now_ms() - t0;
  last_used_ms_ = now_ms();
  if (parser.get().result_int() != 200) out.error = status_error(static_cast<int>(parser.get().result_int()), out.head);
  if (!parser.get().keep_alive()) close();
  return out;
}

}  // namespace parley::bench
