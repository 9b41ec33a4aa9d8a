// The update stream of one device (see update_stream.h).
#include "net/update_stream.h"

#include <algorithm>

namespace parley::net {

bool UpdateStream::request(std::optional<Pts> rewind, bool reply, int page) {
  if (page > 0) page_ = page;
  if (rewind) rewind_ = std::max(*rewind, Pts(0));
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

std::optional<UpdateStream::Read> UpdateStream::next() {
  if (!syncing_) return std::nullopt;
  reading_rewind_ = rewind_.has_value();
  reading_.after = rewind_ ? *rewind_ : sent_;
  reading_.limit = page_ > 0 ? std::min(page_, max_page_) : max_page_;
  // The head clamps a rewind and ends a client's sync (any page may turn out the last).
  reading_.bounds = reading_rewind_ || reply_;
  rewind_.reset();
  dirty_ = false;
  return reading_;
}

void UpdateStream::on_page(const Result<Page>& page) {
  if (!syncing_) return;
  if (reading_rewind_) {
    // An `after` past the head means the head; if the store could not say, the position as asked.
    sent_ = page ? std::min(reading_.after, page->head) : reading_.after;
    truncated_ = page && sent_ + 1 < page->tail;
  }
  if (!page) {
    sink_.sync_failed();
    reply_ = false;
  } else {
    for (const auto& u : page->updates) {
      if (u.pts <= sent_) continue;
      sink_.send_update(u);
      sent_ = u.pts;
    }
    if (static_cast<int>(page->updates.size()) >= reading_.limit) return;  // the log goes on
  }
  if (dirty_) return;  // announced or asked for while this page was read: read once more
  // Here reply_ was set before this read (request() sets dirty_), so the page has the head.
  syncing_ = false;
  live_ = true;
  if (reply_) {
    reply_ = false;
    sink_.send_synced(sent_, std::max(page->head, sent_), truncated_);
    truncated_ = false;
  }
}

}  // namespace parley::net
