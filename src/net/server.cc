#include "net/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/json.hpp>
#include <array>

#include "net/ws_session.h"
#include "proto/errors.h"
#include "core/no_wait.h"
#include "core/thread_name.h"

namespace parley::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::ip::tcp;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);
constexpr std::uint64_t kMaxBody = 256 * 1024;  // a JSON route's body (media bodies are streamed)

Server::Server(Options options, Services& services)
    : opt_(std::move(options)),
      svc_(services),
      io_([&] {
        std::vector<std::unique_ptr<IoThread>> v;
        int n = opt_.threads > 0 ? opt_.threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
        for (int i = 0; i < n; ++i) v.push_back(std::make_unique<IoThread>(i));
        return v;
      }()),
      acceptor_(io_[0]->context()),
      admin_acceptor_(io_[0]->context()),
      registry_(services.clock, SessionRegistry::Caps{opt_.connections_per_ip, opt_.connections_per_user,
                                                      opt_.max_output_bytes, opt_.queries_per_s, opt_.query_burst}),
      rooms_(services.bus),
      media_pool_(opt_.media_threads > 0 ? opt_.media_threads
                                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / 2),
                  "media", true),
      api_(services, opt_, [this, &services] { return accepting_.load() && services.bus.available(); }),
      media_(services, media_pool_.context().get_executor()) {}

Server::~Server() { shutdown(); }

Status Server::bind(tcp::acceptor& acceptor, const std::string& host, unsigned short port, const char* setting) {
  beast::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) return Status(Code::kInvalid, std::string(setting) + ": bad address '" + host + "'");
  tcp::endpoint ep(addr, port);
  acceptor.open(ep.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(ep, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status(Code::kUnavailable, "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  return Status::Ok();
}

Status Server::listen() {
  if (Status st = bind(acceptor_, opt_.host, opt_.port, "server.listen"); !st.ok()) return st;
  port_ = acceptor_.local_endpoint().port();
  if (!opt_.admin_host.empty()) {
    if (Status st = bind(admin_acceptor_, opt_.admin_host, opt_.admin_port, "server.admin_listen"); !st.ok()) return st;
    admin_port_ = admin_acceptor_.local_endpoint().port();
  }
  return Status::Ok();
}

void Server::start() {
  for (auto& t : io_) guards_.push_back(asio::make_work_guard(t->context()));
  accepting_ = true;
  asio::co_spawn(io_[0]->context(), accept_loop(acceptor_, false), asio::detached);
  if (admin_acceptor_.is_open()) asio::co_spawn(io_[0]->context(), accept_loop(admin_acceptor_, true), asio::detached);
  for (auto& t : io_)
    threads_.emplace_back([io = t.get()] {
      set_thread_name("io-" + std::to_string(io->index()));
      no_wait::forbid_waiting();
      io->context().run();
    });
}

void Server::shutdown() {
  if (threads_.empty()) return;
  accepting_ = false;
  asio::post(io_[0]->context(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
    admin_acceptor_.close(ec);
  });
  auto sessions = registry_.snapshot();
  spdlog::info("net: closing {} connections", sessions.size());
  for (auto& s : sessions) s->shutdown();
  sessions.clear();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(opt_.shutdown_grace_ms);
  while (registry_.size() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  guards_.clear();
  for (auto& t : io_) t->context().stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

std::vector<std::pair<std::size_t, std::uint64_t>> Server::io_stats() const {
  std::vector<std::pair<std::size_t, std::uint64_t>> out;
  for (auto& t : io_) out.emplace_back(t->mail_waiting(), t->wakeups());
  return out;
}

awaitable<void> Server::accept_loop(tcp::acceptor& acceptor, bool internal) {
  while (accepting_) {
    auto& io = *io_[next_++ % io_.size()];
    auto [ec, socket] = co_await acceptor.async_accept(io.context(), use_nothrow);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      auto now = std::chrono::steady_clock::now();
      if (now - last_accept_warning_ > std::chrono::seconds(10)) {  // one line per 10 s, not per failure
        spdlog::warn("net: accept failed: {} (raise the open-file limit: ulimit -n)", ec.message());
        last_accept_warning_ = now;
      }
      if (ec == asio::error::no_descriptors) {
        asio::steady_timer t(acceptor.get_executor(), std::chrono::milliseconds(50));
        co_await t.async_wait(use_nothrow);  // back off while file descriptors are exhausted
      }
      continue;
    }
    beast::error_code nec;
    socket.set_option(tcp::no_delay(true), nec);
    asio::co_spawn(io.context(), http_connection(std::move(socket), &io, internal), asio::detached);
  }
}

// A connection moving to the media threads, with what was read of it: the bytes past the
// header, and the header of its first media request.
struct Server::Handover {
  beast::flat_buffer buf;
  std::unique_ptr<HeaderParser> header;
};

awaitable<void> Server::http_connection(tcp::socket socket, IoThread* io, bool internal,
                                        std::shared_ptr<Handover> handover) {
  beast::tcp_stream stream(std::move(socket));
  beast::error_code ec;
  std::string ip = stream.socket().remote_endpoint(ec).address().to_string();
  beast::flat_buffer buf;
  if (handover) buf = std::move(handover->buf);
  for (;;) {
    stream.expires_after(std::chrono::seconds(30));
    // The header first: media routes stream their bodies (net/media_http); the others
    // read theirs whole, up to 256 KiB.
    auto parsed = handover ? std::move(handover->header) : std::make_unique<HeaderParser>();
    HeaderParser& header = *parsed;
    beast::error_code hec;
    if (handover) {
      handover.reset();
    } else {
      header.header_limit(16 * 1024);
      header.body_limit(boost::none);  // media bodies are streamed; other routes are held to 256 KiB below
      std::tie(hec, std::ignore) = co_await http::async_read_header(stream, buf, header, use_nothrow);
    }
    if (!hec && !internal && MediaHttp::handles(header.get().target().substr(0, header.get().target().find('?')))) {
      if (io) {
        // Media traffic leaves the io thread: the socket moves to the media threads (run at
        // a lower priority), where its body is read and its bytes written, so an upload
        // never competes with messages for an io thread (docs/media.md).
        auto h = std::make_shared<Handover>(Handover{std::move(buf), std::move(parsed)});
        tcp::socket plain = stream.release_socket();
        const auto protocol = plain.local_endpoint(ec).protocol();
        auto fd = plain.release(ec);
        if (ec) co_return;
        tcp::socket moved(media_pool_.context(), protocol, fd);
        asio::co_spawn(media_pool_.context(), http_connection(std::move(moved), nullptr, internal, std::move(h)),
                       asio::detached);
        co_return;
      }
      if (!co_await media_.serve(stream, buf, header)) break;
      continue;
    }
    http::request_parser<http::string_body> parser(std::move(header));
    parser.body_limit(kMaxBody);
    beast::error_code rec = hec;
    if (!rec && parser.content_length() && *parser.content_length() > kMaxBody) rec = http::error::body_limit;
    if (!rec && !parser.is_done()) std::tie(rec, std::ignore) = co_await http::async_read(stream, buf, parser, use_nothrow);
    if (rec) {
      if (rec == http::error::body_limit || rec == http::error::header_limit || rec == http::error::bad_method ||
          rec == http::error::bad_target || rec == http::error::bad_version) {
        http::response<http::string_body> res{rec == http::error::body_limit ? http::status::payload_too_large
                                                                              : http::status::bad_request, 11};
        res.set(http::field::content_type, "application/json");
        res.body() = boost::json::serialize(boost::json::object{{"error", proto::err::kInvalid}, {"message", rec.message()}});
        res.keep_alive(false);
        res.prepare_payload();
        co_await http::async_write(stream, res, use_nothrow);
      }
      break;
    }
    auto req = parser.release();
    if (beast::websocket::is_upgrade(req)) {
      if (req.target() == "/v1/ws" && accepting_ && !internal && io) {
        std::string early(static_cast<const char*>(buf.data().data()), buf.size());
        std::make_shared<WsSession>(stream.release_socket(), *io, svc_, opt_, registry_, rooms_, queries_)->start(req, early);
        co_return;
      }
      http::response<http::string_body> res{http::status::not_found, req.version()};
      res.body() = "WebSocket endpoint is /v1/ws\n";
      res.prepare_payload();
      co_await http::async_write(stream, res, use_nothrow);
      break;
    }
    // The routes read the store: they run on the query pool, and the answer is written here.
    auto res = co_await asio::co_spawn(queries_.context(), api_.handle(req, ip, internal), asio::use_awaitable);
    auto [wec, wn] = co_await http::async_write(stream, res, use_nothrow);
    if (wec || !res.keep_alive()) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  // A lingering close: what the client still sends (a body answered before it was read,
  // such as an upload refused at its header) is read and dropped for a moment, so that
  // closing does not reset the connection and lose the answer on its way (as nginx does).
  std::array<char, 16384> drop;
  std::size_t dropped = 0;
  stream.expires_after(std::chrono::seconds(2));
  while (dropped < (64u << 20)) {
    auto [rec, n] = co_await stream.async_read_some(asio::buffer(drop), use_nothrow);
    if (rec) break;
    dropped += n;
  }
}

}  // namespace parley::net
