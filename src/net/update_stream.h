// The update stream of one device: the part of a session that guarantees nothing is lost.
//
// A device's updates are its user's log, numbered by pts without gaps. The stream first
// catches the device up from a position, reading the log in pages (a sync); then live
// updates flow, each forwarded only if it follows the last one sent. An update that does
// not (an announcement lost or reordered on the bus) starts a sync from the store instead,
// and an update announced while a sync runs makes it read once more when it ends. So the
// device gets every pts once, in order, whatever the bus does.
//
// It knows no socket and no thread: the session is its Sink (frames out, back-pressure),
// the store its Source, and the session runs pump() whenever a call returns true
// (tests/unit/update_stream_test.cc drives it directly).
#pragma once

#include <optional>
#include <vector>

#include "bus/bus.h"
#include "core/status.h"
#include "store/types.h"

namespace parley::net {

class UpdateStream {
 public:
  class Source {
   public:
    virtual ~Source() = default;
    // The user's log entries with pts > after, oldest first, at most `limit`.
    virtual Result<std::vector<Update>> read_after(Pts after, int limit) = 0;
    virtual Result<Pts> head() = 0;  // highest pts in the log
    virtual Result<Pts> tail() = 0;  // lowest pts still kept (head + 1 when empty)
  };
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual void send_update(const Update& update) = 0;  // read by a sync
    virtual void send_live(const BusEvent& event) = 0;   // announced on the bus
    virtual void send_synced(Pts pts, Pts head, bool truncated) = 0;
    virtual void sync_failed() = 0;  // the store could not be read
    // False: the output queue is full; pump() stops after this page.
    virtual bool has_room() = 0;
  };

  UpdateStream(Source& source, Sink& sink, int max_page) : source_(source), sink_(sink), max_page_(max_page) {}

  // A sync from `rewind` (clamped to the log head; an older position than the log keeps
  // is reported as truncated) or, without one, from the last update sent. `reply`: end
  // with send_synced. `page`: the client's page size (0: the server's).
  [[nodiscard]] bool request(std::optional<Pts> rewind, bool reply, int page = 0);
  // A bus event of kind kUpdate or kResync.
  [[nodiscard]] bool on_live(const BusEvent& event);
  // Reads pages until caught up (false: live) or until the sink is full (true: call again
  // once it has drained).
  [[nodiscard]] bool pump();

  Pts sent() const { return sent_; }
  bool live() const { return live_; }

 private:
  Source& source_;
  Sink& sink_;
  const int max_page_;
  int page_ = 0;            // the client's page size (0: max_page_)
  Pts sent_ = 0;            // highest pts handed to the sink
  bool live_ = false;       // the first sync has ended: live updates flow
  bool syncing_ = false;    // a sync has started and not ended (pump() is due)
  bool dirty_ = false;      // the log may hold more than the sync has read
  bool reply_ = false;      // a client sync waits for its `synced`
  bool truncated_ = false;  // the position asked for was older than the log
};

}  // namespace parley::net
