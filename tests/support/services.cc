#include "support/services.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>

#include "common/fresh_database.h"

#ifndef PARLEY_SERVICES_SH
#error "PARLEY_SERVICES_SH must point at scripts/services.sh"
#endif
#ifndef PARLEY_SERVICES_STATE
#error "PARLEY_SERVICES_STATE must name the fixture's state file"
#endif

namespace parley::testing {

namespace {

std::map<std::string, std::string> read_state(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("no cluster services at " + path +
                             " (run through ctest, which starts the cluster_services fixture, or `" PARLEY_SERVICES_SH
                             " start " + path + "`)");
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string v = line.substr(eq + 1);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    out[line.substr(0, eq)] = v;
  }
  return out;
}

}  // namespace

Services::Services(std::string state_file, bool owned) : state_file_(std::move(state_file)), owned_(owned) {
  auto s = read_state(state_file_);
  pg_url_ = s["pg_url"];
  nats_urls_ = s["nats_urls"];
  s3_ = {s["s3_url"], s["s3_bucket"], s["s3_access_key"], s["s3_secret_key"]};
}

const Services& Services::shared() {
  static const Services s([] {
    const char* env = std::getenv("PARLEY_SERVICES_STATE");
    return std::string(env && *env ? env : PARLEY_SERVICES_STATE);
  }(), false);
  return s;
}

std::unique_ptr<Services> Services::start(int nats_servers) {
  static std::atomic<int> n{0};
  std::string state = "/tmp/parley-test-services-" + std::to_string(getpid()) + "-" + std::to_string(n++) + ".env";
  std::string cmd = std::string("bash ") + PARLEY_SERVICES_SH + " start " + state + " " + std::to_string(nats_servers) +
                    " >/dev/null";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("could not start postgres and nats: " + cmd);
  return std::unique_ptr<Services>(new Services(state, true));
}

Services::~Services() {
  if (owned_) run("stop");
}

void Services::run(const std::string& command) const {
  std::string cmd = std::string("bash ") + PARLEY_SERVICES_SH + " " + command + " " + state_file_ + " >/dev/null";
  if (std::system(cmd.c_str()) != 0 && command != "stop") throw std::runtime_error("failed: " + cmd);
}

std::string Services::fresh_database() const {
  static std::atomic<int> n{0};
  return tools::create_database(pg_url_, "t_" + std::to_string(getpid()) + "_" + std::to_string(n++));
}

std::vector<std::string> Services::node_overrides(const std::string& database) const {
  return {"store.kind=postgres", "store.postgres_url=" + database, "bus.kind=nats", "bus.nats_urls=" + nats_urls_};
}

}  // namespace parley::testing
