// splitmix64: the bench's one seeded generator (fast, deterministic, not for cryptography),
// so every scenario draws the same sequence from the same seed.
#pragma once

#include <cstdint>

namespace parley::bench {

inline std::uint64_t splitmix64(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace parley::bench
