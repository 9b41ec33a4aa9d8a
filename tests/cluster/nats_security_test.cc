// Nodes on a NATS that wants TLS and a password (issue 14 item 8): a private nats-server
// with a certificate made for the test, two parleyd nodes that trust it, and a message
// from one node's user to the other's.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "parley/session.h"
#include "support/server_process.h"
#include "support/services.h"

namespace parley::testing {
namespace {

bool accepts(unsigned short port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

// nats-server with TLS (a self-signed certificate for 127.0.0.1) and a user and password.
struct SecureNats {
  SecureNats() {
    dir = std::filesystem::temp_directory_path() / ("parley-nats-tls-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                      "-addext subjectAltName=IP:127.0.0.1 -keyout " + (dir / "key.pem").string() +
                      " -out " + (dir / "cert.pem").string() + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("openssl could not make a certificate");
    port = free_port();
    std::ofstream(dir / "nats.conf") << "listen: 127.0.0.1:" << port << "\n"
                                     << "tls { cert_file: \"" << (dir / "cert.pem").string() << "\"\n"
                                     << "      key_file: \"" << (dir / "key.pem").string() << "\" }\n"
                                     << "authorization { user: parley, password: s3cret-pass }\n";
    pid = fork();
    if (pid == 0) {
      execlp("nats-server", "nats-server", "-c", (dir / "nats.conf").c_str(), nullptr);
      _exit(127);
    }
    for (int i = 0; i < 100 && !accepts(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~SecureNats() {
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    std::filesystem::remove_all(dir);
  }
  std::filesystem::path dir;
  unsigned short port = 0;
  pid_t pid = -1;
};

TEST(Safety, nodes_talk_over_a_nats_that_wants_tls_and_a_password) {
  SecureNats nats;
  ASSERT_TRUE(accepts(nats.port)) << "nats-server did not start";
  auto& services = Services::shared();
  auto overrides = services.node_overrides(services.fresh_database());
  overrides.push_back("bus.nats_urls=tls://parley:s3cret-pass@127.0.0.1:" + std::to_string(nats.port));
  overrides.push_back("bus.nats_ca_file=" + (nats.dir / "cert.pem").string());
  std::vector<std::unique_ptr<ServerProcess>> nodes;
  for (int i = 0; i < 2; ++i) {
    auto o = overrides;
    o.push_back("bus.node_id=tls-node-" + std::to_string(i));
    nodes.push_back(std::make_unique<ServerProcess>(o));
  }
  auto users = make_users(*nodes[0], 2);
  auto on = [&](int n, const TestUser& u) {
    client::Options o;
    o.server = nodes[n]->endpoint();
    o.token = u.token;
    return o;
  };
  client::Session receiver(on(0, users[1]));
  ASSERT_TRUE(receiver.wait([](const client::EventLog& l) { return l.synced > 0; }));
  client::Session sender(on(1, users[0]));
  sender.send_to_user(users[1].user, "across nodes, over TLS");
  EXPECT_TRUE(receiver.wait([](const client::EventLog& l) {
    for (const auto& m : l.messages)
      if (m.text == "across nodes, over TLS") return true;
    return false;
  }));
  auto metrics = client::http_call(nodes[0]->endpoint(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("parley_bus_connected 1"), std::string::npos);
  EXPECT_EQ(nodes[0]->log().find("s3cret-pass"), std::string::npos) << "the NATS password was logged";
}

}  // namespace
}  // namespace parley::testing
