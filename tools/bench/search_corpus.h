// The message texts history-search loads: deterministic (a function of the seed, the
// stream and the message's number alone, so a resent message has the same text), with
// result sizes a search over them can predict.
//
// A vocabulary of generated words (consonant-vowel syllables over letters without j, q,
// x, y, z) drawn with a Zipf distribution (weight 1 / rank), 4-12 words a message. Three
// planted words, spelt with those missing letters so that no vocabulary word starts with
// one (the server matches a query's last term as a prefix), each in a known share of the
// messages, picked by a hash of the message's number (not by n mod k, which would alias
// with the round robin over chats). About 1 % of the messages are a Chinese or a Hindi
// phrase instead.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace parley::bench {

struct PlantedWord {
  const char* word;
  std::int64_t one_in;  // in about one message of this many
};

class SearchCorpus {
 public:
  static constexpr std::array<PlantedWord, 3> kPlanted{
      {{"xylozeph", 100000}, {"quazjinx", 1000}, {"jazzoqui", 20}}};
  static constexpr const char* kChineseQuery = "明天";  // in 3 of the 8 Chinese phrases

  explicit SearchCorpus(std::uint64_t seed = 20261126, int vocabulary = 5000);

  // The text of message n of `stream` (0: the history chat, 1: the search set), into out.
  void text(std::uint64_t stream, std::int64_t n, std::string& out) const;
  // Whether message n of `stream` holds planted word `which` (an index of kPlanted).
  bool planted(std::uint64_t stream, std::int64_t n, std::size_t which) const;
  // The vocabulary word of this rank (0: the most frequent).
  const std::string& word(int rank) const { return words_.at(static_cast<std::size_t>(rank)); }
  std::size_t vocabulary() const { return words_.size(); }

 private:
  std::uint64_t hash(std::uint64_t stream, std::int64_t n, std::uint64_t salt) const;

  std::uint64_t seed_;
  std::vector<std::string> words_;
  std::vector<double> cdf_;  // cumulative Zipf weights, normalised to 1
};

// s with every byte outside [A-Za-z0-9-._~] percent-encoded (a query parameter's value).
std::string url_encode(const std::string& s);

}  // namespace parley::bench
