// Strong identifier types: a UserId cannot be passed where a ChatId is meant.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>

#include "core/time.h"

namespace parley {

template <class Tag>
struct Id {
  std::int64_t value = 0;

  constexpr Id() = default;
  constexpr explicit Id(std::int64_t v) : value(v) {}
  constexpr bool valid() const { return value > 0; }
  constexpr auto operator<=>(const Id&) const = default;
};

using UserId = Id<struct UserTag>;
using DeviceId = Id<struct DeviceTag>;
using ChatId = Id<struct ChatTag>;

// Position of a message in its chat: gap-free, starting at 1.
using Seq = std::int64_t;
// Position in a user's update log: gap-free, starting at 1.
using Pts = std::int64_t;

}  // namespace parley

template <class Tag>
struct std::hash<parley::Id<Tag>> {
  std::size_t operator()(const parley::Id<Tag>& id) const noexcept {
    return std::hash<std::int64_t>{}(id.value);
  }
};
