// A tiny HTTP server on 127.0.0.1 that records the sign-in codes parleyd POSTs to its
// webhook, so tests can sign in the way a phone would.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace parley::testing {

class WebhookSink {
 public:
  WebhookSink();
  ~WebhookSink();
  unsigned short port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/sms"; }
  // Waits for a code for `phone` newer than the last one taken; empty on timeout.
  std::string take_code(const std::string& phone, int timeout_ms = 10000);
  int requests() const { return requests_; }

 private:
  void serve();
  int listen_fd_ = -1;
  unsigned short port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::mutex mu_;  // guards codes_
  std::condition_variable cv_;
  std::map<std::string, std::string> codes_;
  std::thread thread_;
};

}  // namespace parley::testing
