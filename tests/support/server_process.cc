#include "support/server_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "parley/session.h"
#include "support/services.h"

#ifndef PARLEYD_PATH
#error "PARLEYD_PATH must point at the parleyd binary"
#endif

namespace parley::testing {

namespace fs = std::filesystem;

ServerProcess::ServerProcess(std::vector<std::string> overrides, std::string data_dir, bool wait)
    : overrides_(std::move(overrides)), data_dir_(std::move(data_dir)) {
  if (data_dir_.empty()) {
    static std::atomic<int> n{0};
    data_dir_ = (fs::temp_directory_path() / ("parley-test-" + std::to_string(getpid()) + "-" + std::to_string(n++))).string();
    fs::remove_all(data_dir_);
    fs::remove(data_dir_ + ".log");  // a name an earlier run with the same pid used: its log is not ours
    own_dir_ = true;
  }
  // PARLEY_TEST_STORE=postgres runs the same tests on the PostgreSQL store (ctest
  // registers every integration test twice: sqlite.* and postgres.*).
  bool store_chosen = false;
  for (const auto& o : overrides_) store_chosen = store_chosen || o.starts_with("store.kind=");
  const char* store = std::getenv("PARLEY_TEST_STORE");
  if (!store_chosen && store && std::string_view(store) == "postgres") {
    const auto& services = Services::shared();
    overrides_.insert(overrides_.begin(), {"store.kind=postgres", "store.postgres_url=" + services.fresh_database()});
  }
  start(wait);
}

ServerProcess::~ServerProcess() {
  if (running()) stop();
  if (own_dir_) {
    std::error_code ec;
    fs::remove_all(data_dir_, ec);
    fs::remove(data_dir_ + ".log", ec);
  }
}

std::string ServerProcess::log() const {
  std::ifstream in(data_dir_ + ".log");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void ServerProcess::start(bool wait) {
  std::vector<std::string> sets = {std::string("auth.admin_secret=") + kAdminSecret, "server.threads=2"};
  sets.insert(sets.end(), overrides_.begin(), overrides_.end());
  process_.start({PARLEYD_PATH, "127.0.0.1:0", data_dir_, sets, data_dir_ + ".log"});
  if (wait) wait_listening();
}

void ServerProcess::wait_listening() {
  switch (process_.wait_listening(std::chrono::seconds(30))) {
    case tools::ParleydProcess::Start::kListening:
      port_ = static_cast<unsigned short>(process_.port());
      return;
    case tools::ParleydProcess::Start::kExited:
      throw std::runtime_error("parleyd exited at start:\n" + log());
    case tools::ParleydProcess::Start::kTimedOut:
      break;
  }
  throw std::runtime_error("parleyd did not start in 30 s:\n" + log());
}

void ServerProcess::signal_and_wait(int sig) {
  // Bounded: a parleyd that does not exit is a bug worth seeing, not a hung test run.
  if (process_.signal_and_wait(sig, std::chrono::seconds(30))) return;
  const pid_t pid = process_.pid();
  std::fprintf(stderr, "parleyd %d did not exit within 30 s of signal %d; its threads:\n", pid, sig);
  std::string gdb = "gdb -p " + std::to_string(pid) + " -batch -ex 'thread apply all bt' 1>&2 2>/dev/null";
  if (std::system(gdb.c_str()) != 0) std::fprintf(stderr, "(gdb not available)\n");
  std::fprintf(stderr, "log:\n%s\n", log().c_str());
  process_.signal_and_wait(SIGKILL);
  std::abort();
}

std::vector<TestUser> make_users(const ServerProcess& server, int count, const std::string& device_name) {
  static std::atomic<long> next{0};
  boost::json::array phones;
  std::vector<TestUser> out;
  for (int i = 0; i < count; ++i) {
    long n = next++;
    // +1 415 555 01xx style numbers are valid for libphonenumber; vary the exchange.
    std::string phone = "+1415" + std::to_string(2000000 + n);
    phones.push_back(boost::json::string(phone));
  }
  auto r = client::http_call(server.admin_endpoint(), "POST", "/v1/admin/users",
                             boost::json::serialize(boost::json::object{{"phones", phones}, {"device_name", device_name}}),
                             kAdminSecret);
  if (!r.ok()) throw std::runtime_error("admin/users failed: " + r.body);
  for (auto& u : r.json.at("users").as_array()) {
    auto& o = u.as_object();
    out.push_back({o.at("user").as_int64(), o.at("device").as_int64(), std::string(o.at("phone").as_string()),
                   std::string(o.at("token").as_string())});
  }
  return out;
}

TestUser add_device(const ServerProcess& server, const std::string& phone, const std::string& device_name) {
  auto r = client::http_call(server.admin_endpoint(), "POST", "/v1/admin/users",
                             boost::json::serialize(boost::json::object{{"phones", boost::json::array{boost::json::string(phone)}},
                                                                        {"device_name", device_name}}),
                             kAdminSecret);
  if (!r.ok()) throw std::runtime_error("admin/users failed: " + r.body);
  auto& o = r.json.at("users").as_array().at(0).as_object();
  return {o.at("user").as_int64(), o.at("device").as_int64(), std::string(o.at("phone").as_string()),
          std::string(o.at("token").as_string())};
}

bool message_round_trip(const ServerProcess& server, const TestUser& from, const TestUser& to) {
  client::Options o;
  o.server = server.endpoint();
  o.token = from.token;
  client::Session s(o);
  s.send_to_user(to.user, "still fine");
  return s.wait([](auto& l) { return !l.acks.empty(); });
}

client::Endpoint ServerProcess::admin_endpoint() const {
  for (const auto& o : overrides_)
    if (o.starts_with("server.admin_listen=")) {
      std::string hp = o.substr(20);
      return {hp.substr(0, hp.rfind(':')), hp.substr(hp.rfind(':') + 1)};
    }
  return endpoint();
}

unsigned short free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

}  // namespace parley::testing
