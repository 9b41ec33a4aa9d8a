// Delivery of sign-in codes. Adapters: LogCodeSender (here; development and tests) and
// net/webhook_code_sender (POSTs to an SMS gateway). `done` may run on any thread.
#pragma once

#include <functional>
#include <string>

#include "core/status.h"

namespace parley::auth {

class CodeSender {
 public:
  virtual ~CodeSender() = default;
  virtual void send(const std::string& phone, const std::string& code,
                    std::function<void(Status)> done) = 0;
};

// Writes the phone and code to the server log (one line, level info).
class LogCodeSender final : public CodeSender {
 public:
  void send(const std::string& phone, const std::string& code,
            std::function<void(Status)> done) override;
};

}  // namespace parley::auth
