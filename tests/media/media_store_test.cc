// The MediaStore contract (media/media_store.h), on every adapter: the filesystem (.../fs)
// and the S3-compatible store on a real s3rver (.../s3, tests/support/s3rver.h). Bytes
// round-trip exactly, written in pieces; the same bytes are stored once; ranges read what
// they say; an unfinished upload leaves nothing; an id is never a path.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <random>
#include <stdexcept>

#include "core/clock.h"
#include "core/encoding.h"
#include "media/fs/fs_media_store.h"
#include "media/s3/s3_media_store.h"
#include "support/s3rver.h"

namespace parley::media {
namespace {

namespace fs = std::filesystem;

struct Adapter {
  std::string name;
  std::function<std::unique_ptr<MediaStore>(const fs::path&)> make;
};
// ctest's test names show the parameter: its name, not its bytes.
void PrintTo(const Adapter& a, std::ostream* os) { *os << a.name; }

class MediaStoreContract : public ::testing::TestWithParam<Adapter> {
 protected:
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();  // "test/fs"
    std::replace(name.begin(), name.end(), '/', '-');  // one directory, all of it removed after
    dir_ = fs::temp_directory_path() / ("parley-media-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir_);
    store_ = GetParam().make(dir_);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  // Uploads `bytes` in pieces of `piece` bytes; the id.
  std::string put(const std::string& bytes, std::size_t piece = 4096) {
    auto up = store_->begin();
    EXPECT_TRUE(up) << up.status().message();
    for (std::size_t i = 0; i < bytes.size(); i += piece) EXPECT_TRUE((*up)->write(std::string_view(bytes).substr(i, piece)).ok());
    EXPECT_EQ((*up)->size(), bytes.size());
    auto id = (*up)->finish();
    EXPECT_TRUE(id) << id.status().message();
    return id ? *id : std::string();
  }
  std::size_t files_under(const fs::path& p) {
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(p))
      if (e.is_regular_file()) ++n;
    return n;
  }

  fs::path dir_;
  std::unique_ptr<MediaStore> store_;
};

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

TEST_P(MediaStoreContract, bytes_written_in_pieces_come_back_exactly_under_their_sha256) {
  const std::string bytes = random_bytes(1'000'003, 1);  // not a multiple of the piece size
  std::string id = put(bytes, 65536);
  EXPECT_EQ(id, hex(sha256(bytes)));
  EXPECT_TRUE(valid_id(id));
  EXPECT_EQ(*store_->size(id), bytes.size());
  EXPECT_EQ(*store_->read(id, 0, bytes.size()), bytes);
  EXPECT_EQ(put(""), hex(sha256(""))) << "an empty object is an object";
}

TEST_P(MediaStoreContract, the_same_bytes_uploaded_twice_are_stored_once) {
  const std::string bytes = random_bytes(10'000, 2);
  std::string a = put(bytes, 100), b = put(bytes, 7);
  EXPECT_EQ(a, b);
  // fs: the object's one file; s3: nothing local (the object is in the bucket).
  EXPECT_EQ(files_under(dir_), GetParam().name == "fs" ? 1u : 0u) << "no upload left over";
}

TEST_P(MediaStoreContract, ranges_read_what_they_say_and_stop_at_the_end) {
  const std::string bytes = random_bytes(5000, 3);
  std::string id = put(bytes);
  EXPECT_EQ(*store_->read(id, 100, 50), bytes.substr(100, 50));
  EXPECT_EQ(*store_->read(id, 4990, 100), bytes.substr(4990)) << "fewer bytes at the end";
  EXPECT_EQ(*store_->read(id, 5000, 10), "") << "at the end: nothing";
  EXPECT_EQ(store_->read(id, 5001, 10).status().code(), Code::kInvalid);
}

TEST_P(MediaStoreContract, an_unfinished_upload_leaves_nothing_behind) {
  {
    auto up = store_->begin();
    ASSERT_TRUE(up);
    ASSERT_TRUE((*up)->write(random_bytes(100'000, 4)).ok());
  }  // dropped without finish()
  EXPECT_EQ(files_under(dir_), 0u);
  EXPECT_EQ(store_->size(hex(sha256(random_bytes(100'000, 4)))).status().code(), Code::kNotFound);
}

TEST_P(MediaStoreContract, unknown_ids_are_not_found_and_malformed_ones_never_reach_a_path) {
  EXPECT_EQ(store_->read(std::string(64, 'a'), 0, 10).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->size(std::string(64, 'a')).status().code(), Code::kNotFound);
  for (std::string bad : {std::string("../../etc/passwd"), std::string(64, 'A'), std::string(63, 'a'),
                          std::string(62, 'a') + "/.", std::string()}) {
    EXPECT_EQ(store_->read(bad, 0, 10).status().code(), Code::kInvalid) << bad;
    EXPECT_EQ(store_->remove(bad).code(), Code::kInvalid) << bad;
  }
}

TEST_P(MediaStoreContract, a_removed_object_is_gone_and_can_be_stored_again) {
  const std::string bytes = random_bytes(1000, 5);
  std::string id = put(bytes);
  ASSERT_TRUE(store_->remove(id).ok());
  EXPECT_EQ(store_->read(id, 0, 10).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->remove(id).code(), Code::kNotFound);
  EXPECT_EQ(put(bytes), id);
  EXPECT_EQ(*store_->read(id, 0, bytes.size()), bytes);
}

TEST_P(MediaStoreContract, uploads_a_crash_cut_short_are_dropped_when_the_store_opens) {
  auto up = store_->begin();
  ASSERT_TRUE(up);
  ASSERT_TRUE((*up)->write("half an upload").ok());
  EXPECT_EQ(files_under(dir_ / "uploads"), 1u);
  auto reopened = GetParam().make(dir_);  // as after a crash: the upload's file is still there
  EXPECT_EQ(files_under(dir_ / "uploads"), 0u);
}

// A bucket per test on the shared s3rver, named from the test's directory so that a reopened
// store finds it; uploads are spooled under <root>/uploads, where fs keeps its own.
std::unique_ptr<MediaStore> make_s3(const fs::path& root) {
  static SystemClock clock;
  const auto& server = parley::testing::S3rver::shared();
  S3Options o;
  o.endpoint = server.url();
  o.bucket = "t-" + hex(sha256(root.string())).substr(0, 16);  // one per test, the same when reopened
  o.access_key = parley::testing::S3rver::kAccessKey;
  o.secret_key = parley::testing::S3rver::kSecretKey;
  o.spool_dir = (root / "uploads").string();
  auto store = std::make_unique<S3MediaStore>(o, clock);
  if (Status s = store->ensure_bucket(); !s.ok()) throw std::runtime_error(s.message());
  return store;
}

INSTANTIATE_TEST_SUITE_P(Adapters, MediaStoreContract,
                         ::testing::Values(Adapter{"fs", [](const fs::path& root) {
                           return std::unique_ptr<MediaStore>(std::make_unique<FsMediaStore>(root));
                         }},
                                           Adapter{"s3", make_s3}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace parley::media
