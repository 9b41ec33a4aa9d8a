#include "core/clock.h"

#include <openssl/rand.h>

#include <chrono>
#include <stdexcept>
#include <string_view>

#include "core/encoding.h"

namespace parley {

TimeMs SystemClock::now_ms() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void SystemRandom::fill(void* buf, std::size_t n) {
  if (RAND_bytes(static_cast<unsigned char*>(buf), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
}

std::uint64_t Random::next_u64() {
  std::uint64_t v;
  fill(&v, sizeof v);
  return v;
}

std::string Random::token(std::size_t n) {
  std::string raw(n, '\0');
  fill(raw.data(), n);
  return base64url(raw);
}

std::string Random::alphanumeric(int chars) {
  static constexpr std::string_view kAlphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out;
  for (int i = 0; i < chars; ++i) {
    // Rejection sampling keeps every character uniform (248 = 4 * 62).
    std::uint8_t b;
    do fill(&b, 1);
    while (b >= 248);
    out.push_back(kAlphabet[b % kAlphabet.size()]);
  }
  return out;
}

std::string Random::digits(int digits) {
  std::string out;
  for (int i = 0; i < digits; ++i) {
    // Rejection sampling keeps every digit uniform.
    std::uint8_t b;
    do fill(&b, 1);
    while (b >= 250);
    out.push_back(static_cast<char>('0' + b % 10));
  }
  return out;
}

}  // namespace parley
