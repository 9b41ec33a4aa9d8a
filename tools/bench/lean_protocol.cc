// The protocol side of a lean connection: the auth and sync frames, de-duplication,
// batched receipts, and masking client frames into the output buffer (RFC 6455 §5.3).
#include <algorithm>
#include <cstring>

#include "bench/lean_ws.h"

namespace parley::bench::lean {

namespace {

constexpr std::int64_t kAckDelayUs = 20'000;    // receipts batched over 20 ms, as the client library does
constexpr std::int64_t kRoomAckUs = 1'000'000;  // room positions at most once a second, likewise

std::int64_t& slot(std::vector<std::pair<std::int64_t, std::int64_t>>& v, std::int64_t key) {
  for (auto& [k, val] : v)
    if (k == key) return val;
  v.emplace_back(key, 0);
  return v.back().second;
}

}  // namespace

void Conn::send_text(std::string_view json) { loop_->write_frame(*this, 1, json); }

bool Loop::handshake_answer(Conn& c, std::string_view head) {
  if (head.rfind("HTTP/1.1 101", 0) != 0) return false;
  c.state_ = Conn::State::kAuthenticating;
  FrameBuf b;
  b.raw(R"({"type":"auth","token":")").raw(c.opt_.token).raw("\"}");
  c.send_text(b.view());
  return true;
}

void Loop::on_text(Conn& c, std::string_view text) {
  Frame f;
  if (!parse_frame(text, f)) {
    protocol_errors_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (c.state_ == Conn::State::kAuthenticating) {
    if (f.type != "hello") return fail(c);  // refused (error unauthorized) or out of order
    c.user_ = f.user;
    c.state_ = Conn::State::kSyncing;
    FrameBuf b;
    b.raw(R"({"type":"sync","after":)").num(c.position_).raw("}");
    c.send_text(b.view());
    return;
  }
  if (f.type == "msg") {
    if (f.pts == 0) {  // a room's message: de-duplicated by seq, position reported lazily
      auto& seen = slot(c.rooms_, f.chat);
      if (f.seq <= seen) return;
      seen = f.seq;
      if (!c.room_acks_pending_) {
        c.room_acks_pending_ = true;
        if (room_acks_.empty()) room_flush_at_ = now_us_ + kRoomAckUs;
        room_acks_.push_back(&c);
      }
    } else {
      if (f.pts <= c.position_) return;
      c.position_ = f.pts;
      if (c.opt_.delivered_receipts && f.from != c.user_) {
        auto& d = slot(c.delivered_, f.chat);
        d = std::max(d, f.seq);
      }
      note_acks(c);
    }
  } else if (f.type == "receipt" || f.type == "membership") {
    if (f.pts <= c.position_) return;
    c.position_ = f.pts;
    if (f.type == "membership" && f.member) {
      auto& seen = slot(c.rooms_, f.chat);
      seen = std::max(seen, f.seq);
    }
    note_acks(c);
  } else if (f.type == "synced" && c.state_ == Conn::State::kSyncing) {
    c.state_ = Conn::State::kReady;
    c.handshaking_ = false;
    --connecting_;
    ready_.fetch_add(1, std::memory_order_relaxed);
    if (c.opt_.handler) c.opt_.handler->on_ready(c);
    return;
  }
  if (c.opt_.handler) c.opt_.handler->on_frame(c, f);
}

void Loop::note_acks(Conn& c) {
  if (c.acks_pending_) return;
  c.acks_pending_ = true;
  if (acks_.empty()) ack_flush_at_ = now_us_ + kAckDelayUs;
  acks_.push_back(&c);
}

void Loop::flush_acks(Conn& c) {
  c.acks_pending_ = false;
  if (c.fd_ < 0) return;
  for (auto& [chat, seq] : c.delivered_) {
    FrameBuf b;
    b.raw(R"({"type":"delivered","chat":)").num(chat).raw(R"(,"seq":)").num(seq).raw("}");
    c.send_text(b.view());
  }
  c.delivered_.clear();
  if (c.position_ > c.acked_position_) {
    c.acked_position_ = c.position_;
    FrameBuf b;
    b.raw(R"({"type":"received","pts":)").num(c.position_).raw("}");
    c.send_text(b.view());
  }
}

void Loop::flush_room_acks(Conn& c) {
  c.room_acks_pending_ = false;
  if (c.fd_ < 0) return;
  for (auto& [room, seq] : c.rooms_) {
    auto& acked = slot(c.rooms_acked_, room);
    if (seq <= acked) continue;
    acked = seq;
    FrameBuf b;
    b.raw(R"({"type":"received","chat":)").num(room).raw(R"(,"seq":)").num(seq).raw("}");
    c.send_text(b.view());
  }
}

std::uint32_t Loop::next_mask() {  // xorshift64*: masks need not be secret here, only varied
  rng_ ^= rng_ >> 12;
  rng_ ^= rng_ << 25;
  rng_ ^= rng_ >> 27;
  return static_cast<std::uint32_t>((rng_ * 0x2545F4914F6CDD1DULL) >> 32);
}

void Loop::write_frame(Conn& c, int opcode, std::string_view payload) {
  if (c.fd_ < 0) return;
  auto& o = c.out_;
  if (c.out_at_ == o.size()) {
    o.clear();
    c.out_at_ = 0;
  }
  const std::size_t len = payload.size();
  unsigned char hdr[14];
  std::size_t h = 0;
  hdr[h++] = static_cast<unsigned char>(0x80 | opcode);
  if (len < 126) {
    hdr[h++] = static_cast<unsigned char>(0x80 | len);
  } else if (len < 65536) {
    hdr[h++] = 0x80 | 126;
    hdr[h++] = static_cast<unsigned char>(len >> 8);
    hdr[h++] = static_cast<unsigned char>(len);
  } else {
    hdr[h++] = 0x80 | 127;
    for (int i = 7; i >= 0; --i) hdr[h++] = static_cast<unsigned char>(static_cast<std::uint64_t>(len) >> (8 * i));
  }
  const std::uint32_t mask = next_mask();
  std::memcpy(hdr + h, &mask, 4);
  const unsigned char* m = hdr + h;
  h += 4;
  const std::size_t at = o.size();
  o.resize(at + h + len);
  std::memcpy(o.data() + at, hdr, h);
  char* dst = o.data() + at + h;
  for (std::size_t i = 0; i < len; ++i) dst[i] = static_cast<char>(payload[i] ^ m[i & 3]);
  mark_dirty(c);
}

}  // namespace parley::bench::lean
