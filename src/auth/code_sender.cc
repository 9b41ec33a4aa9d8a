#include "auth/code_sender.h"

#include <spdlog/spdlog.h>

namespace parley::auth {

void LogCodeSender::send(const std::string& phone, const std::string& code,
                         std::function<void(Status)> done) {
  spdlog::info("auth: sign-in code for {} is {}", phone, code);
  done(Status::Ok());
}

}  // namespace parley::auth
