// The listener: one port for HTTP and WebSocket, a fixed pool of io threads, each with
// its own io_context, so a connection lives on one thread for its whole life.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "net/http_api.h"
#include "net/io_thread.h"
#include "net/media_http.h"
#include "net/query_pool.h"
#include "net/room_fanout.h"
#include "net/services.h"
#include "net/session_registry.h"

namespace parley::net {

class Server {
 public:
  Server(Options options, Services& services);
  ~Server();

  // Binds the port (0 = any free port). A clear error when it cannot.
  Status listen();
  unsigned short port() const { return port_; }
  unsigned short admin_port() const { return admin_port_; }
  std::size_t threads() const { return io_.size(); }  // io threads
  // Starts the io threads and accepting. Returns at once.
  void start();
  // Stops accepting, closes every session (going away) and waits up to the grace period
  // for them to flush. Then stops the io threads.
  void shutdown();
  bool accepting() const { return accepting_; }
  // Per io thread: mail waiting and wake-ups so far (for /metrics).
  std::vector<std::pair<std::size_t, std::uint64_t>> io_stats() const;

 private:
  boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor, bool internal);
  struct Handover;
  // Serves HTTP requests on `socket` until it closes. `io`: the io thread it lives on (null
  // on the media threads, where a media request moved it, with what was read in `handover`).
  boost::asio::awaitable<void> http_connection(boost::asio::ip::tcp::socket socket, IoThread* io, bool internal,
                                               std::shared_ptr<Handover> handover = nullptr);
  Status bind(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host, unsigned short port,
              const char* setting);

  Options opt_;
  Services& svc_;
  std::vector<std::unique_ptr<IoThread>> io_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::ip::tcp::acceptor admin_acceptor_;  // open only with Options::admin_host
  SessionRegistry registry_;
  RoomFanout rooms_;  // one bus listener per room and io thread
  QueryPool queries_{4};  // threads: they mostly wait on the store
  // Media connections, uploads staged, images processed, objects read and written: in the
  // background (SCHED_IDLE), so media never delays a message; Options::media_threads of
  // them (default half the cores), so media never take more than their share either.
  QueryPool media_pool_;
  HttpApi api_;
  MediaHttp media_;
  std::atomic<bool> accepting_{false};
  unsigned short port_ = 0;
  unsigned short admin_port_ = 0;
  std::size_t next_ = 0;
  std::chrono::steady_clock::time_point last_accept_warning_{};
};

}  // namespace parley::net
