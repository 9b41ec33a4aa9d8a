#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <toml++/toml.h>

#include <algorithm>

#include "app/config.h"

namespace parley::app {
namespace {

std::string write(const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / ("parley-config-" + std::to_string(getpid()) + ".toml");
  std::ofstream(p) << text;
  return p.string();
}

TEST(Config, defaults_are_valid) { EXPECT_TRUE(validate(Config{}).empty()); }

// config/parley.example.toml says "the value shown is the default": every key is in it, and
// it loads to exactly Config{}.
TEST(Config, the_example_file_names_every_key_with_its_default) {
  const std::string path = PARLEY_EXAMPLE_CONFIG;
  auto c = load_config_file(path);
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_TRUE(*c == Config{}) << "a value in " << path << " is not the default";
  std::vector<std::string> in_file;
  auto table = toml::parse_file(path);
  for (const auto& [section, keys] : table)
    if (const auto* t = keys.as_table())
      for (const auto& [key, value] : *t) in_file.push_back(std::string(section.str()) + "." + std::string(key.str()));
  std::sort(in_file.begin(), in_file.end());
  EXPECT_EQ(in_file, config_keys());
}

TEST(Config, file_overrides_defaults) {
  auto c = load_config_file(write("[server]\nlisten = \"0.0.0.0:9000\"\n[retention]\ndays = 7\n"));
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_EQ(c->server.host, "0.0.0.0");
  EXPECT_EQ(c->server.port, 9000);
  EXPECT_EQ(c->retention.days, 7);
  EXPECT_EQ(c->auth.code_ttl_ms, 300'000);
}

// Keys in seconds, hours or days land in the modules' options in milliseconds; values the
// conversion would overflow are refused, naming the key.
TEST(Config, keys_in_coarser_units_are_converted_and_bounded) {
  Config c;
  ASSERT_TRUE(apply_override(c, "auth.code_ttl_s=60").ok());
  EXPECT_EQ(c.auth.code_ttl_ms, 60'000);
  ASSERT_TRUE(apply_override(c, "auth.device_idle_days=2").ok());
  EXPECT_EQ(c.auth.device_idle_ms, 2 * 86'400'000LL);
  ASSERT_TRUE(apply_override(c, "groups.invite_ttl_h=5").ok());
  EXPECT_EQ(c.chat.invite_ttl_ms, 5 * 3'600'000LL);
  ASSERT_TRUE(apply_override(c, "presence.persist_interval_s=7").ok());
  EXPECT_EQ(c.presence.persist_interval_ms, 7'000);
  auto huge = apply_override(c, "auth.device_idle_days=9223372036854775807");
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.message().find("'auth.device_idle_days' is out of range"), std::string::npos) << huge.message();
}

TEST(Config, addresses_are_host_and_port) {
  Config c;
  ASSERT_TRUE(apply_override(c, "server.listen=[::1]:0").ok());
  EXPECT_EQ(c.server.host, "[::1]");
  EXPECT_EQ(c.server.port, 0);
  for (const char* bad : {"server.listen=nowhere", "server.listen=host:", "server.listen=host:70000", "server.listen=:80",
                          "server.admin_listen=host:x"})
    EXPECT_FALSE(apply_override(c, bad).ok()) << bad;
  ASSERT_TRUE(apply_override(c, "server.admin_listen=127.0.0.1:9090").ok());
  EXPECT_EQ(c.server.admin_host, "127.0.0.1");
  EXPECT_EQ(c.server.admin_port, 9090);
  ASSERT_TRUE(apply_override(c, "server.admin_listen=\"\"").ok());
  EXPECT_TRUE(c.server.admin_host.empty()) << "empty: no admin listener";
}

TEST(Config, unknown_keys_and_wrong_types_name_the_key) {
  auto c = load_config_file(write("[server]\nlisen = \"x\"\n[auth]\ncode_ttl_s = \"soon\"\n"));
  ASSERT_FALSE(c);
  EXPECT_NE(c.status().message().find("unknown key 'server.lisen'"), std::string::npos);
  EXPECT_NE(c.status().message().find("'auth.code_ttl_s' must be an integer"), std::string::npos);
  auto syntax = load_config_file(write("[server\n"));
  EXPECT_FALSE(syntax);
}

// Issue 14 item 8: the log code sender hands every sign-in code to whoever reads the log.
TEST(Config, log_codes_are_refused_on_a_public_address_unless_allowed) {
  Config c;
  ASSERT_TRUE(apply_override(c, "server.listen=0.0.0.0:8080").ok());
  auto errors = validate(c);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("auth.allow_log_codes"), std::string::npos);
  c.codes.allow_log_codes = true;
  EXPECT_TRUE(validate(c).empty());
  c.codes.allow_log_codes = false;
  c.codes.code_sender = "webhook";
  c.codes.webhook_url = "https://sms.example/send";
  EXPECT_TRUE(validate(c).empty());
  for (const char* listen : {"127.0.0.1:1", "localhost:1", "[::1]:1", "127.8.9.10:0"}) {
    Config d;
    ASSERT_TRUE(apply_override(d, std::string("server.listen=") + listen).ok()) << listen;
    EXPECT_TRUE(validate(d).empty()) << listen;
  }
}

TEST(Config, nats_security_settings_are_checked_together) {
  Config c;
  c.store.kind = "postgres";
  c.store.postgres_url = "postgresql://localhost/parley";
  c.bus.kind = "nats";
  c.bus.nats_urls = "tls://nats.internal:4222";
  c.bus.nats_ca_file = "/etc/parley/nats-ca.pem";
  EXPECT_TRUE(validate(c).empty());
  c.bus.nats_nkey = "UABC";
  EXPECT_EQ(validate(c).size(), 1u) << "an NKEY needs its seed file";
  c.bus.nats_nkey_seed_file = "/etc/parley/nkey.seed";
  EXPECT_TRUE(validate(c).empty());
  c.bus.nats_creds_file = "/etc/parley/node.creds";
  EXPECT_EQ(validate(c).size(), 1u) << "creds and an NKEY are two ways to sign in";
  c.bus.nats_creds_file.clear();
  c.bus.nats_cert_file = "/etc/parley/node.pem";
  EXPECT_EQ(validate(c).size(), 1u) << "a client certificate needs its key";
  c.store.max_batch = 0;
  EXPECT_EQ(validate(c).size(), 2u);
}

TEST(Config, bad_values_are_reported_by_validate) {
  Config c;
  c.auth.default_region = "XX";
  c.retention.days = 0;
  c.codes.code_sender = "carrier-pigeon";
  auto problems = validate(c);
  EXPECT_EQ(problems.size(), 3u);
}

TEST(Config, set_overrides_parse_values) {
  Config c;
  EXPECT_TRUE(apply_override(c, "limits.send_rate_per_s=250").ok());
  EXPECT_EQ(c.server.send_rate_per_s, 250);
  EXPECT_TRUE(apply_override(c, "auth.webhook_url=http://127.0.0.1:9/x").ok());
  EXPECT_EQ(c.codes.webhook_url, "http://127.0.0.1:9/x");
  EXPECT_FALSE(apply_override(c, "nonsense").ok());
  EXPECT_FALSE(apply_override(c, "server.nope=1").ok());
}

}  // namespace
}  // namespace parley::app
