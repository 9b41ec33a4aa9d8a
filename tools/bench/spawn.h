// What parley-bench needs from the server under test: start one (--spawn) or use a
// running one (--server), create users with tokens, read the server's RSS and CPU time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/parleyd_process.h"
#include "parley/http.h"

namespace parley::bench {

struct BenchUser {
  std::int64_t user = 0;
  std::string token;
};

class Target {
 public:
  // Spawned server: fresh data directory, limits raised for load. Nodes of one run
  // (index 0, 1, ...) share the admin secret and differ in data directory.
  static Target spawn(const std::string& parleyd, const std::vector<std::string>& extra_sets, int index = 0);
  static Target existing(const std::string& url, const std::string& admin_secret);
  Target(Target&&) noexcept;
  ~Target();

  const client::Endpoint& endpoint() const { return endpoint_; }
  bool spawned() const { return process_.running() || !parleyd_.empty(); }
  // The spawned server's --data-dir (empty when not spawned).
  const std::string& data_dir() const { return data_dir_; }
  // Creates `n` users with one device each (admin endpoint, in chunks).
  std::vector<BenchUser> make_users(int n);
  // RSS of the spawned server in KiB (0 when not spawned).
  long rss_kib() const;
  // Peak RSS of the spawned server in KiB (VmHWM: the process's lifetime peak, unless
  // reset_peak_rss() reset it); 0 when not spawned.
  long peak_rss_kib() const;
  // Resets the spawned server's peak RSS to its current RSS (/proc/PID/clear_refs, "5");
  // false when that is not possible (not spawned, or a kernel before 4.0).
  bool reset_peak_rss() const;
  // User+system CPU seconds of the spawned server, including processes of it that kill9 ended
  // (so a window across a crash and restart counts both).
  double cpu_seconds() const;
  void kill9();
  // Restarts a killed spawned server on the same port and data directory.
  void restart();

 private:
  Target() = default;
  void start_process();

  client::Endpoint endpoint_;
  std::string admin_secret_;
  std::string parleyd_;
  std::vector<std::string> sets_;
  std::string data_dir_;
  tools::ParleydProcess process_;
  int port_ = 0;
  double dead_cpu_s_ = 0;  // CPU of killed processes of this target
};

// Creates an empty database on the PostgreSQL server `url` points at; returns a
// connection string for it.
std::string fresh_database(const std::string& url);

// Raises the open-file limit to its hard maximum; returns the new soft limit.
long raise_fd_limit();

}  // namespace parley::bench
