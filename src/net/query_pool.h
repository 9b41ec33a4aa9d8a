// A few named threads ("query-N", or another name) that run the read-only queries sessions answer (chat_info,
// receipts, views): their store reads wait on a database here, not on an io thread that
// serves thousands of other connections. The answer goes back to the session as mail.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <pthread.h>
#include <sched.h>
#include <string>
#include <thread>
#include <vector>

#include "core/thread_name.h"

namespace parley::net {

class QueryPool {
 public:
  // `background`: the threads run under SCHED_IDLE (Linux): they get the CPU only when no
  // other thread of the machine wants it, so their work never delays a message.
  explicit QueryPool(int threads, std::string name = "query", bool background = false) : guard_(ctx_.get_executor()) {
    for (int i = 0; i < threads; ++i)
      threads_.emplace_back([this, i, name, background] {
        set_thread_name(name + "-" + std::to_string(i));
        if (background) {
          sched_param none{};
          pthread_setschedparam(pthread_self(), SCHED_IDLE, &none);
        }
        ctx_.run();
      });
  }
  ~QueryPool() { stop(); }
  QueryPool(const QueryPool&) = delete;
  QueryPool& operator=(const QueryPool&) = delete;

  boost::asio::io_context& context() { return ctx_; }
  // Runs what is queued, then joins the threads.
  void stop() {
    guard_.reset();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  boost::asio::io_context ctx_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
};

}  // namespace parley::net
