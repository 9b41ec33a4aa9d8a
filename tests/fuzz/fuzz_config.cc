// Fuzz target: the config loader as parleyd's main uses it: app::load_config_file, then
// app::apply_override for each --set, then app::validate. The input is the TOML file;
// its lines are also tried as --set assignments ("section.key=value"), or, when the input
// holds a NUL, its NUL-separated pieces (a command-line argument can hold a newline).
// Invariants beyond "no crash, no exception escapes": every error and every validation
// problem has a message, and a file error names the file.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "app/config.h"
#include "check.h"

using namespace parley;

namespace {

// load_config_file reads a path: the input goes into an in-memory file, read through
// /proc/self/fd. Nothing is left on disk, even when the fuzzer stops on a crash.
int memory_file() {
  static int fd = memfd_create("parley-fuzz-config.toml", MFD_CLOEXEC);
  FUZZ_CHECK(fd >= 0, "memfd_create failed");
  return fd;
}

std::string write_file(std::string_view text) {
  int fd = memory_file();
  FUZZ_CHECK(ftruncate(fd, 0) == 0, "ftruncate");
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = pwrite(fd, text.data() + done, text.size() - done, static_cast<off_t>(done));
    FUZZ_CHECK(n > 0, "pwrite");
    done += static_cast<std::size_t>(n);
  }
  return "/proc/self/fd/" + std::to_string(fd);
}

// toml++ 3.3.0 (Debian 12) reaches TOML_UNREACHABLE in is_non_ascii_horizontal_whitespace
// when it looks for whitespace and finds one of these code points (marzer/tomlplusplus
// issues 190 and 295, fixed upstream by pull request 305). parleyd, built with GCC against
// the shared library, reports a parse error for them, but it is undefined behaviour and
// UBSan stops the fuzzer on it at once. Until toml++ is upgraded, inputs holding one are
// skipped: the same test as toml++'s, for the code points that reach the unreachable.
bool hits_known_toml_bug(char32_t c) {
  if (c < 0xA0 || c > 0xFEFF || c == 0xA0 || c == 0x3000 || c == 0xFEFF) return false;
  const auto child = (static_cast<std::uint64_t>(c) - 0xA0) / 0x3FA;
  return !((1ull << child) & 0x7FFFFFFFFFFFF75Eull) && child != 5 && child != 7;
}

bool holds_known_toml_bug(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0xC2 || b > 0xEF || i + 1 >= s.size()) continue;  // 2- and 3-byte sequences only
    char32_t c = b < 0xE0 ? (b & 0x1F) : (b & 0x0F);
    const std::size_t len = b < 0xE0 ? 2 : 3;
    if (i + len > s.size()) continue;
    for (std::size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    if (hits_known_toml_bug(c)) return true;
  }
  return false;
}

void check_valid(const app::Config& config) {
  for (const auto& problem : app::validate(config)) FUZZ_CHECK(!problem.empty(), "empty validation message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (holds_known_toml_bug(input)) return -1;  // not added to the corpus

  std::string path = write_file(input);
  auto loaded = app::load_config_file(path);
  app::Config config;
  if (loaded) {
    config = *loaded;
    check_valid(config);
  } else {
    const std::string& message = loaded.status().message();
    FUZZ_CHECK(message.starts_with(path) && message.size() > path.size() + 2, message);
  }

  // As parleyd's main: the --set assignments over the file (or the defaults), then validate.
  const char separator = input.find('\0') != std::string_view::npos ? '\0' : '\n';
  std::size_t start = 0;
  for (int n = 0; n < 32 && start <= input.size(); ++n) {
    std::size_t end = input.find(separator, start);
    if (end == std::string_view::npos) end = input.size();
    std::string assignment(input.substr(start, end - start));
    start = end + 1;
    auto st = app::apply_override(config, assignment);
    if (!st.ok()) FUZZ_CHECK(!st.message().empty(), assignment);
  }
  check_valid(config);
  return 0;
}
