// Starts a real parleyd on 127.0.0.1 (any free port, fresh data directory) for black-box
// tests, and stops it (SIGTERM) or kills it (SIGKILL).
#pragma once

#include <csignal>
#include <string>
#include <vector>

#include "common/parleyd_process.h"
#include "parley/http.h"

namespace parley::testing {

inline constexpr const char* kAdminSecret = "test-admin-secret-0123456789";

class ServerProcess {
 public:
  // `overrides` are --set section.key=value strings.
  // Starts parleyd and, unless `wait` is false, waits until it listens.
  explicit ServerProcess(std::vector<std::string> overrides = {}, std::string data_dir = {}, bool wait = true);
  ~ServerProcess();

  void start(bool wait = true);
  // Waits (at most 30 s) until the port file appears; throws with the log otherwise.
  void wait_listening();
  void stop() { signal_and_wait(SIGTERM); }   // SIGTERM, wait for exit
  void kill9() { signal_and_wait(SIGKILL); }   // SIGKILL, wait for exit
  bool running() const { return process_.running(); }

  unsigned short port() const { return port_; }
  const std::string& data_dir() const { return data_dir_; }
  client::Endpoint endpoint() const { return {"127.0.0.1", std::to_string(port_)}; }
  // Where the admin routes are: the admin listener if the server has one (an override
  // server.admin_listen=HOST:PORT), else the public one.
  client::Endpoint admin_endpoint() const;
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string log() const;

 private:
  void signal_and_wait(int sig);

  std::vector<std::string> overrides_;
  std::string data_dir_;
  bool own_dir_ = false;
  tools::ParleydProcess process_;
  unsigned short port_ = 0;
};

struct TestUser {
  std::int64_t user = 0, device = 0;
  std::string phone, token;
};

// Creates users (with one device each) through the admin endpoint.
std::vector<TestUser> make_users(const ServerProcess& server, int count, const std::string& device_name = "test");
// A new device for an existing phone.
TestUser add_device(const ServerProcess& server, const std::string& phone, const std::string& device_name);
// On a fresh connection, `from` sends `to` a message; true once it is acknowledged (the
// server still serves after whatever a test did to it).
bool message_round_trip(const ServerProcess& server, const TestUser& from, const TestUser& to);
// A loopback port nothing listens on right now (bound and released), for a second listener.
unsigned short free_port();

}  // namespace parley::testing
