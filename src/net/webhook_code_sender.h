// CodeSender that POSTs {"phone": ..., "code": ...} as JSON to a URL (http or https), the
// way an SMS gateway is plugged in. Any 2xx answer is success. Runs on its own io thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <string>
#include <thread>

#include "auth/code_sender.h"

namespace parley::net {

class WebhookCodeSender final : public auth::CodeSender {
 public:
  WebhookCodeSender(std::string url, int timeout_ms);
  ~WebhookCodeSender() override;

  void send(const std::string& phone, const std::string& code, std::function<void(Status)> done) override;

 private:
  std::string url_;
  int timeout_ms_;
  boost::asio::io_context ioc_;
  boost::asio::ssl::context tls_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

}  // namespace parley::net
