#include "net/ws_connection.h"

#include <openssl/evp.h>

#include <boost/asio/post.hpp>
#include <boost/beast/http/field.hpp>
#include <cstring>

#include "core/encoding.h"

namespace parley::net {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;

namespace {

constexpr int kOpCont = 0, kOpText = 1, kOpBinary = 2, kOpClose = 8, kOpPing = 9, kOpPong = 10;
constexpr int kCloseProtocol = 1002, kCloseBadPayload = 1007;
constexpr int kMaxReadsPerRound = 8;  // then yield to the thread's other connections

std::string accept_key(std::string_view key) {
  std::string in(key);
  in += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";  // RFC 6455 §1.3
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(in.data(), in.size(), digest, &len, EVP_sha1(), nullptr);
  unsigned char b64[64];
  int n = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
  return std::string(reinterpret_cast<char*>(b64), static_cast<std::size_t>(n));
}

bool header_has_token(std::string_view value, std::string_view token) {
  // A comma-separated, case-insensitive token list ("keep-alive, Upgrade").
  while (!value.empty()) {
    auto comma = value.find(',');
    auto item = value.substr(0, comma);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item.size() == token.size() &&
        std::equal(item.begin(), item.end(), token.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
      return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

WsConnection::WsConnection(tcp::socket socket, IoThread& io, std::size_t max_message_bytes)
    : socket_(std::move(socket)), io_(io), max_message_(max_message_bytes) {
  boost::system::error_code ec;
  remote_ = socket_.remote_endpoint(ec).address().to_string();
}

WsConnection::~WsConnection() = default;

bool WsConnection::accept(const Request& req, std::string_view early) {
  auto key = req[http::field::sec_websocket_key];
  bool ok = req.method() == http::verb::get && req.version() >= 11 && key.size() == 24 &&
            req[http::field::sec_websocket_version] == "13" &&
            header_has_token(req[http::field::connection], "upgrade") &&
            header_has_token(req[http::field::upgrade], "websocket");
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);
  if (!ok) {
    out_ = "HTTP/1.1 400 Bad Request\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    state_ = State::kClosing;
    close_sent_ = true;
    write_some();
    finish();
    return false;
  }
  out_ = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ";
  out_ += accept_key(key);
  out_ += "\r\n\r\n";
  last_read_ = std::chrono::steady_clock::now();
  corked_ = true;
  io_.cork(shared_from_this());
  if (!early.empty()) {  // frames the client sent right behind its request
    std::string bytes(early);
    std::size_t used = parse(bytes.data(), bytes.size());
    if (state_ == State::kOpen) partial_.assign(bytes, used);
  }
  on_readable();  // what came with the request, and what is readable already
  return true;
}

void WsConnection::resume_reading() {
  if (!paused_) return;
  paused_ = false;
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->deliver_partial(); });
}

void WsConnection::deliver_partial() {
  if (state_ == State::kGone || paused_) return;
  if (state_ == State::kOpen && !partial_.empty()) {
    std::string pending = std::move(partial_);
    partial_.clear();
    std::size_t used = parse(pending.data(), pending.size());
    if (state_ == State::kGone) return;
    if (state_ != State::kOpen) used = pending.size();
    partial_.assign(pending, used);
    if (paused_) return;
  }
  on_readable();
}

void WsConnection::arm_read() {
  socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return self->finish();
    self->on_readable();
  });
}

void WsConnection::on_readable() {
  if (state_ == State::kGone || paused_) return;
  for (int round = 0; round < kMaxReadsPerRound; ++round) {
    const std::size_t have = partial_.size();
    char* buf = io_.read_buffer(std::max<std::size_t>(have + 16384, 65536));
    const std::size_t cap = io_.read_buffer_size();
    if (have) std::memcpy(buf, partial_.data(), have);
    boost::system::error_code ec;
    std::size_t n = socket_.read_some(asio::buffer(buf + have, cap - have), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) return arm_read();
    if (ec) return finish();  // end of stream or error
    last_read_ = std::chrono::steady_clock::now();
    if (state_ != State::kOpen) {  // closing: discard until the peer closes
      partial_.clear();
      continue;
    }
    std::size_t total = have + n;
    std::size_t used = parse(buf, total);
    if (state_ == State::kGone) return;
    if (state_ != State::kOpen) used = total;
    partial_.assign(buf + used, total - used);
    if (partial_.empty() && partial_.capacity() > 4096) std::string().swap(partial_);
    if (paused_) return;  // the rest waits in partial_; resume_reading() goes on
  }
  // Still readable after a full round: let the thread's other connections go first.
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->on_readable(); });
}

std::size_t WsConnection::parse(char* data, std::size_t n) {
  std::size_t pos = 0;
  while (state_ == State::kOpen && !paused_ && n - pos >= 2) {
    auto* p = reinterpret_cast<unsigned char*>(data + pos);
    const bool fin = p[0] & 0x80;
    const int opcode = p[0] & 0x0f;
    const bool masked = p[1] & 0x80;
    std::uint64_t len = p[1] & 0x7f;
    std::size_t header = 2;
    if (len == 126) {
      if (n - pos < 4) break;
      len = (std::uint64_t(p[2]) << 8) | p[3];
      header = 4;
    } else if (len == 127) {
      if (n - pos < 10) break;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[2 + i];
      header = 10;
    }
    if (p[0] & 0x70) {
      close(kCloseProtocol, "reserved bits set");
      break;
    }
    if (!masked) {
      close(kCloseProtocol, "client frames must be masked");
      break;
    }
    const bool control = opcode & 8;
    if (control ? (len > 125 || !fin || opcode > kOpPong) : opcode > kOpBinary) {
      close(kCloseProtocol, "bad frame");
      break;
    }
    if (!control && (len > max_message_ || len + message_.size() > max_message_)) {  // no wrap-around
      on_too_big();
      if (state_ == State::kOpen) close(kCloseProtocol, "message too big");
      break;
    }
    if (n - pos < header + 4 + len) break;  // incomplete
    const unsigned char* mask = p + header;
    char* payload = data + pos + header + 4;
    for (std::uint64_t i = 0; i < len; ++i) payload[i] = static_cast<char>(payload[i] ^ mask[i & 3]);
    pos += header + 4 + len;
    if (!handle_frame(opcode, fin, payload, len)) break;
  }
  return pos;
}

bool WsConnection::handle_frame(int opcode, bool fin, char* payload, std::size_t len) {
  std::string_view body(payload, len);
  switch (opcode) {
    case kOpPing:
      append_frame(kOpPong, body);
      return true;
    case kOpPong:
      return true;
    case kOpClose: {
      peer_closed_ = true;
      if (len == 1) {
        close(kCloseProtocol, "bad close frame");
        return false;
      }
      char echo[2] = {};
      std::size_t echo_len = 0;
      if (len >= 2) {
        echo[0] = payload[0];
        echo[1] = payload[1];
        echo_len = 2;
      }
      state_ = State::kClosing;
      on_peer_close([self = shared_from_this(), echo = std::string(echo, echo_len)] {
        if (self->state_ == State::kGone || self->close_sent_) return;
        self->append_frame(kOpClose, echo);
        self->close_sent_ = true;
      });
      return false;
    }
    case kOpCont:
      if (!message_opcode_) {
        close(kCloseProtocol, "continuation without a message");
        return false;
      }
      message_.append(body);
      if (!fin) return true;
      body = message_;
      opcode = message_opcode_;
      break;
    default:  // text or binary
      if (message_opcode_) {
        close(kCloseProtocol, "new message inside a fragmented one");
        return false;
      }
      if (!fin) {
        message_opcode_ = opcode;
        message_.assign(body);
        return true;
      }
  }
  const bool text = opcode == kOpText;
  if (text && !valid_utf8(body)) {
    close(kCloseBadPayload, "text frame is not valid UTF-8");
    return false;
  }
  on_message(body, text);
  if (message_opcode_) {
    message_opcode_ = 0;
    message_.clear();
    if (message_.capacity() > 4096) std::string().swap(message_);
  }
  return state_ == State::kOpen;
}

void WsConnection::send_text(std::string_view payload) {
  if (state_ == State::kOpen) append_frame(kOpText, payload);
}

void WsConnection::send_text(const std::array<std::string_view, 3>& pieces) {
  if (state_ == State::kOpen) append_frame(kOpText, pieces);
}

void WsConnection::send_ping() {
  if (state_ == State::kOpen) append_frame(kOpPing, std::string_view());
}

void WsConnection::close(int code, std::string_view reason) {
  if (state_ != State::kOpen) return;
  char body[125];
  body[0] = static_cast<char>((code >> 8) & 0xff);
  body[1] = static_cast<char>(code & 0xff);
  std::size_t n = std::min<std::size_t>(reason.size(), sizeof body - 2);
  std::memcpy(body + 2, reason.data(), n);
  append_frame(kOpClose, std::string_view(body, n + 2));
  close_sent_ = true;
  state_ = State::kClosing;
  resume_reading();  // closing reads (and discards) until the peer closes too
}

void WsConnection::abort() {
  if (state_ == State::kGone) return;
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  finish();
}

void WsConnection::append_frame(int opcode, const std::array<std::string_view, 3>& payload) {
  char header[10];
  std::size_t h = 2;
  header[0] = static_cast<char>(0x80 | opcode);
  const std::size_t len = payload[0].size() + payload[1].size() + payload[2].size();
  if (len < 126) {
    header[1] = static_cast<char>(len);
  } else if (len <= 0xffff) {
    header[1] = 126;
    header[2] = static_cast<char>(len >> 8);
    header[3] = static_cast<char>(len & 0xff);
    h = 4;
  } else {
    header[1] = 127;
    for (int i = 0; i < 8; ++i) header[2 + i] = static_cast<char>((std::uint64_t(len) >> (56 - 8 * i)) & 0xff);
    h = 10;
  }
  out_.append(header, h);
  for (auto p : payload) out_.append(p);
  // A connection waiting for writability keeps what it is given: that is what the output
  // budget must see. Otherwise the round's write reports what is left (usually nothing).
  if (waiting_write_) report_queue();
  if (low_water_mark_ && queued_bytes() > low_water_mark_) was_high_ = true;
  if (!corked_ && !waiting_write_) {
    corked_ = true;
    io_.cork(shared_from_this());
  }
}

void WsConnection::uncork() {
  corked_ = false;
  write_some();
}

void WsConnection::write_some() {
  if (state_ == State::kGone || waiting_write_) return;
  while (out_head_ < out_.size()) {
    boost::system::error_code ec;
    std::size_t n = socket_.write_some(asio::buffer(out_.data() + out_head_, out_.size() - out_head_), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      if (out_head_ > 65536) {  // keep the buffer from growing by what was written
        out_.erase(0, out_head_);
        out_head_ = 0;
      }
      waiting_write_ = true;
      socket_.async_wait(tcp::socket::wait_write, [self = shared_from_this()](boost::system::error_code wec) {
        self->waiting_write_ = false;
        if (wec) return self->finish();
        self->write_some();
      });
      break;
    }
    if (ec) return finish();
    out_head_ += n;
  }
  if (out_head_ == out_.size()) {
    out_.clear();
    out_head_ = 0;
    if (out_.capacity() > 16384) std::string().swap(out_);  // idle connections keep no large buffer
    if (close_sent_) {
      if (peer_closed_) return finish();
      boost::system::error_code ec;
      socket_.shutdown(tcp::socket::shutdown_send, ec);  // the peer answers by closing
    }
  }
  report_queue();
  if (was_high_ && queued_bytes() <= low_water_mark_) {
    was_high_ = false;
    on_drained();
  }
}

void WsConnection::report_queue() {
  std::size_t now = queued_bytes(), was = reported_.load(std::memory_order_relaxed);
  if (now == was) return;
  reported_.store(now, std::memory_order_relaxed);
  on_queued(static_cast<std::int64_t>(now) - static_cast<std::int64_t>(was));
}

void WsConnection::finish() {
  if (state_ == State::kGone) return;
  state_ = State::kGone;
  boost::system::error_code ec;
  socket_.close(ec);
  out_.clear();
  out_head_ = 0;
  report_queue();
  was_high_ = false;
  on_closed();
}

}  // namespace parley::net
