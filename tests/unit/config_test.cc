#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "app/config.h"

namespace parley::app {
namespace {

std::string write(const std::string& text) {
  auto p = std::filesystem::temp_directory_path() / ("parley-config-" + std::to_string(getpid()) + ".toml");
  std::ofstream(p) << text;
  return p.string();
}

TEST(Config, defaults_are_valid) { EXPECT_TRUE(validate(Config{}).empty()); }

TEST(Config, file_overrides_defaults) {
  auto c = load_config_file(write("[server]\nlisten = \"0.0.0.0:9000\"\n[retention]\ndays = 7\n"));
  ASSERT_TRUE(c) << c.status().message();
  EXPECT_EQ(c->server.listen, "0.0.0.0:9000");
  EXPECT_EQ(c->retention.days, 7);
  EXPECT_EQ(c->auth.code_ttl_s, 300);
}

TEST(Config, unknown_keys_and_wrong_types_name_the_key) {
  auto c = load_config_file(write("[server]\nlisen = \"x\"\n[auth]\ncode_ttl_s = \"soon\"\n"));
  ASSERT_FALSE(c);
  EXPECT_NE(c.status().message().find("unknown key 'server.lisen'"), std::string::npos);
  EXPECT_NE(c.status().message().find("'auth.code_ttl_s' must be an integer"), std::string::npos);
  auto syntax = load_config_file(write("[server\n"));
  EXPECT_FALSE(syntax);
}

TEST(Config, bad_values_are_reported_by_validate) {
  Config c;
  c.auth.default_region = "XX";
  c.retention.days = 0;
  c.auth.code_sender = "carrier-pigeon";
  auto problems = validate(c);
  EXPECT_EQ(problems.size(), 3u);
}

TEST(Config, set_overrides_parse_values) {
  Config c;
  EXPECT_TRUE(apply_override(c, "limits.send_rate_per_s=250").ok());
  EXPECT_EQ(c.limits.send_rate_per_s, 250);
  EXPECT_TRUE(apply_override(c, "auth.webhook_url=http://127.0.0.1:9/x").ok());
  EXPECT_EQ(c.auth.webhook_url, "http://127.0.0.1:9/x");
  EXPECT_FALSE(apply_override(c, "nonsense").ok());
  EXPECT_FALSE(apply_override(c, "server.nope=1").ok());
}

}  // namespace
}  // namespace parley::app
