#include "bench/spawn.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "common/fresh_database.h"

namespace parley::bench {

namespace fs = std::filesystem;
namespace json = boost::json;

Target Target::spawn(const std::string& parleyd, const std::vector<std::string>& extra_sets, int index) {
  Target t;
  t.parleyd_ = parleyd;
  t.admin_secret_ = "bench-admin-secret-" + std::to_string(getpid());
  t.data_dir_ =
      (fs::temp_directory_path() / ("parley-bench-" + std::to_string(getpid()) + "-" + std::to_string(index))).string();
  fs::remove_all(t.data_dir_);
  fs::create_directories(t.data_dir_);
  t.sets_ = {"auth.admin_secret=" + t.admin_secret_, "limits.send_rate_per_s=1000000", "limits.send_burst=1000000",
             "server.max_queue_bytes=16777216", "server.idle_timeout_s=300", "log.level=warn",
             "limits.connections_per_ip=0",  // every load connection comes from 127.0.0.1
             "media.uploads_per_hour=1000000"};
  for (auto& s : extra_sets) t.sets_.push_back(s);
  t.start_process();
  return t;
}

Target Target::existing(const std::string& url, const std::string& admin_secret) {
  Target t;
  std::string err;
  if (!client::parse_server_url(url, t.endpoint_, err)) throw std::runtime_error(err);
  t.admin_secret_ = admin_secret;
  return t;
}

Target::Target(Target&& o) noexcept
    : endpoint_(std::move(o.endpoint_)),
      admin_secret_(std::move(o.admin_secret_)),
      parleyd_(std::move(o.parleyd_)),
      sets_(std::move(o.sets_)),
      data_dir_(std::move(o.data_dir_)),
      process_(std::move(o.process_)),
      port_(o.port_),
      dead_cpu_s_(o.dead_cpu_s_) {
  o.data_dir_.clear();
}

Target::~Target() {
  process_.signal_and_wait(SIGTERM);
  if (!data_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(data_dir_, ec);
  }
}

void Target::start_process() {
  process_.start({parleyd_, "127.0.0.1:" + std::to_string(port_), data_dir_, sets_, {}});
  switch (process_.wait_listening()) {
    case tools::ParleydProcess::Start::kListening:
      port_ = process_.port();
      endpoint_ = {"127.0.0.1", std::to_string(port_)};
      return;
    case tools::ParleydProcess::Start::kExited:
      throw std::runtime_error("parleyd exited at start (see its log above)");
    case tools::ParleydProcess::Start::kTimedOut:
      break;
  }
  throw std::runtime_error("parleyd did not start within 30 s");
}

std::vector<BenchUser> Target::make_users(int n) {
  std::vector<BenchUser> out;
  static long next = 0;
  const long base = 2000000 + (getpid() % 3000) * 1000;  // distinct numbers per bench run
  while (static_cast<int>(out.size()) < n) {
    int chunk = std::min(2000, n - static_cast<int>(out.size()));
    json::array phones;
    for (int i = 0; i < chunk; ++i) phones.push_back(json::string("+1415" + std::to_string(base + next++)));
    auto r = client::http_call(endpoint_, "POST", "/v1/admin/users",
                               json::serialize(json::object{{"phones", phones}, {"device_name", "bench"}}), admin_secret_,
                               120000);
    if (!r.ok()) throw std::runtime_error("creating users failed: " + r.error + " (is --admin-secret right?)");
    for (auto& u : r.json.at("users").as_array())
      out.push_back({u.at("user").as_int64(), std::string(u.at("token").as_string())});
  }
  return out;
}

long Target::rss_kib() const { return process_.rss_kib(); }

long Target::peak_rss_kib() const {
  if (!process_.running()) return 0;
  std::ifstream in("/proc/" + std::to_string(process_.pid()) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

bool Target::reset_peak_rss() const {
  if (!process_.running()) return false;
  std::ofstream out("/proc/" + std::to_string(process_.pid()) + "/clear_refs");
  out << "5" << std::flush;
  return static_cast<bool>(out);
}

double Target::cpu_seconds() const { return dead_cpu_s_ + process_.cpu_seconds(); }

void Target::kill9() {
  if (!process_.running()) return;
  const double before = cpu_seconds();  // /proc/PID goes with the process
  process_.signal_and_wait(SIGKILL);
  dead_cpu_s_ = before;
}

void Target::restart() { start_process(); }

std::string fresh_database(const std::string& url) {
  return tools::create_database(url, "bench_" + std::to_string(getpid()) + "_" + std::to_string(std::time(nullptr)));
}

long raise_fd_limit() {
  rlimit rl{};
  // As root the hard limit itself can be raised (up to fs.nr_open); otherwise use the hard limit.
  rlimit want{1 << 20, 1 << 20};
  if (setrlimit(RLIMIT_NOFILE, &want) != 0) {
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  getrlimit(RLIMIT_NOFILE, &rl);
  return static_cast<long>(rl.rlim_cur);
}

}  // namespace parley::bench
