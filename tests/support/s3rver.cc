#include "support/s3rver.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <vector>

#ifndef PARLEY_NODE
#error "PARLEY_NODE must name the node binary"
#endif
#ifndef PARLEY_S3RVER_RUN
#error "PARLEY_S3RVER_RUN must point at tools/s3rver/run.mjs"
#endif

namespace parley::testing {

namespace fs = std::filesystem;

const S3rver& S3rver::shared() {
  static const S3rver s;
  return s;
}

S3rver::S3rver() {
  const fs::path run(PARLEY_S3RVER_RUN);
  if (!fs::exists(run.parent_path() / "node_modules" / "s3rver"))
    throw std::runtime_error("s3rver is not installed in " + run.parent_path().string() +
                             " (run scripts/install-deps.sh, or npm ci there)");
  static std::atomic<int> n{0};
  dir_ = fs::temp_directory_path() / ("parley-s3rver-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  fs::remove_all(dir_);
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("s3rver: pipe failed");
  std::vector<std::string> args = {PARLEY_NODE, run.string(), "--dir", dir_, "--port", "0"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("s3rver: fork failed");
  if (pid_ == 0) {
    // A test process that dies leaves no server behind (the signal follows the forking thread).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    ::dup2(pipe_fds[1], 1);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  out_ = pipe_fds[0];
  // The port, alone on a line, once it listens.
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{out_, POLLIN, 0};
    char buf[64];
    ssize_t got = 0;
    const bool ready = left.count() > 0 && ::poll(&p, 1, static_cast<int>(left.count())) > 0;
    if (!ready || (got = ::read(out_, buf, sizeof buf)) <= 0) {
      stop();
      throw std::runtime_error(std::string("s3rver ") + (ready ? "exited at start" : "did not listen within 30 s") +
                               " (" PARLEY_NODE " " + run.string() + "; its errors, if any, are above)");
    }
    line.append(buf, static_cast<std::size_t>(got));
  }
  url_ = "http://127.0.0.1:" + line.substr(0, line.find('\n'));
}

S3rver::~S3rver() { stop(); }

void S3rver::stop() {
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

}  // namespace parley::testing
