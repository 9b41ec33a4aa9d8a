// The update stream of one device: the part of a session that guarantees nothing is lost.
//
// A device's updates are its user's log, numbered by pts without gaps. The stream first
// catches the device up from a position, reading the log in pages (a sync); then live
// updates flow, each forwarded only if it follows the last one sent. An update that does
// not (an announcement lost or reordered on the bus) starts a sync from the store instead,
// and an update announced while a sync runs makes it read once more when it ends. So the
// device gets every pts once, in order, whatever the bus does.
//
// It knows no socket, no thread and no store: it says which page to read next (next()),
// the session reads it wherever reads may wait (the query pool) and hands the answer back
// (on_page()); frames go out through the Sink. tests/unit/update_stream_test.cc drives it
// directly.
#pragma once

#include <optional>
#include <vector>

#include "bus/bus.h"
#include "core/status.h"
#include "model/types.h"

namespace parley::net {

class UpdateStream {
 public:
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual void send_update(const Update& update) = 0;  // read by a sync
    virtual void send_live(const BusEvent& event) = 0;   // announced on the bus
    virtual void send_synced(Pts pts, Pts head, bool truncated) = 0;
    virtual void sync_failed() = 0;  // the store could not be read
  };

  // A read of the user's log: the entries with pts > after, oldest first, at most `limit`;
  // with `bounds`, also the log's head (highest pts) and tail (lowest pts still kept,
  // head + 1 when empty), read after the entries.
  struct Read {
    Pts after = 0;
    int limit = 0;
    bool bounds = false;
  };
  struct Page {
    std::vector<Update> updates;
    Pts head = 0, tail = 0;  // when asked for
  };

  UpdateStream(Sink& sink, int max_page) : sink_(sink), max_page_(max_page) {}

  // A sync from `rewind` (clamped to the log head; an older position than the log keeps
  // is reported as truncated) or, without one, from the last update sent. `reply`: end
  // with send_synced. `page`: the client's page size (0: the server's). True: a sync
  // starts, so the caller reads pages (next/on_page) until next() says there is none.
  [[nodiscard]] bool request(std::optional<Pts> rewind, bool reply, int page = 0);
  // A bus event of kind kUpdate or kResync. True: a sync starts, as for request().
  [[nodiscard]] bool on_live(const BusEvent& event);
  // The read the running sync makes now; none once it has ended (the stream is live).
  // One read at a time: after next(), on_page() before next() again.
  std::optional<Read> next();
  // The answer to the read next() asked for.
  void on_page(const Result<Page>& page);

  Pts sent() const { return sent_; }
  bool live() const { return live_; }
  bool syncing() const { return syncing_; }

 private:
  Sink& sink_;
  const int max_page_;
  int page_ = 0;               // the client's page size (0: max_page_)
  Pts sent_ = 0;               // highest pts handed to the sink
  std::optional<Pts> rewind_;  // a position asked for, not yet read from
  Read reading_;               // the read out now
  bool reading_rewind_ = false;  // it starts at a position asked for (rewind_ was taken)
  bool live_ = false;          // the first sync has ended: live updates flow
  bool syncing_ = false;       // a sync has started and not ended
  bool dirty_ = false;         // announced or asked for since the read out now was made
  bool reply_ = false;         // a client sync waits for its `synced`
  bool truncated_ = false;     // the position asked for was older than the log
};

}  // namespace parley::net
