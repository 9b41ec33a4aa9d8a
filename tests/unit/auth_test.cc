#include <gtest/gtest.h>

#include <cctype>

#include "auth/phone.h"
#include "auth/rate_limiter.h"
#include "core/clock.h"
#include "core/encoding.h"
#include "model/device_names.h"
#include "model/receipt_times.h"

namespace parley::auth {
namespace {

TEST(DeviceNames, a_taken_name_gets_the_first_free_number_within_the_limit_in_whole_characters) {
  using device_names::distinct;
  EXPECT_EQ(distinct("Chrome on Linux", {}), "Chrome on Linux");
  EXPECT_EQ(distinct("Chrome on Linux", {"Chrome on Linux"}), "Chrome on Linux (2)");
  EXPECT_EQ(distinct("Chrome on Linux", {"Chrome on Linux", "Chrome on Linux (3)"}), "Chrome on Linux (2)");
  EXPECT_EQ(distinct("Chrome on Linux", {"Chrome on Linux", "Chrome on Linux (2)"}), "Chrome on Linux (3)");
  const std::string at_limit = std::string(59, 'x') + "日";  // 62 bytes
  EXPECT_EQ(distinct(at_limit, {at_limit}), std::string(59, 'x') + " (2)");  // 日 does not fit whole
}

TEST(ReceiptTimes, a_rise_keeps_the_read_position_and_a_delivered_one_past_it) {
  using receipt_times::RaiseKind;
  auto rows = receipt_times::raise_rows({3, 1}, {5, 1});
  ASSERT_EQ(rows.count, 1);
  EXPECT_EQ(rows.rows[0].kind, RaiseKind::kDelivered);
  rows = receipt_times::raise_rows({5, 1}, {5, 5});
  ASSERT_EQ(rows.count, 1);
  EXPECT_EQ(rows.rows[0].kind, RaiseKind::kRead);
  rows = receipt_times::raise_rows({3, 1}, {9, 4});
  ASSERT_EQ(rows.count, 2);
  EXPECT_EQ(rows.rows[1].seq, 9);
  MemberInfo m;
  receipt_times::combine({UserId(2), 0, 500, 300}, m);
  EXPECT_EQ(m.delivered_at, 300);  // the member's own later message came first
  EXPECT_EQ(m.read_at, 300);
  receipt_times::combine({UserId(2), 100, 0, 0}, m);
  EXPECT_EQ(m.delivered_at, 100);
  EXPECT_EQ(m.read_at, 0);
}

TEST(Phone, numbers_of_many_countries_normalise_to_e164) {
  EXPECT_EQ(*normalize_phone("+44 20 7946 0958", "US"), "+442079460958");
  EXPECT_EQ(*normalize_phone("+49 30 123456", "US"), "+4930123456");
  EXPECT_EQ(*normalize_phone("+91 98765 43210", "US"), "+919876543210");
  EXPECT_EQ(*normalize_phone("+234 803 123 4567", "US"), "+2348031234567");
  EXPECT_EQ(*normalize_phone("+55 11 91234-5678", "US"), "+5511912345678");
  EXPECT_EQ(*normalize_phone("(415) 555-2671", "US"), "+14155552671");
  EXPECT_EQ(*normalize_phone("030 123456", "DE"), "+4930123456");
}

TEST(Phone, invalid_numbers_are_refused) {
  EXPECT_FALSE(normalize_phone("", "US"));
  EXPECT_FALSE(normalize_phone("hello", "US"));
  EXPECT_FALSE(normalize_phone("+1 555", "US"));
  EXPECT_FALSE(normalize_phone(std::string(100, '1'), "US"));
  EXPECT_TRUE(known_region("DE"));
  EXPECT_FALSE(known_region("XX"));
}

TEST(Random, invite_codes_are_alphanumeric_so_they_never_read_as_an_option) {
  SystemRandom random;
  for (int i = 0; i < 2000; ++i) {
    std::string code = random.alphanumeric(16);
    ASSERT_EQ(code.size(), 16u);
    for (char c : code) ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << code;
  }
}

TEST(RateLimiter, allows_capacity_then_refuses_until_refilled) {
  ManualClock clock;
  RateLimiter rl(clock, 3, 60'000);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(rl.take("a"), 0);
  TimeMs wait = rl.take("a");
  EXPECT_GT(wait, 0);
  EXPECT_EQ(rl.take("b"), 0);
  clock.advance(wait);
  EXPECT_EQ(rl.take("a"), 0);
}

TEST(RateLimiter, token_bucket_refills_at_its_rate) {
  TokenBucket b(10, 2);  // 10/s, burst 2
  EXPECT_EQ(b.take(1000), 0);
  EXPECT_EQ(b.take(1000), 0);
  EXPECT_EQ(b.take(1000), 100);
  EXPECT_EQ(b.take(1100), 0);
}

TEST(RateLimiter, when_full_it_evicts_idle_keys_and_keeps_the_limited_ones) {
  ManualClock clock;
  RateLimiter limiter(clock, 2, 60'000, 100);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(limiter.take("attacker"), 0);
  EXPECT_GT(limiter.take("attacker"), 0);
  for (int i = 0; i < 500; ++i) limiter.take("passer-by-" + std::to_string(i));  // fills the table many times over
  EXPECT_GT(limiter.take("attacker"), 0) << "a full table must not hand the limited key a fresh bucket";
}

TEST(Network, ipv6_counts_by_its_64_and_ipv4_by_address) {
  EXPECT_EQ(network_of("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), network_of("2001:db8:1:2::1"));
  EXPECT_EQ(network_of("2001:db8:1:2::1"), "2001:db8:1:2::/64");
  EXPECT_NE(network_of("2001:db8:1:3::1"), network_of("2001:db8:1:2::1"));
  EXPECT_EQ(network_of("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(network_of("::ffff:203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(network_of("not an address"), "not an address");
  EXPECT_EQ(calling_code("+4930123456"), "49");
  EXPECT_EQ(calling_code("+14155550100"), "1");
}

TEST(Encoding, utf8_validation_and_length) {
  EXPECT_TRUE(valid_utf8("héllo €"));
  EXPECT_FALSE(valid_utf8("\xc3"));
  EXPECT_FALSE(valid_utf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(valid_utf8("\xc0\xaf"));      // overlong
  EXPECT_EQ(utf8_length("héllo €"), 7u);
  EXPECT_EQ(base64url(std::string(32, '\xff')).size(), 43u);
  EXPECT_EQ(hex(sha256("abc")).substr(0, 8), "ba7816bf");
}

}  // namespace
}  // namespace parley::auth
