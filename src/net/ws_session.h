// One WebSocket connection of one device, on one io thread: every member below is touched
// only there (bus events and store answers arrive as mail, net/io_thread.h). The transport
// (frames, corked writes) is WsConnection; this class is the protocol over it, in files by
// job: ws_auth.cc (from the upgrade to hello), ws_session.cc (life cycle, sending, idle),
// ws_dispatch.cc (client frames to services), ws_updates.cc (the session's side of the
// update stream, net/update_stream.h), ws_rooms.cc (one stream per room), ws_typing.cc
// (typing this device started). Whatever may wait on the store or on other nodes runs on
// the query pool, in this session's order (query_strand_), never on the io thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/rate_limiter.h"
#include "bus/bus.h"
#include "net/room_fanout.h"
#include "net/services.h"
#include "net/update_stream.h"
#include "net/ws_connection.h"

namespace parley::net {

class SessionRegistry;
class QueryPool;

class WsSession final : public WsConnection,
                        public MailReceiver,
                        public BusListener,
                        public RoomFollower,
                        public presence::Listener,
                        private UpdateStream::Sink {
 public:
  WsSession(boost::asio::ip::tcp::socket socket, IoThread& io, Services& services, const Options& options,
            SessionRegistry& registry, RoomFanout& rooms, QueryPool& queries);
  ~WsSession() override;

  // Answers the upgrade and starts the session; `early`: bytes read past the request.
  void start(const Request& request, std::string_view early);
  // Server shutdown: flush what is queued, then close with 1001 (going away).
  void shutdown();
  void on_bus(UserId user, const std::shared_ptr<const BusEvent>& event) override;
  void on_mail(const std::shared_ptr<const BusEvent>& event, std::string& frame) override;
  void on_room(const std::shared_ptr<const BusEvent>& event) override { on_room_event(*event); }
  void on_presence(const std::vector<presence::View>& views) override;

 private:
  std::shared_ptr<WsSession> self() { return std::static_pointer_cast<WsSession>(shared_from_this()); }
  std::weak_ptr<WsSession> weak_self() { return self(); }
  // Hands a frame built on another thread (a store answer) to this session's thread.
  void reply(std::string frame);

  // WsConnection
  void on_message(std::string_view payload, bool text) override;
  void on_too_big() override;
  void on_drained() override { drain_.cancel(); }
  void on_peer_close(std::function<void()> reply) override;
  void on_closed() override;
  void on_queued(std::int64_t delta) override;
  // Over the node's output budget: cuts off the sessions with the most queued.
  void shed();
  // 0 when this user may run one more query frame; else sends rate_limited and returns false.
  bool query_allowed();

  // The update stream (ws_updates.cc): this session is its sink, and reads its pages on
  // the query pool.
  void send_update(const Update& update) override;
  void send_live(const BusEvent& event) override;
  void send_synced(Pts pts, Pts head, bool truncated) override;
  void sync_failed() override;
  bool has_room();  // the output queue can take another page
  void request_sync(std::optional<Pts> rewind, bool reply, int page = 0);
  boost::asio::awaitable<void> pump_stream();  // runs the stream's sync, waiting out back-pressure
  void joined_or_left(int membership, ChatId chat, Seq seq);
  boost::asio::awaitable<void> drained();

  void handle(std::string_view text);
  // Checks the token on the query pool, then says hello (ws_auth.cc).
  void authenticate(std::string token);
  boost::asio::awaitable<void> sign_in(std::string token);
  // Sends, creates and changes share one rate bucket; true (and an error frame) when empty.
  bool over_send_rate(const std::string& id);
  void on_send(const proto::SendFrame& f);
  void on_action(const proto::ActionFrame& f);
  // The error answer to a send or action that failed; `unavailable` says when to retry.
  void reply_failure(const std::string& id, const Status& st);
  void on_typing(const proto::TypingFrame& f);
  void on_presence_frame(const proto::PresenceFrame& f);
  void on_privacy(const proto::PrivacyFrame& f);
  void on_create(const proto::CreateFrame& f);
  void on_change(const proto::ChangeFrame& f);
  void on_decline(const proto::DeclineFrame& f);
  void on_chat_query(const proto::ClientFrame& f);  // chat_info, receipts, views: on the query pool
  std::string answer_query(const proto::ClientFrame& f, UserId user);  // runs on a query thread
  // Answers a create/change/join/leave (called on the writer thread).
  void reply_done(const std::string& id, const Result<ChangeResult>& r);

  // Rooms: this device's place in each room's log, its channel, its catch-up.
  boost::asio::awaitable<void> open_rooms();
  void join_room(ChatId room, Seq from);
  void leave_room(ChatId room);
  void on_room_event(const BusEvent& event);
  void request_room_sync(ChatId room);
  boost::asio::awaitable<void> room_sync_loop(ChatId room);
  // True if a write was made (`done` is then called on the writer thread).
  bool persist_room_positions(bool force, std::function<void(Status)> done = {});
  void send_views(const std::vector<presence::View>& views);
  // Typing this device started and did not stop: ends it after the typing timeout.
  void arm_typing_timer();
  void end_typing(std::optional<ChatId> only);
  void stop_typing(ChatId chat);  // tells the chat's members, from the query pool
  void handle_event(const std::shared_ptr<const BusEvent>& event);
  // After a revoke event (or, `resync`, a bus outage): asks the store whether this device
  // still stands, then (resync) catches up what the bus may have lost.
  boost::asio::awaitable<void> recheck_device(bool resync);
  boost::asio::awaitable<void> privacy_changed(bool settings);  // the user's own setting changed
  // Device positions are written at most once a second, and at disconnect.
  bool persist_position(bool force, std::function<void(Status)> done = {});

  void send(std::string_view frame) { send(std::array<std::string_view, 3>{frame, {}, {}}); }
  void send(const std::array<std::string_view, 3>& frame);  // a frame in pieces (BusEvent::pieces)
  void protocol_error(std::string_view code, std::string message, std::string id = {});
  void arm_idle_timer(bool pinged = false);

  Services& svc_;
  const Options& opt_;
  SessionRegistry& registry_;
  RoomFanout& fanout_;
  QueryPool& queries_;
  // This session's queries run one at a time, in the order they came (on the query pool).
  boost::asio::strand<boost::asio::io_context::executor_type> query_strand_;
  boost::asio::steady_timer drain_;  // sync loops wait here for the queue to drain
  boost::asio::steady_timer auth_timer_;
  boost::asio::steady_timer typing_timer_;
  boost::asio::steady_timer idle_timer_;  // pings a quiet peer at idle/2, cuts a silent one at idle
  boost::asio::steady_timer persist_timer_;  // writes the last position of a burst of acks
  bool persist_armed_ = false;

  std::optional<DeviceRecord> device_;
  bool authenticating_ = false;  // a token is being checked: reading waits until hello
  bool present_ = false;  // counted as connected by the presence service
  std::string admitted_net_;    // counted against its network's connection cap (empty: not)
  bool admitted_user_ = false;  // counted against its user's connection cap
  std::uint64_t bus_token_ = 0;
  auth::TokenBucket send_rate_;
  auth::TokenBucket typing_rate_;
  std::shared_ptr<presence::Watcher> watcher_;  // set once the device watches anyone
  std::map<std::int64_t, TimeMs> typing_;        // chat -> when its typing ends by itself
  int errors_ = 0;
  Pts persisted_position_ = 0;   // device position last written to the store
  TimeMs persisted_at_ = 0;

  UpdateStream stream_;

  struct Room {
    std::uint64_t token = 0;  // the room channel subscription
    Seq sent = 0;             // highest seq written to the queue
    Seq acked = 0;            // the device's position (received), persisted lazily
    Seq persisted = 0;
    bool syncing = false, dirty = false;
  };
  std::map<std::int64_t, Room> rooms_;
  TimeMs rooms_persisted_at_ = 0;
};

}  // namespace parley::net
