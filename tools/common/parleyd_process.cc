#include "common/parleyd_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

namespace parley::tools {

namespace fs = std::filesystem;

ParleydProcess::ParleydProcess(ParleydProcess&& o) noexcept
    : port_file_(std::move(o.port_file_)), pid_(std::exchange(o.pid_, -1)), port_(o.port_) {}

ParleydProcess& ParleydProcess::operator=(ParleydProcess&& o) noexcept {
  if (this != &o) {
    signal_and_wait(SIGKILL);
    port_file_ = std::move(o.port_file_);
    pid_ = std::exchange(o.pid_, -1);
    port_ = o.port_;
  }
  return *this;
}

ParleydProcess::~ParleydProcess() { signal_and_wait(SIGKILL); }

void ParleydProcess::start(const ParleydArgs& a) {
  fs::create_directories(a.data_dir);
  port_file_ = a.data_dir + "/port";
  fs::remove(port_file_);
  std::vector<std::string> args = {a.binary, "--listen", a.listen, "--data-dir", a.data_dir, "--port-file", port_file_};
  for (const auto& s : a.sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("cannot start parleyd: fork failed");
  if (pid_ == 0) {
    if (!a.log_path.empty())
      if (FILE* f = std::fopen(a.log_path.c_str(), "a")) {
        dup2(fileno(f), 1);
        dup2(fileno(f), 2);
      }
    std::vector<char*> argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
}

ParleydProcess::Start ParleydProcess::wait_listening(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(port_file_);
    int port = 0;
    if (in >> port && port > 0) {
      port_ = port;
      return Start::kListening;
    }
    int status = 0;
    if (pid_ <= 0 || waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Start::kExited;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return Start::kTimedOut;
}

bool ParleydProcess::signal_and_wait(int sig, std::optional<std::chrono::milliseconds> timeout) {
  if (pid_ <= 0) return true;
  ::kill(pid_, sig);
  int status = 0;
  if (!timeout) {
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return true;
  }
  const auto deadline = std::chrono::steady_clock::now() + *timeout;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
  return true;
}

double process_cpu_seconds(pid_t pid) {
  if (pid <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(in)), {});
  auto p = s.rfind(')');  // the command name may hold spaces and parentheses
  if (p == std::string::npos || p + 2 > s.size()) return 0;
  std::istringstream rest(s.substr(p + 2));
  std::string f;
  long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> f; ++i) {
    if (i == 14) utime = std::stol(f);
    if (i == 15) stime = std::stol(f);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double ParleydProcess::cpu_seconds() const { return process_cpu_seconds(pid_); }

long ParleydProcess::rss_kib() const {
  if (pid_ <= 0) return 0;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

}  // namespace parley::tools
