// The fuzz targets' assertion: a broken invariant prints what broke and aborts, which
// libFuzzer reports as a crash, saving the input (docs/fuzzing.md).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(cond, what)                                               \
  do {                                                                       \
    if (!(cond)) ::parley::fuzz::fail(__FILE__, __LINE__, #cond, (what));     \
  } while (0)

namespace parley::fuzz {

// `what` is printed with control and non-ASCII bytes as \xNN: it often quotes the input.
[[noreturn]] inline void fail(const char* file, int line, const char* cond, std::string_view what) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n  ", file, line, cond);
  for (char c : what) {
    auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f) std::fputc(b, stderr);
    else std::fprintf(stderr, "\\x%02x", b);
  }
  std::fputc('\n', stderr);
  std::abort();
}

}  // namespace parley::fuzz
