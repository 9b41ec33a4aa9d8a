// One parleyd child process, for parley-bench and the black-box tests: fork/exec with
// --listen, --data-dir, --port-file and --set overrides, wait until it has written its
// port file, signal it and reap it, read its CPU time and RSS from /proc. Owned and
// called by one thread; movable, not copyable. A process still running when the object
// goes is killed (SIGKILL) and reaped: stop it first to shut it down cleanly.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace parley::tools {

// User+system CPU seconds of any process of this machine (/proc/PID/stat); 0 when it is
// gone or unreadable.
double process_cpu_seconds(pid_t pid);

struct ParleydArgs {
  std::string binary;                  // path of the parleyd to run
  std::string listen = "127.0.0.1:0";  // --listen
  std::string data_dir;                // --data-dir (created); the port file is DATA_DIR/port
  std::vector<std::string> sets;       // each passed as --set section.key=value
  std::string log_path;                // stdout and stderr appended here; empty: inherited
};

class ParleydProcess {
 public:
  enum class Start { kListening, kExited, kTimedOut };

  ParleydProcess() = default;
  ParleydProcess(ParleydProcess&& o) noexcept;
  ParleydProcess& operator=(ParleydProcess&& o) noexcept;
  ParleydProcess(const ParleydProcess&) = delete;
  ParleydProcess& operator=(const ParleydProcess&) = delete;
  ~ParleydProcess();

  // Removes an old port file and starts parleyd; does not wait. Throws if fork fails.
  void start(const ParleydArgs& args);
  // Polls the port file every 5 ms until it names a port (kListening: port() is set), the
  // process exits (kExited: it is reaped) or `timeout` passes (kTimedOut: still running).
  Start wait_listening(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Sends `sig` and reaps the process: true once it exited; false if it still runs after
  // `timeout` (no bound without one). Nothing to do (true) when it is not running.
  bool signal_and_wait(int sig, std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  // User+system CPU seconds of the running process (/proc/PID/stat); 0 when not running.
  double cpu_seconds() const;
  // Resident set size in KiB (/proc/PID/status); 0 when not running.
  long rss_kib() const;

 private:
  std::string port_file_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace parley::tools
