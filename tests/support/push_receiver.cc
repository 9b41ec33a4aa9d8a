#include "support/push_receiver.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_to.hpp>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "support/eventually.h"
#include "support/http_raw.h"

#ifndef PARLEY_NODE
#error "PARLEY_NODE must name the node binary"
#endif
#ifndef PARLEY_PUSH_RECEIVER_RUN
#error "PARLEY_PUSH_RECEIVER_RUN must point at tools/push-receiver/run.mjs"
#endif

namespace parley::testing {

namespace fs = std::filesystem;
namespace json = boost::json;

PushReceiver::PushReceiver(std::string webhook_secret) : webhook_secret_(std::move(webhook_secret)) {
  static std::atomic<int> n{0};
  dir_ = fs::temp_directory_path() / ("parley-push-receiver-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  fs::remove_all(dir_);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("push receiver: pipe failed");
  std::vector<std::string> args = {PARLEY_NODE, PARLEY_PUSH_RECEIVER_RUN, "--dir", dir_, "--webhook-secret",
                                   webhook_secret_};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("push receiver: fork failed");
  if (pid_ == 0) {
    // A test process that dies leaves no receiver behind (the signal follows the forking thread).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    ::dup2(pipe_fds[1], 1);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  out_ = pipe_fds[0];
  // One JSON line (what it also wrote to ports.json) once all three ports listen.
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{out_, POLLIN, 0};
    char buf[512];
    ssize_t got = 0;
    const bool ready = left.count() > 0 && ::poll(&p, 1, static_cast<int>(left.count())) > 0;
    if (!ready || (got = ::read(out_, buf, sizeof buf)) <= 0) {
      stop();
      throw std::runtime_error(std::string("push receiver ") +
                               (ready ? "exited at start" : "did not listen within 30 s") +
                               " (" PARLEY_NODE " " PARLEY_PUSH_RECEIVER_RUN "; its errors, if any, are above)");
    }
    line.append(buf, static_cast<std::size_t>(got));
  }
  const json::object ports = json::parse(line.substr(0, line.find('\n'))).as_object();
  http_ = static_cast<unsigned short>(ports.at("http").to_number<int>());
  https_ = static_cast<unsigned short>(ports.at("https").to_number<int>());
  h2_ = static_cast<unsigned short>(ports.at("h2").to_number<int>());
  ca_file_ = json::value_to<std::string>(ports.at("ca"));
  fcm_account_ = json::value_to<std::string>(ports.at("fcm_service_account"));
  apns_key_ = json::value_to<std::string>(ports.at("apns_key"));
}

PushReceiver::~PushReceiver() { stop(); }

void PushReceiver::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      ::usleep(10'000);
    }
    pid_ = -1;
  }
  if (out_ >= 0) ::close(out_);
  out_ = -1;
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PushReceiver::new_subscription(bool tls) const {
  RawHttp r = http_raw(http_, "POST", tls ? "/_subscription?tls=1" : "/_subscription");
  if (r.status != 200) throw std::runtime_error("push receiver: /_subscription answered " + std::to_string(r.status));
  return r.body;
}

json::array PushReceiver::received() const {
  RawHttp r = http_raw(http_, "GET", "/_received");
  if (r.status != 200) throw std::runtime_error("push receiver: /_received answered " + std::to_string(r.status));
  return json::parse(r.body).as_array();
}

json::array PushReceiver::wait_received(std::size_t n, std::chrono::milliseconds timeout) const {
  json::array out;
  eventually([&] { return (out = received()).size() >= n; }, timeout);
  return out;
}

void PushReceiver::behave(const json::object& behaviour) const {
  RawHttp r = http_raw(http_, "POST", "/_behave", {{"content-type", "application/json"}}, json::serialize(behaviour));
  if (r.status != 200) throw std::runtime_error("push receiver: /_behave refused " + r.body);
}

void PushReceiver::reset() const {
  RawHttp r = http_raw(http_, "POST", "/_reset");
  if (r.status != 200) throw std::runtime_error("push receiver: /_reset answered " + std::to_string(r.status));
}

}  // namespace parley::testing
