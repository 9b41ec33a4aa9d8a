// Waiting in tests: poll a condition until a deadline, never a number of tries (a count
// turns into a time bound that a loaded machine shrinks; a deadline does not).
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace parley::testing {

// Polls `pred` every `step` until it holds (true) or `timeout` has passed (then one last try).
inline bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(15),
                       std::chrono::milliseconds step = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(step);
  }
  return pred();
}

}  // namespace parley::testing
