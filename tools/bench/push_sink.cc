#include "bench/push_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "bench/common.h"

namespace parley::bench {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kMaxRequest = 256 * 1024;  // a webhook body is well under 1 KiB
constexpr std::string_view kAnswer =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
char listen_tag;  // epoll data for the listening socket (the eventfd's is nullptr)

// The number after `"key":` at or after `from` in s; -1 if there is none.
std::int64_t number_field(std::string_view s, std::string_view key, std::size_t from) {
  std::string quoted = "\"" + std::string(key) + "\":";
  auto at = s.find(quoted, from);
  if (at == std::string_view::npos) return -1;
  const char* p = s.data() + at + quoted.size();
  std::int64_t v = -1;
  if (std::from_chars(p, s.data() + s.size(), v).ec != std::errc()) return -1;
  return v;
}

// Content-Length of a request head (case-insensitive name); -1 if absent or chunked.
std::int64_t content_length(std::string_view head) {
  std::size_t at = 0;
  while (at < head.size()) {
    auto eol = head.find("\r\n", at);
    std::string_view line = head.substr(at, eol == std::string_view::npos ? head.size() - at : eol - at);
    at = eol == std::string_view::npos ? head.size() : eol + 2;
    constexpr std::string_view name = "content-length:";
    if (line.size() < name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i)
      same = (line[i] | 0x20) == name[i] || (name[i] == ':' && line[i] == ':') || (name[i] == '-' && line[i] == '-');
    if (!same) continue;
    std::string_view v = line.substr(name.size());
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    std::int64_t n = -1;
    std::from_chars(v.data(), v.data() + v.size(), n);
    return n;
  }
  return -1;
}

}  // namespace

struct PushSink::Conn {
  int fd = -1;
  std::string in;   // bytes of requests not yet handled
  std::string out;  // answer bytes the socket did not take yet
  bool want_write = false;
  std::int64_t stalled_chat = -1;  // stalled: the chat of the request left open here
  std::uint64_t serial = 0;
};

PushSink::PushSink(Mode mode, int answer_delay_ms) : mode_(mode), delay_us_(std::int64_t{answer_delay_ms} * 1000) {}

PushSink::~PushSink() { stop(); }

std::string PushSink::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/_matrix/push/v1/notify"; }

void PushSink::start() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(listen_fd_, 1024) != 0 || getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("push sink: cannot listen on 127.0.0.1");
  port_ = ntohs(a.sin_port);
  epoll_ = epoll_create1(EPOLL_CLOEXEC);
  wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = nullptr;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
  ev.data.ptr = &listen_tag;
  epoll_ctl(epoll_, EPOLL_CTL_ADD, listen_fd_, &ev);
  read_buf_.resize(kReadChunk);
  thread_ = std::thread([this] { run(); });
}

void PushSink::stop() {
  if (thread_.joinable()) {
    stopping_ = true;
    std::uint64_t v = 1;
    [[maybe_unused]] auto n = ::write(wake_, &v, sizeof v);
    thread_.join();
  }
  for (int* fd : {&listen_fd_, &epoll_, &wake_})
    if (*fd >= 0) {
      ::close(*fd);
      *fd = -1;
    }
}

double PushSink::cpu_seconds() const {
  if (const auto ns = cpu_ns_at_exit_.load(); ns >= 0) return static_cast<double>(ns) / 1e9;
  clockid_t id;
  timespec ts{};
  if (pthread_getcpuclockid(const_cast<std::thread&>(thread_).native_handle(), &id) != 0 ||
      clock_gettime(id, &ts) != 0)
    return static_cast<double>(std::max<std::int64_t>(0, cpu_ns_at_exit_.load())) / 1e9;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::vector<PushSink::Note> PushSink::notes_since(std::size_t from) const {
  std::lock_guard lk(mu_);
  if (from >= notes_.size()) return {};
  return {notes_.begin() + static_cast<std::ptrdiff_t>(from), notes_.end()};
}

void PushSink::run() {
  std::unordered_map<int, std::unique_ptr<Conn>> conns;  // by fd; this thread's only
  std::vector<epoll_event> events(256);
  while (!stopping_) {
    int timeout_ms = 100;
    if (due_at_ < due_.size())
      timeout_ms = static_cast<int>(std::clamp<std::int64_t>((due_[due_at_].at_us - now_us() + 999) / 1000, 0, 100));
    const int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeout_ms);
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == nullptr) {
        std::uint64_t v;
        [[maybe_unused]] auto r = ::read(wake_, &v, sizeof v);
        continue;
      }
      if (tag == &listen_tag) {
        for (int fd; (fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0;) {
          auto c = std::make_unique<Conn>();
          c->fd = fd;
          c->serial = ++next_serial_;
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.ptr = c.get();
          epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
          conns.emplace(fd, std::move(c));
          connections_.fetch_add(1, std::memory_order_relaxed);
        }
        continue;
      }
      auto& c = *static_cast<Conn*>(tag);
      bool open = true;
      if (events[i].events & EPOLLOUT) open = on_writable(c);
      if (open && (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) open = on_readable(c);
      if (!open) {
        if (c.stalled_chat >= 0) --open_per_chat_[c.stalled_chat];
        const int fd = c.fd;
        epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
        ::close(fd);
        conns.erase(fd);  // c goes here; later events of this round name other connections
      }
    }
    // Delayed answers now due, to connections still open.
    for (const std::int64_t now = now_us(); due_at_ < due_.size() && due_[due_at_].at_us <= now; ++due_at_) {
      auto it = conns.find(due_[due_at_].fd);
      if (it == conns.end() || it->second->serial != due_[due_at_].serial) continue;
      if (!answer(*it->second)) {
        epoll_ctl(epoll_, EPOLL_CTL_DEL, it->first, nullptr);
        ::close(it->first);
        conns.erase(it);
      }
    }
    if (due_at_ == due_.size()) {
      due_.clear();
      due_at_ = 0;
    }
  }
  for (auto& [fd, c] : conns) ::close(fd);
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  cpu_ns_at_exit_ = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool PushSink::on_readable(Conn& c) {
  for (;;) {
    const ssize_t got = ::recv(c.fd, read_buf_.data(), read_buf_.size(), 0);
    if (got == 0) return false;
    if (got < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
      break;
    }
    c.in.append(read_buf_.data(), static_cast<std::size_t>(got));
    if (static_cast<std::size_t>(got) < read_buf_.size()) break;
  }
  std::size_t at = 0;
  for (;;) {
    const std::string_view rest(c.in.data() + at, c.in.size() - at);
    const auto head_end = rest.find("\r\n\r\n");
    if (head_end == std::string_view::npos) break;
    const std::int64_t len = content_length(rest.substr(0, head_end));
    if (len < 0) return false;  // curl sends Content-Length; anything else is not a webhook POST
    const std::size_t whole = head_end + 4 + static_cast<std::size_t>(len);
    if (rest.size() < whole) break;
    if (!handle(c, rest.substr(head_end + 4, static_cast<std::size_t>(len)))) return false;
    at += whole;
  }
  c.in.erase(0, at);
  return c.in.size() <= kMaxRequest;
}

bool PushSink::on_writable(Conn& c) {
  while (!c.out.empty()) {
    const ssize_t w = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (w <= 0) return false;
    c.out.erase(0, static_cast<std::size_t>(w));
  }
  if (c.want_write) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
    c.want_write = false;
  }
  return true;
}

bool PushSink::handle(Conn& c, std::string_view body) {
  const std::int64_t at_us = now_us();
  requests_.fetch_add(1, std::memory_order_relaxed);
  // The "parley" object is the body's last member (webhook_body); a message text cannot
  // hold an unescaped quote, so the last `"parley":{` is it.
  const auto p = body.rfind("\"parley\":{");
  Note note{-1, -1, -1, at_us};
  if (p != std::string_view::npos) {
    note.chat = number_field(body, "chat", p);
    note.seq = number_field(body, "seq", p);
    note.count = number_field(body, "count", p);
  }
  const bool readable = note.chat >= 0 && note.seq >= 0 && note.count >= 1;
  if (!readable) unreadable_.fetch_add(1, std::memory_order_relaxed);
  if (mode_ == Mode::kStalled) {  // read, never answered
    if (readable) {
      if (open_per_chat_[note.chat]++ > 0) same_chat_in_flight_.fetch_add(1, std::memory_order_relaxed);
      if (c.stalled_chat >= 0) --open_per_chat_[c.stalled_chat];
      c.stalled_chat = note.chat;
    }
    return true;
  }
  if (readable) {
    std::lock_guard lk(mu_);
    notes_.push_back(note);
  }
  if (delay_us_ > 0) {
    due_.push_back({at_us + delay_us_, c.fd, c.serial});
    return true;
  }
  return answer(c);
}

bool PushSink::answer(Conn& c) {
  c.out.append(kAnswer);
  answered_.fetch_add(1, std::memory_order_relaxed);
  if (c.want_write) return true;
  if (!on_writable(c)) return false;
  if (!c.out.empty()) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.ptr = &c;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
    c.want_write = true;
  }
  return true;
}

}  // namespace parley::bench
