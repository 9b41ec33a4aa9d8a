// The S3 MediaStore's own promises, beyond the contract every adapter keeps
// (media_store_test.cc): uploads spooled to disk and streamed, never whole in memory; a store
// that is down or silent is kUnavailable in bounded time; an id is checked before any
// request; the requests are signed right (s3rver's runner checks every signature).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <random>

#include "core/clock.h"
#include "core/encoding.h"
#include "media/s3/s3_media_store.h"
#include "support/s3rver.h"

namespace parley::media {
namespace {

namespace fs = std::filesystem;
using std::chrono::steady_clock;

// A socket on 127.0.0.1 that listens (so connecting succeeds) and never accepts or answers.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("cannot listen on 127.0.0.1");
    port_ = ntohs(a.sin_port);
  }
  ~SilentListener() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Whether anyone has connected (a connection waits in the backlog).
  bool connected_to() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0;
  }

 private:
  int fd_ = -1;
  unsigned short port_ = 0;
};

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

class S3MediaStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("parley-s3-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  S3Options options(std::string endpoint) const {
    S3Options o;
    o.endpoint = std::move(endpoint);
    o.bucket = "parley-media";
    o.access_key = parley::testing::S3rver::kAccessKey;
    o.secret_key = parley::testing::S3rver::kSecretKey;
    o.spool_dir = (dir_ / "spool").string();
    return o;
  }
  // A store on the shared s3rver, its bucket made.
  std::unique_ptr<S3MediaStore> on_s3rver() {
    auto store = std::make_unique<S3MediaStore>(options(parley::testing::S3rver::shared().url()), clock_);
    Status s = store->ensure_bucket();
    EXPECT_TRUE(s.ok()) << s.message();
    return store;
  }
  std::size_t spooled() const {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_ / "spool")) n += e.is_regular_file() ? 1 : 0;
    return n;
  }

  SystemClock clock_;
  fs::path dir_;
};

TEST_F(S3MediaStoreTest, an_upload_dropped_unfinished_leaves_no_spool_file) {
  auto store = on_s3rver();
  const std::string bytes = random_bytes(1 << 20, 1);
  {
    auto up = store->begin();
    ASSERT_TRUE(up) << up.status().message();
    ASSERT_TRUE((*up)->write(bytes).ok());
    EXPECT_EQ(spooled(), 1u) << "the bytes wait on disk, not in memory";
  }
  EXPECT_EQ(spooled(), 0u);
  EXPECT_EQ(store->size(hex(sha256(bytes))).status().code(), Code::kNotFound) << "nothing reached the bucket";
}

TEST_F(S3MediaStoreTest, a_5_mib_object_is_streamed_from_disk_and_read_back_in_ranges) {
  auto store = on_s3rver();
  const std::string bytes = random_bytes((5 << 20) + 17, 2);
  auto up = store->begin();
  ASSERT_TRUE(up);
  for (std::size_t i = 0; i < bytes.size(); i += 65536)
    ASSERT_TRUE((*up)->write(std::string_view(bytes).substr(i, 65536)).ok());
  auto id = (*up)->finish();
  ASSERT_TRUE(id) << id.status().message();
  EXPECT_EQ(*id, hex(sha256(bytes)));
  EXPECT_EQ(spooled(), 0u) << "the spool file goes once the object is stored";
  EXPECT_EQ(*store->size(*id), bytes.size());

  std::string back;
  for (std::uint64_t at = 0; at < bytes.size(); at += 1 << 20) {
    auto piece = store->read(*id, at, 1 << 20);
    ASSERT_TRUE(piece) << piece.status().message();
    back += *piece;
  }
  EXPECT_TRUE(back == bytes) << "the ranges put together are the object";
  EXPECT_EQ(*store->read(*id, 1'234'567, 3'000'000), bytes.substr(1'234'567, 3'000'000));
  EXPECT_EQ(*store->read(*id, 0, 1), bytes.substr(0, 1)) << "one byte is one byte";
  EXPECT_EQ(*store->read(*id, bytes.size() - 1, 100), bytes.substr(bytes.size() - 1));
  EXPECT_EQ(*store->read(*id, bytes.size(), 100), "");
  EXPECT_EQ(store->read(*id, bytes.size() + 1, 100).status().code(), Code::kInvalid);

  auto again = store->begin();  // the same bytes again: found by HEAD, stored once
  ASSERT_TRUE((*again)->write(bytes).ok());
  EXPECT_EQ(*(*again)->finish(), *id);
  EXPECT_EQ(spooled(), 0u);
}

TEST_F(S3MediaStoreTest, an_unreachable_store_is_unavailable_at_once_and_the_upload_can_finish_later) {
  SilentListener gone;
  const std::string url = gone.url();
  gone.close();  // nothing listens there now
  S3MediaStore store(options(url), clock_);
  const auto start = steady_clock::now();
  EXPECT_EQ(store.ensure_bucket().code(), Code::kUnavailable);
  auto up = store.begin();
  ASSERT_TRUE(up) << "uploads are spooled locally first";
  ASSERT_TRUE((*up)->write("some bytes").ok());
  auto id = (*up)->finish();
  EXPECT_EQ(id.status().code(), Code::kUnavailable);
  EXPECT_NE(id.status().message().find("connect"), std::string::npos) << id.status().message();
  const std::string some = hex(sha256("some bytes"));
  EXPECT_EQ(store.read(some, 0, 10).status().code(), Code::kUnavailable);
  EXPECT_EQ(store.size(some).status().code(), Code::kUnavailable);
  EXPECT_EQ(store.remove(some).code(), Code::kUnavailable);
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(spooled(), 1u) << "the spool file stays while the upload may still finish";
}

TEST_F(S3MediaStoreTest, a_store_that_never_answers_is_unavailable_after_the_timeout) {
  SilentListener silent;
  S3Options o = options(silent.url());
  o.timeout = std::chrono::milliseconds(300);
  S3MediaStore store(o, clock_);
  const auto start = steady_clock::now();
  auto n = store.size(hex(sha256("x")));
  EXPECT_EQ(n.status().code(), Code::kUnavailable);
  EXPECT_NE(n.status().message().find("no progress in 300 ms"), std::string::npos) << n.status().message();
  EXPECT_LT(steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(S3MediaStoreTest, a_malformed_id_never_reaches_the_network) {
  SilentListener listener;
  S3MediaStore store(options(listener.url()), clock_);
  for (std::string bad : {std::string("../../etc/passwd"), std::string(64, 'A'), std::string(63, 'a'),
                          std::string(62, 'a') + "/.", std::string(64, 'a') + "?x", std::string()}) {
    EXPECT_EQ(store.read(bad, 0, 10).status().code(), Code::kInvalid) << bad;
    EXPECT_EQ(store.size(bad).status().code(), Code::kInvalid) << bad;
    EXPECT_EQ(store.remove(bad).code(), Code::kInvalid) << bad;
  }
  EXPECT_FALSE(listener.connected_to()) << "no request was made";
}

TEST_F(S3MediaStoreTest, a_request_signed_with_the_wrong_secret_is_refused) {
  S3Options o = options(parley::testing::S3rver::shared().url());
  o.secret_key = "not-the-secret";
  S3MediaStore store(o, clock_);
  Status s = store.ensure_bucket();
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_NE(s.message().find("SignatureDoesNotMatch"), std::string::npos) << s.message();
}

TEST_F(S3MediaStoreTest, endpoints_other_than_plain_http_and_bad_bucket_names_are_refused_at_start) {
  for (std::string url : {"https://127.0.0.1:9000", "127.0.0.1:9000", "http://", "http://host:port"})
    EXPECT_THROW(S3MediaStore(options(url), clock_), std::invalid_argument) << url;
  S3Options o = options("http://127.0.0.1:9000");
  o.bucket = "Not_A_Bucket";
  EXPECT_THROW(S3MediaStore(o, clock_), std::invalid_argument);
}

}  // namespace
}  // namespace parley::media
