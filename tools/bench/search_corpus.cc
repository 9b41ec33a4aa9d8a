#include "bench/search_corpus.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

#include "bench/splitmix.h"

namespace parley::bench {

namespace {

constexpr std::string_view kConsonants = "bcdfghklmnprstvw";  // no j, q, x, y, z: the planted words' letters
constexpr std::string_view kVowels = "aeiou";

constexpr std::array<const char*, 8> kChinese{"我们明天见",       "今天天气很好",     "明天早上开会", "谢谢你的帮助",
                                              "你吃饭了吗",       "周末一起去爬山吧", "这个问题明天再说",
                                              "晚上给你打电话"};
constexpr std::array<const char*, 6> kHindi{"नमस्ते दोस्त कैसे हो", "कल मिलते हैं", "धन्यवाद आपकी मदद के लिए",
                                            "आज मौसम अच्छा है",    "मैं रास्ते में हूँ", "खाना खा लिया क्या"};

}  // namespace

SearchCorpus::SearchCorpus(std::uint64_t seed, int vocabulary) : seed_(seed) {
  std::uint64_t state = seed;
  std::unordered_set<std::string> seen;
  // Bounded: 80 syllables make 80^2 + 80^3 + 80^4 words, far more than are drawn.
  for (int tries = 0; static_cast<int>(words_.size()) < vocabulary && tries < vocabulary * 20; ++tries) {
    std::string w;
    const int syllables = 2 + static_cast<int>(splitmix64(state) % 3);
    for (int s = 0; s < syllables; ++s) {
      w += kConsonants[splitmix64(state) % kConsonants.size()];
      w += kVowels[splitmix64(state) % kVowels.size()];
    }
    if (seen.insert(w).second) words_.push_back(std::move(w));
  }
  if (words_.empty()) throw std::runtime_error("an empty vocabulary");
  double sum = 0;
  for (std::size_t r = 0; r < words_.size(); ++r) cdf_.push_back(sum += 1.0 / static_cast<double>(r + 1));
  for (auto& c : cdf_) c /= sum;
}

std::uint64_t SearchCorpus::hash(std::uint64_t stream, std::int64_t n, std::uint64_t salt) const {
  std::uint64_t state = seed_ ^ (stream * 0xd1b54a32d192ed03ULL);
  state = splitmix64(state) ^ static_cast<std::uint64_t>(n);
  state = splitmix64(state) ^ (salt * 0xa0761d6478bd642fULL);
  return splitmix64(state);
}

bool SearchCorpus::planted(std::uint64_t stream, std::int64_t n, std::size_t which) const {
  return hash(stream, n, 0x100 + which) % static_cast<std::uint64_t>(kPlanted.at(which).one_in) == 0;
}

void SearchCorpus::text(std::uint64_t stream, std::int64_t n, std::string& out) const {
  out.clear();
  std::uint64_t state = hash(stream, n, 1);
  std::vector<std::string_view> parts;
  if (splitmix64(state) % 100 == 0) {  // about 1 %: a phrase in Chinese or in Hindi
    const std::uint64_t pick = splitmix64(state);
    parts.push_back(pick % 2 == 0 ? kChinese[(pick / 2) % kChinese.size()] : kHindi[(pick / 2) % kHindi.size()]);
  } else {
    const int count = 4 + static_cast<int>(splitmix64(state) % 9);
    for (int i = 0; i < count; ++i) {
      const double u = static_cast<double>(splitmix64(state) >> 11) / 9007199254740992.0;  // [0, 1)
      auto at = std::upper_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin();
      parts.push_back(words_[static_cast<std::size_t>(std::min<std::ptrdiff_t>(at, cdf_.size() - 1))]);
    }
  }
  for (std::size_t k = 0; k < kPlanted.size(); ++k)
    if (planted(stream, n, k))
      parts.insert(parts.begin() + static_cast<std::ptrdiff_t>(splitmix64(state) % (parts.size() + 1)), kPlanted[k].word);
  for (auto p : parts) {
    if (!out.empty()) out += ' ';
    out += p;
  }
}

std::string url_encode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    const bool plain = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
                       c == '.' || c == '_' || c == '~';
    if (plain) out += static_cast<char>(c);
    else out += {'%', kHex[c >> 4], kHex[c & 15]};
  }
  return out;
}

}  // namespace parley::bench
