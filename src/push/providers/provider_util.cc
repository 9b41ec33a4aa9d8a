#include "push/providers/provider_util.h"

namespace parley::push {

namespace {

// The status and the start of the body, printable, for the log.
std::string describe(const HttpResponse& r) {
  std::string out = "HTTP " + std::to_string(r.status);
  if (r.body.empty()) return out;
  out += ": ";
  for (char c : std::string_view(r.body).substr(0, 200)) out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  return out;
}

}  // namespace

SendResult classify_answer(const HttpResponse& r, TimeMs now) {
  SendResult out;
  out.http_status = r.status;
  if (r.status == 0) {
    out.outcome = SendResult::Outcome::kRetry;
    out.detail = r.timed_out ? "timed out: " + r.error : r.error;
    return out;
  }
  out.detail = describe(r);
  if (r.status >= 200 && r.status < 300) {
    out.outcome = SendResult::Outcome::kSent;
  } else if (r.status == 429 || r.status >= 500) {
    out.outcome = SendResult::Outcome::kRetry;
    out.retry_after_ms = retry_after_ms(r.header("retry-after"), now);
  } else {
    out.outcome = SendResult::Outcome::kDropped;
  }
  return out;
}

SendResult invalid_target(const HttpResponse& r, std::string_view why) {
  SendResult out;
  out.outcome = SendResult::Outcome::kInvalidTarget;
  out.http_status = r.status;
  out.detail = describe(r) + " (" + std::string(why) + ")";
  return out;
}

std::string cut_utf8(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;  // s[n] starts the next character
  return std::string(s.substr(0, n));
}

}  // namespace parley::push
