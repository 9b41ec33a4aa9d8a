// The update stream of one device (see update_stream.h).
#include "net/update_stream.h"

#include <algorithm>

namespace parley::net {

bool UpdateStream::request(std::optional<Pts> rewind, bool reply, int page) {
  if (page > 0) page_ = page;
  if (rewind) {
    auto head = source_.head();
    sent_ = std::clamp(*rewind, Pts(0), head ? *head : *rewind);  // an `after` past the head means the head
    auto tail = source_.tail();
    truncated_ = tail && sent_ + 1 < *tail;
  }
  reply_ = reply_ || reply;
  dirty_ = true;
  if (syncing_) return false;  // the running sync reads again
  syncing_ = true;
  return true;
}

bool UpdateStream::on_live(const BusEvent& event) {
  if (syncing_) {
    dirty_ = true;
    return false;
  }
  if (!live_) return false;  // the first sync has yet to start; it will read this one
  if (event.kind == BusEvent::Kind::kResync) return request(std::nullopt, false);
  if (event.pts <= sent_) return false;  // sent already (read by a sync, or a bus duplicate)
  if (event.pts == sent_ + 1) {
    sink_.send_live(event);
    sent_ = event.pts;
    return false;
  }
  return request(std::nullopt, false);  // a gap: catch up from the store
}

bool UpdateStream::pump() {
  const int page = page_ > 0 ? std::min(page_, max_page_) : max_page_;
  while (dirty_) {
    dirty_ = false;
    for (;;) {
      auto updates = source_.read_after(sent_, page);
      if (!updates) {
        sink_.sync_failed();
        reply_ = false;
        break;
      }
      for (const auto& u : *updates) {
        if (u.pts <= sent_) continue;
        sink_.send_update(u);
        sent_ = u.pts;
      }
      if (static_cast<int>(updates->size()) < page) break;
      if (!sink_.has_room()) {
        dirty_ = true;  // the next call goes on from sent_
        return true;
      }
    }
  }
  syncing_ = false;
  live_ = true;
  if (reply_) {
    reply_ = false;
    auto head = source_.head();
    sink_.send_synced(sent_, head ? *head : sent_, truncated_);
    truncated_ = false;
  }
  return false;
}

}  // namespace parley::net
