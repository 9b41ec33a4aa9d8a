// The real PostgreSQL and NATS servers of cluster tests, started by scripts/services.sh:
// either the suite-wide pair of the ctest fixture (`cluster_services`), or a private pair
// for a test that restarts them.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace parley::testing {

class Services {
 public:
  // The fixture's services (state file from PARLEY_SERVICES_STATE, else the build's
  // default). Throws with a hint when the fixture is not running.
  static const Services& shared();
  // A private postgres and `nats_servers` NATS servers, stopped with the object.
  static std::unique_ptr<Services> start(int nats_servers = 1);
  ~Services();

  const std::string& pg_url() const { return pg_url_; }        // the `parley` database
  const std::string& nats_urls() const { return nats_urls_; }  // comma-separated
  // A new, empty database; returns its connection string.
  std::string fresh_database() const;
  // --set overrides that make a parleyd a node of this cluster on `database`.
  std::vector<std::string> node_overrides(const std::string& database) const;
  // --set overrides that keep a node's media in the services' S3-compatible store (s3rver).
  std::vector<std::string> s3_overrides() const {
    return {"media.backend=s3", "media.s3_endpoint=" + s3_[0], "media.s3_bucket=" + s3_[1],
            "media.s3_access_key=" + s3_[2], "media.s3_secret_key=" + s3_[3]};
  }

  void stop_postgres() const { run("pg-stop"); }
  void start_postgres() const { run("pg-start"); }
  void stop_nats() const { run("nats-stop"); }
  void start_nats() const { run("nats-start"); }

 private:
  Services(std::string state_file, bool owned);
  void run(const std::string& command) const;

  std::string state_file_, pg_url_, nats_urls_;
  std::array<std::string, 4> s3_;  // url, bucket, access key, secret key
  bool owned_ = false;
};

}  // namespace parley::testing
