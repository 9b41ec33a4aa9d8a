#include "chat/retention.h"

namespace parley::chat {

void Retention::run_once(std::function<void(Result<std::int64_t>)> done) { step(0, std::move(done)); }

void Retention::step(std::int64_t total, std::function<void(Result<std::int64_t>)> done) {
  TimeMs now = clock_.now_ms();
  store_.expire(now - retention_ms_, now, [this, total, done = std::move(done)](Result<ExpireStep> r) mutable {
    if (!r) return done(r.status());
    if (r->finished) return done(total + r->removed);
    step(total + r->removed, std::move(done));
  });
}

}  // namespace parley::chat
