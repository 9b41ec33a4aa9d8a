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

#include <openssl/evp.h>

#include "parley/session.h"
#include "support/eventually.h"
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
  explicit SecureNats(const std::string& authorization = "authorization { user: parley, password: s3cret-pass }") {
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
                                     << authorization << "\n";
    pid = fork();
    if (pid == 0) {
      execlp("nats-server", "nats-server", "-c", (dir / "nats.conf").c_str(), nullptr);
      _exit(127);
    }
    eventually([&] { return accepts(port); });
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

// An NKEY user key pair, encoded as NATS does: base32 (no padding) of a prefix, the key
// and a CRC-16/XMODEM; the public key starts with 'U', the seed with "SU".
struct NKey {
  std::string public_key, seed;
};

std::uint16_t crc16(const std::string& bytes) {
  std::uint16_t crc = 0;
  for (unsigned char b : bytes) {
    crc ^= static_cast<std::uint16_t>(b) << 8;
    for (int i = 0; i < 8; ++i) crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021) : static_cast<std::uint16_t>(crc << 1);
  }
  return crc;
}

std::string base32(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::string with_crc(std::string bytes) {
  std::uint16_t c = crc16(bytes);
  bytes += static_cast<char>(c & 0xff);
  bytes += static_cast<char>(c >> 8);
  return base32(bytes);
}

NKey make_user_nkey() {
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  EVP_PKEY_keygen_init(ctx);
  EVP_PKEY_keygen(ctx, &key);
  EVP_PKEY_CTX_free(ctx);
  unsigned char raw_seed[32], raw_pub[32];
  std::size_t n = 32;
  EVP_PKEY_get_raw_private_key(key, raw_seed, &n);
  n = 32;
  EVP_PKEY_get_raw_public_key(key, raw_pub, &n);
  EVP_PKEY_free(key);
  constexpr unsigned char kUser = 20 << 3, kSeed = 18 << 3;
  std::string pub(1, static_cast<char>(kUser));
  pub.append(reinterpret_cast<char*>(raw_pub), 32);
  std::string seed{static_cast<char>(kSeed | (kUser >> 5)), static_cast<char>((kUser & 31) << 3)};
  seed.append(reinterpret_cast<char*>(raw_seed), 32);
  return {with_crc(pub), with_crc(seed)};
}

TEST(Safety, nodes_sign_in_to_nats_with_an_nkey) {
  auto nkey = make_user_nkey();
  ASSERT_EQ(nkey.public_key[0], 'U');
  SecureNats nats("authorization { users = [ { nkey: " + nkey.public_key + " } ] }");
  ASSERT_TRUE(accepts(nats.port)) << "nats-server did not start";
  std::ofstream(nats.dir / "node.nk") << nkey.seed << "\n";
  auto& services = Services::shared();
  auto overrides = services.node_overrides(services.fresh_database());
  overrides.push_back("bus.nats_urls=tls://127.0.0.1:" + std::to_string(nats.port));
  overrides.push_back("bus.nats_ca_file=" + (nats.dir / "cert.pem").string());
  overrides.push_back("bus.nats_nkey=" + nkey.public_key);
  overrides.push_back("bus.nats_nkey_seed_file=" + (nats.dir / "node.nk").string());
  overrides.push_back("bus.node_id=nkey-node");
  ServerProcess node(overrides);
  auto metrics = client::http_call(node.endpoint(), "GET", "/metrics");
  EXPECT_NE(metrics.body.find("parley_bus_connected 1"), std::string::npos);
  auto users = make_users(node, 2);
  EXPECT_TRUE(message_round_trip(node, users[0], users[1]));
}

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
