// A thread that runs a task at once and then every `interval`, until stopped. stop() wakes
// it, lets a run in progress finish and joins; it is idempotent and the destructor calls it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/thread_name.h"

namespace parley {

class PeriodicThread {
 public:
  PeriodicThread() = default;
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;
  ~PeriodicThread() { stop(); }

  // `name` names the thread (top -H, perf).
  void start(std::string name, std::chrono::milliseconds interval, std::function<void()> task) {
    thread_ = std::thread([this, name = std::move(name), interval, task = std::move(task)] {
      set_thread_name(name);
      std::unique_lock lk(mu_);
      while (!stopping_) {
        lk.unlock();
        task();
        lk.lock();
        cv_.wait_for(lk, interval, [&] { return stopping_; });
      }
    });
  }

  void stop() {
    {
      std::lock_guard lk(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mu_;  // guards stopping_
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace parley
