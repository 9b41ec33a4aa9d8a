// When a message reached each member (docs/protocol.md §5.3, "Message info"): receipt positions
// are cumulative, so a message reached a member when their position first rose to its seq or
// past it. A group keeps one row per raise of a member's positions (`raise_rows`; the write path
// pays one small insert per raise, never one per message), a direct chat has its raises in the
// viewer's update log; the stores find the first of each, and `combine` makes the times.
// Retention collapses a group member's raises before its cutoff into the last of them, with
// its time set to 0 (unknown): a message at or before that row's position finds it and has no
// time; a later one finds a later row, as before.
#pragma once

#include <array>
#include <utility>

#include "model/types.h"

namespace parley::receipt_times {

enum class RaiseKind : std::int64_t { kDelivered = 0, kRead = 1 };  // on disk: never renumber

struct Raise {
  RaiseKind kind;
  Seq seq;
};

// The rows a raise from `before` to `after` (delivered, read) keeps: the new read position if
// it rose, and the new delivered position if it rose past it (a read also delivers). At most
// two; `count` says how many.
struct Raises {
  std::array<Raise, 2> rows{};
  int count = 0;
};
inline Raises raise_rows(std::pair<Seq, Seq> before, std::pair<Seq, Seq> after) {
  Raises r;
  if (after.second > before.second) r.rows[r.count++] = {RaiseKind::kRead, after.second};
  if (after.first > before.first && after.first > after.second) r.rows[r.count++] = {RaiseKind::kDelivered, after.first};
  return r;
}

// The earliest of the times that are known (0: none).
inline TimeMs earliest(std::initializer_list<TimeMs> times) {
  TimeMs out = 0;
  for (TimeMs t : times)
    if (t > 0 && (out == 0 || t < out)) out = t;
  return out;
}

// A member's delivered and read times of a message: a read raise also delivers, and sending a
// later message (groups) moved both positions.
inline void combine(const ReceiptTimes& t, MemberInfo& m) {
  m.delivered_at = earliest({t.delivered, t.read, t.sent});
  m.read_at = earliest({t.read, t.sent});
}

}  // namespace parley::receipt_times
