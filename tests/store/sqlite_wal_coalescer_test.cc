// The VFS that gathers a commit's WAL frames into one write (store/sqlite/wal_coalescer.h):
// what another connection sees, transactions larger than one write of the unix VFS, frames
// spilled before the commit, rolled back or rewritten, and the file after a reopen.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "store/sqlite/db.h"
#include "store/sqlite/wal_coalescer.h"

namespace parley {
namespace {

using sqlite::Db;

class SqliteWalCoalescer : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("parley-walco-" + std::to_string(getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
    writer_ = std::make_unique<Db>(path_, false, sqlite::wal_coalescing_vfs());
    writer_->exec("PRAGMA journal_mode=WAL");
    writer_->exec("PRAGMA synchronous=FULL");
    writer_->exec("PRAGMA wal_autocheckpoint=0");
    writer_->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
    reader_ = std::make_unique<Db>(path_, true);  // the default VFS, as parleyd's readers
  }
  void TearDown() override {
    reader_.reset();
    writer_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Inserts `rows` rows of `bytes` random bytes each (random: no page compresses or repeats).
  void insert(Db& db, int rows, int bytes) {
    for (int i = 0; i < rows; ++i)
      db.prepare("INSERT INTO t (body) VALUES (randomblob(?))").bind(1, std::int64_t{bytes}).exec();
  }
  static std::int64_t total(Db& db) {
    auto& q = db.prepare("SELECT count(*) * 1000000000 + coalesce(sum(length(body)), 0) FROM t");
    std::int64_t v = q.step() ? q.i64(0) : -1;
    db.reset_all();  // ends the read transaction: the next look sees later commits
    return v;
  }
  static std::int64_t expect(std::int64_t rows, std::int64_t bytes) { return rows * 1000000000 + rows * bytes; }
  static std::string integrity(Db& db) {
    auto& q = db.prepare("PRAGMA integrity_check");
    std::string v = q.step() ? q.text(0) : "";
    db.reset_all();
    return v;
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<Db> writer_;
  std::unique_ptr<Db> reader_;
};

TEST_F(SqliteWalCoalescer, each_commit_is_seen_by_another_connection_as_soon_as_it_returns) {
  for (int i = 1; i <= 300; ++i) {
    writer_->exec("BEGIN");
    insert(*writer_, 1 + i % 7, 100 + 37 * i);  // 1 to 7 rows, up to ~11 KB: one to many frames
    writer_->exec("COMMIT");
    auto& q = reader_->prepare("SELECT count(*) FROM t");
    ASSERT_TRUE(q.step());
    std::int64_t want = 0;
    for (int j = 1; j <= i; ++j) want += 1 + j % 7;
    ASSERT_EQ(q.i64(0), want) << "commit " << i;
    reader_->reset_all();
  }
}

// The unix VFS writes at most 128 KiB - 1 bytes per call and calls a longer write's remainder
// a full disk: a commit of several MiB (and one past the 8 MiB at which frames are written
// before the commit) must go in pieces.
TEST_F(SqliteWalCoalescer, a_transaction_of_megabytes_commits_whole) {
  for (int rows : {40, 400, 2600}) {  // ~160 KiB, ~1.6 MiB, ~10 MiB of frames
    writer_->exec("DELETE FROM t");
    writer_->exec("BEGIN");
    insert(*writer_, rows, 3900);
    ASSERT_NO_THROW(writer_->exec("COMMIT")) << rows << " rows";
    EXPECT_EQ(total(*reader_), expect(rows, 3900)) << rows << " rows";
  }
  EXPECT_EQ(integrity(*reader_), "ok");
}

// A transaction larger than the page cache writes frames before its commit; rolled back, they
// must leave nothing a reader or a later commit sees.
TEST_F(SqliteWalCoalescer, frames_spilled_before_a_rollback_leave_no_trace) {
  writer_->exec("PRAGMA cache_size=20");
  writer_->exec("BEGIN");
  insert(*writer_, 5, 1000);
  writer_->exec("COMMIT");
  writer_->exec("BEGIN");
  insert(*writer_, 500, 3000);  // ~1.5 MiB through a 20-page cache
  writer_->exec("ROLLBACK");
  writer_->exec("BEGIN");
  insert(*writer_, 3, 500);
  writer_->exec("COMMIT");
  EXPECT_EQ(total(*reader_), expect(5, 1000) + expect(3, 500));
  EXPECT_EQ(integrity(*reader_), "ok");
}

// Pages spilled early and then changed again in the same transaction are written a second
// time, in place, over frames already handed to the file or still gathered here.
TEST_F(SqliteWalCoalescer, pages_written_twice_in_one_transaction_read_back_as_last_written) {
  writer_->exec("PRAGMA cache_size=20");
  writer_->exec("BEGIN");
  insert(*writer_, 300, 2000);
  writer_->exec("UPDATE t SET body = zeroblob(1500) WHERE id % 3 = 0");
  insert(*writer_, 50, 2000);
  writer_->exec("UPDATE t SET body = zeroblob(10) WHERE id % 5 = 0");
  writer_->exec("COMMIT");
  auto& q = reader_->prepare("SELECT sum(length(body)), sum(id % 5 = 0 AND length(body) = 10) FROM t");
  ASSERT_TRUE(q.step());
  std::int64_t want = 0;
  for (int id = 1; id <= 350; ++id) want += id % 5 == 0 ? 10 : (id % 3 == 0 && id <= 300 ? 1500 : 2000);
  EXPECT_EQ(q.i64(0), want);
  EXPECT_EQ(q.i64(1), 70);
  reader_->reset_all();
  EXPECT_EQ(integrity(*reader_), "ok");
}

// Closing hands the last frames over; the database reopened through the default VFS, after a
// checkpoint or from the WAL alone, holds every commit.
TEST_F(SqliteWalCoalescer, the_database_reopened_without_it_holds_every_commit) {
  for (int i = 0; i < 50; ++i) {
    writer_->exec("BEGIN");
    insert(*writer_, 4, 1200);
    writer_->exec("COMMIT");
  }
  writer_->exec("PRAGMA wal_checkpoint(RESTART)");
  for (int i = 0; i < 20; ++i) {
    writer_->exec("BEGIN");
    insert(*writer_, 4, 1200);
    writer_->exec("COMMIT");
  }
  reader_.reset();
  writer_.reset();
  Db again(path_, false);
  EXPECT_EQ(total(again), expect(280, 1200));
  EXPECT_EQ(integrity(again), "ok");
}

}  // namespace
}  // namespace parley
