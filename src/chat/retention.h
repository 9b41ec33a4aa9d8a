// Retention: update-log entries (messages waiting for offline devices) older than the
// retention period are removed, with expired sign-in codes. run_once is driven by a
// timer in app/; it deletes in bounded chunks so writes are never stalled for long.
#pragma once

#include <functional>

#include "core/clock.h"
#include "store/store.h"

namespace parley::chat {

class Retention {
 public:
  Retention(Store& store, const Clock& clock, TimeMs retention_ms)
      : store_(store), clock_(clock), retention_ms_(retention_ms) {}

  // Deletes everything expired; `done` gets the number of rows removed.
  void run_once(std::function<void(Result<std::int64_t>)> done);

 private:
  void step(std::int64_t total, std::function<void(Result<std::int64_t>)> done);

  Store& store_;
  const Clock& clock_;
  const TimeMs retention_ms_;
};

}  // namespace parley::chat
