#include "bench/lean_ws.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>

namespace parley::bench::lean {

namespace {

constexpr std::int64_t kStopWaitUs = 300'000;
constexpr std::size_t kReadChunk = 256 * 1024;  // one buffer per loop, not per connection
constexpr std::size_t kMaxHandshakeAnswer = 16 * 1024;
constexpr int kReadsPerEvent = 4;               // then let other connections have their turn

std::int64_t clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Loop::Loop(int max_connecting) : max_connecting_(std::max(1, max_connecting)) {
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;  // the wake-up eventfd
  epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
  read_buf_.resize(kReadChunk);
  rng_ ^= reinterpret_cast<std::uintptr_t>(this) ^ static_cast<std::uint64_t>(clock_us());
}

Loop::~Loop() {
  stop();
  for (auto& c : conns_)
    if (c->fd_ >= 0) ::close(c->fd_);
  ::close(wake_);
  ::close(epoll_);
}

Conn& Loop::add(ConnOptions o) {
  auto c = std::make_unique<Conn>();
  c->opt_ = std::move(o);
  c->loop_ = this;
  conns_.push_back(std::move(c));
  return *conns_.back();
}

void Loop::start() {
  thread_ = std::thread([this] { run(); });
}

void Loop::post(std::function<void()> f) {
  {
    std::lock_guard lk(posted_mu_);
    posted_.push_back(std::move(f));
  }
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_, &one, sizeof one);
}

void Loop::stop() {
  if (!thread_.joinable()) return;
  post([this] {
    for (auto& c : conns_) {
      if (c->fd_ < 0 || c->state_ < Conn::State::kAuthenticating) continue;
      if (c->ready()) {
        flush_acks(*c);
        flush_room_acks(*c);
      }
      write_frame(*c, 8, std::string_view("\x03\xe8", 2));  // close 1000
    }
    stopping_ = true;
    stop_deadline_ = now_us_ + kStopWaitUs;
  });
  thread_.join();
}

void Loop::run() {
  std::vector<epoll_event> events(512);
  now_us_ = clock_us();
  ticker_due_ = LLONG_MAX;
  for (;;) {
    while (!stopping_ && connecting_ < max_connecting_ && next_to_connect_ < conns_.size())
      start_connect(*conns_[next_to_connect_++]);
    std::int64_t due = ticker_due_;
    if (!acks_.empty()) due = std::min(due, ack_flush_at_);
    if (!room_acks_.empty()) due = std::min(due, room_flush_at_);
    if (stopping_) due = std::min(due, stop_deadline_);
    int timeout_ms = 100;  // bounded even with nothing due
    if (due != LLONG_MAX) timeout_ms = static_cast<int>(std::clamp<std::int64_t>((due - clock_us() + 999) / 1000, 0, 100));
    int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeout_ms);
    now_us_ = clock_us();
    for (int i = 0; i < n; ++i) {
      if (events[i].data.ptr == nullptr) {
        std::uint64_t v;
        [[maybe_unused]] auto r = ::read(wake_, &v, sizeof v);
        std::vector<std::function<void()>> fs;
        {
          std::lock_guard lk(posted_mu_);
          fs.swap(posted_);
        }
        for (auto& f : fs) f();
        continue;
      }
      on_event(*static_cast<Conn*>(events[i].data.ptr), events[i].events);
    }
    if (ticker_ && !stopping_) ticker_due_ = ticker_(now_us_);
    if (!acks_.empty() && now_us_ >= ack_flush_at_) {
      auto list = std::move(acks_);
      acks_.clear();
      for (Conn* c : list) flush_acks(*c);
    }
    if (!room_acks_.empty() && now_us_ >= room_flush_at_) {
      auto list = std::move(room_acks_);
      room_acks_.clear();
      for (Conn* c : list) flush_room_acks(*c);
    }
    // The cork: everything this round produced goes out in one write per connection.
    for (std::size_t i = 0; i < dirty_.size(); ++i) flush(*dirty_[i]);
    dirty_.clear();
    if (stopping_ && (open_ == 0 || now_us_ >= stop_deadline_)) break;
  }
  for (auto& c : conns_)
    if (c->fd_ >= 0) {
      ::close(c->fd_);
      c->fd_ = -1;
      c->state_ = Conn::State::kClosed;
    }
}

void Loop::start_connect(Conn& c) {
  c.fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  c.handshaking_ = true;
  ++connecting_;
  c.state_ = Conn::State::kConnecting;
  if (c.fd_ < 0) return fail(c);
  ++open_;
  int one = 1;
  setsockopt(c.fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(c.fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (!c.opt_.bind_address.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    if (inet_pton(AF_INET, c.opt_.bind_address.c_str(), &local.sin_addr) != 1 ||
        ::bind(c.fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0)
      return fail(c);
  }
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(std::atoi(c.opt_.port.c_str())));
  if (inet_pton(AF_INET, c.opt_.host.c_str(), &to.sin_addr) != 1) return fail(c);
  if (::connect(c.fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS) return fail(c);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT;
  ev.data.ptr = &c;
  c.want_write_ = true;
  if (epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd_, &ev) != 0) return fail(c);
}

void Loop::on_event(Conn& c, std::uint32_t events) {
  if (c.fd_ < 0) return;
  if (c.state_ == Conn::State::kConnecting) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c.fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0 || (events & (EPOLLERR | EPOLLHUP))) return fail(c);
    if (!(events & EPOLLOUT)) return;
    c.state_ = Conn::State::kUpgrading;
    unsigned char key[16];
    for (auto& b : key) b = static_cast<unsigned char>(next_mask());
    static const char* b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string k;
    for (int i = 0; i < 16; i += 3) {
      std::uint32_t v = key[i] << 16 | (i + 1 < 16 ? key[i + 1] << 8 : 0) | (i + 2 < 16 ? key[i + 2] : 0);
      k += b64[v >> 18 & 63];
      k += b64[v >> 12 & 63];
      k += i + 1 < 16 ? b64[v >> 6 & 63] : '=';
      k += i + 2 < 16 ? b64[v & 63] : '=';
    }
    c.out_ = "GET /v1/ws HTTP/1.1\r\nHost: " + c.opt_.host + ":" + c.opt_.port +
             "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + k +
             "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    c.out_at_ = 0;
    mark_dirty(c);
    return;
  }
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c);
  if (c.fd_ >= 0 && (events & EPOLLOUT)) flush(c);
}

void Loop::on_readable(Conn& c) {
  for (int k = 0; k < kReadsPerEvent && c.fd_ >= 0; ++k) {
    ssize_t n = ::recv(c.fd_, read_buf_.data(), read_buf_.size(), 0);
    if (n == 0) return fail(c);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      return fail(c);
    }
    auto got = static_cast<std::size_t>(n);
    if (c.partial_.empty()) {
      std::size_t used = consume(c, read_buf_.data(), got);
      if (c.fd_ >= 0 && used < got) c.partial_.assign(read_buf_.data() + used, got - used);
    } else {
      c.partial_.append(read_buf_.data(), got);
      std::size_t used = consume(c, c.partial_.data(), c.partial_.size());
      if (c.fd_ < 0) return;
      c.partial_.erase(0, used);
    }
    if (got < read_buf_.size()) return;  // drained
  }
}

std::size_t Loop::consume(Conn& c, const char* data, std::size_t n) {
  std::size_t at = 0;
  if (c.state_ == Conn::State::kUpgrading) {
    std::string_view sv(data, n);
    auto end = sv.find("\r\n\r\n");
    if (end == std::string_view::npos) {
      if (n > kMaxHandshakeAnswer) fail(c);
      return n > kMaxHandshakeAnswer ? n : 0;
    }
    if (!handshake_answer(c, sv.substr(0, end))) {
      fail(c);
      return n;
    }
    at = end + 4;
  }
  while (c.fd_ >= 0 && n - at >= 2) {
    const auto* p = reinterpret_cast<const unsigned char*>(data + at);
    const bool fin = p[0] & 0x80;
    const int op = p[0] & 0x0f;
    std::uint64_t len = p[1] & 0x7f;
    std::size_t hdr = 2;
    if (len == 126) {
      if (n - at < 4) break;
      len = static_cast<std::uint64_t>(p[2]) << 8 | p[3];
      hdr = 4;
    } else if (len == 127) {
      if (n - at < 10) break;
      len = 0;
      for (int i = 0; i < 8; ++i) len = len << 8 | p[2 + i];
      hdr = 10;
    }
    if ((p[1] & 0x80) || !fin || op == 0) {  // servers never mask, and parleyd never fragments
      protocol_errors_.fetch_add(1, std::memory_order_relaxed);
      fail(c);
      return n;
    }
    if (n - at - hdr < len) break;
    std::string_view payload(data + at + hdr, static_cast<std::size_t>(len));
    at += hdr + static_cast<std::size_t>(len);
    switch (op) {
      case 1: on_text(c, payload); break;
      case 8: fail(c); return n;  // the server closed (or answered our close)
      case 9: write_frame(c, 10, payload); break;
      case 10: break;
      default: protocol_errors_.fetch_add(1, std::memory_order_relaxed); break;
    }
  }
  return at;
}

void Loop::mark_dirty(Conn& c) {
  if (c.dirty_) return;
  c.dirty_ = true;
  dirty_.push_back(&c);
}

void Loop::flush(Conn& c) {
  c.dirty_ = false;
  if (c.fd_ < 0 || c.state_ == Conn::State::kConnecting) return;
  while (c.out_at_ < c.out_.size()) {
    ssize_t n = ::send(c.fd_, c.out_.data() + c.out_at_, c.out_.size() - c.out_at_, MSG_NOSIGNAL);
    if (n > 0) {
      c.out_at_ += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!c.want_write_) {
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.ptr = &c;
        epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd_, &ev);
        c.want_write_ = true;
      }
      return;
    }
    if (n < 0 && errno == EINTR) continue;
    return fail(c);
  }
  c.out_.clear();
  c.out_at_ = 0;
  if (c.want_write_) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd_, &ev);
    c.want_write_ = false;
  }
}

void Loop::fail(Conn& c) {
  if (c.fd_ >= 0) {
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd_, nullptr);
    ::close(c.fd_);
    c.fd_ = -1;
    --open_;
  }
  if (c.handshaking_) {
    c.handshaking_ = false;
    --connecting_;
  }
  c.state_ = Conn::State::kClosed;
  c.out_.clear();
  c.out_at_ = 0;
  c.partial_.clear();
  if (stopping_) return;  // the close we asked for
  failed_.fetch_add(1, std::memory_order_relaxed);
  if (c.opt_.handler) c.opt_.handler->on_closed(c);
}

}  // namespace parley::bench::lean
