// The update stream (net/update_stream.h) without a socket: whatever the bus does (loses,
// repeats, reorders announcements) and whatever the output queue does (fills up), every
// device gets every pts of its log once, in order.
#include "net/update_stream.h"

#include <gtest/gtest.h>

#include <random>

namespace parley::net {
namespace {

// The user's log, in memory; it may fail reads on request.
struct Log {
  std::vector<Update> entries;  // pts 1..n, or a suffix once older ones expired
  bool failing = false;
  int reads = 0;

  Pts append() {
    Update u;
    u.pts = head_pts() + 1;
    entries.push_back(u);
    return u.pts;
  }
  Pts head_pts() const { return entries.empty() ? 0 : entries.back().pts; }
  Result<UpdateStream::Page> read(const UpdateStream::Read& r) {
    ++reads;
    if (failing) return Status(Code::kUnavailable, "down");
    UpdateStream::Page page;
    for (const auto& u : entries)
      if (u.pts > r.after && static_cast<int>(page.updates.size()) < r.limit) page.updates.push_back(u);
    if (r.bounds) {
      page.head = head_pts();
      page.tail = entries.empty() ? head_pts() + 1 : entries.front().pts;
    }
    return page;
  }
};

// The device, as the frames written to its queue.
struct Device : UpdateStream::Sink {
  std::vector<Pts> got;  // every pts written, in order
  int live = 0, failures = 0;
  std::vector<std::tuple<Pts, Pts, bool>> synced;

  void send_update(const Update& u) override { got.push_back(u.pts); }
  void send_live(const BusEvent& e) override {
    got.push_back(e.pts);
    ++live;
  }
  void send_synced(Pts pts, Pts head, bool truncated) override { synced.emplace_back(pts, head, truncated); }
  void sync_failed() override { ++failures; }
};

BusEvent event(Pts pts) {
  BusEvent e;
  e.pts = pts;
  return e;
}

std::vector<Pts> one_to(Pts n) {
  std::vector<Pts> v;
  for (Pts p = 1; p <= n; ++p) v.push_back(p);
  return v;
}

// What the session does: read each page the stream asks for and hand it the answer.
void sync(UpdateStream& stream, Log& log) {
  while (auto read = stream.next()) stream.on_page(log.read(*read));
}

struct UpdateStreamTest : ::testing::Test {
  Log log;
  Device device;
  UpdateStream stream{device, 10};

  void sync() { parley::net::sync(stream, log); }
};

TEST_F(UpdateStreamTest, first_sync_reads_the_log_in_pages_then_answers_synced_and_goes_live) {
  for (int i = 0; i < 25; ++i) log.append();
  ASSERT_TRUE(stream.request(Pts(0), true));
  EXPECT_FALSE(stream.live());
  sync();
  EXPECT_EQ(device.got, one_to(25));
  EXPECT_EQ(log.reads, 3);  // 10 + 10 + 5
  ASSERT_EQ(device.synced.size(), 1u);
  EXPECT_EQ(device.synced[0], std::make_tuple(Pts(25), Pts(25), false));
  EXPECT_TRUE(stream.live());
}

TEST_F(UpdateStreamTest, live_updates_in_order_are_forwarded_without_reading_the_store) {
  ASSERT_TRUE(stream.request(Pts(0), true));
  sync();
  int reads = log.reads;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(stream.on_live(event(log.append())));
  EXPECT_EQ(device.got, one_to(3));
  EXPECT_EQ(device.live, 3);
  EXPECT_EQ(log.reads, reads);
}

TEST_F(UpdateStreamTest, a_repeated_or_old_announcement_is_dropped) {
  ASSERT_TRUE(stream.request(Pts(0), false));
  sync();
  EXPECT_FALSE(stream.on_live(event(log.append())));
  EXPECT_FALSE(stream.on_live(event(1)));
  EXPECT_FALSE(stream.on_live(event(0)));
  EXPECT_EQ(device.got, one_to(1));
}

TEST_F(UpdateStreamTest, a_gap_catches_up_from_the_store_in_order) {
  ASSERT_TRUE(stream.request(Pts(0), false));
  sync();
  log.append();
  log.append();                         // pts 1 and 2: their announcements were lost
  ASSERT_TRUE(stream.on_live(event(log.append())));  // pts 3 does not follow 0
  EXPECT_TRUE(device.got.empty());     // not forwarded out of order
  sync();
  EXPECT_EQ(device.got, one_to(3));
  EXPECT_TRUE(device.synced.empty());  // nobody asked for `synced`
}

TEST_F(UpdateStreamTest, an_update_announced_while_a_page_is_read_is_read_before_the_sync_ends) {
  for (int i = 0; i < 5; ++i) log.append();
  ASSERT_TRUE(stream.request(Pts(0), true));
  auto page = log.read(*stream.next());               // the page is read ...
  EXPECT_FALSE(stream.on_live(event(log.append())));  // ... while pts 6 is announced
  stream.on_page(page);
  EXPECT_EQ(device.got, one_to(5));
  EXPECT_FALSE(stream.live());  // not ended: the log is read once more
  sync();
  EXPECT_EQ(device.got, one_to(6));
  EXPECT_EQ(device.live, 0);
  ASSERT_EQ(device.synced.size(), 1u);
  EXPECT_EQ(device.synced[0], std::make_tuple(Pts(6), Pts(6), false));
}

TEST_F(UpdateStreamTest, a_client_sync_asked_while_a_page_is_read_starts_where_it_says_and_is_answered) {
  for (int i = 0; i < 25; ++i) log.append();
  ASSERT_TRUE(stream.request(std::nullopt, false));  // a gap seen live: from where it was
  auto read = stream.next();
  ASSERT_TRUE(read);
  EXPECT_FALSE(read->bounds);  // nobody waits for `synced` yet
  auto page = log.read(*read);
  EXPECT_FALSE(stream.request(Pts(20), true));        // a sync runs already: it reads again
  stream.on_page(page);
  EXPECT_EQ(device.got, one_to(10));
  read = stream.next();
  ASSERT_TRUE(read);
  EXPECT_EQ(read->after, 20);
  EXPECT_TRUE(read->bounds);
  stream.on_page(log.read(*read));
  sync();
  std::vector<Pts> want = one_to(10);
  for (Pts p = 21; p <= 25; ++p) want.push_back(p);
  EXPECT_EQ(device.got, want);
  ASSERT_EQ(device.synced.size(), 1u);
  EXPECT_EQ(device.synced[0], std::make_tuple(Pts(25), Pts(25), false));
}

TEST_F(UpdateStreamTest, the_clients_page_size_is_capped_by_the_servers) {
  for (int i = 0; i < 30; ++i) log.append();
  ASSERT_TRUE(stream.request(Pts(0), false, 5));
  sync();
  EXPECT_EQ(log.reads, 7);  // pages of 5, then an empty one
  UpdateStream big(device, 10);
  log.reads = 0;
  ASSERT_TRUE(big.request(Pts(0), false, 1000));
  parley::net::sync(big, log);
  EXPECT_EQ(log.reads, 4);  // pages of 10
}

TEST_F(UpdateStreamTest, a_failed_read_reports_and_a_later_sync_still_works) {
  for (int i = 0; i < 3; ++i) log.append();
  log.failing = true;
  ASSERT_TRUE(stream.request(Pts(0), true));
  sync();
  EXPECT_EQ(device.failures, 1);
  EXPECT_TRUE(device.synced.empty());
  log.failing = false;
  ASSERT_TRUE(stream.request(Pts(0), true));
  sync();
  EXPECT_EQ(device.got, one_to(3));
  EXPECT_EQ(device.synced.size(), 1u);
}

TEST_F(UpdateStreamTest, a_position_past_the_head_means_the_head_and_one_before_the_tail_is_truncated) {
  for (int i = 0; i < 5; ++i) log.append();
  ASSERT_TRUE(stream.request(Pts(99), true));
  sync();
  EXPECT_TRUE(device.got.empty());
  EXPECT_EQ(device.synced.back(), std::make_tuple(Pts(5), Pts(5), false));
  log.entries.erase(log.entries.begin(), log.entries.begin() + 3);  // pts 1-3 expired
  ASSERT_TRUE(stream.request(Pts(0), true));
  sync();
  EXPECT_EQ(device.got, (std::vector<Pts>{4, 5}));
  EXPECT_EQ(device.synced.back(), std::make_tuple(Pts(5), Pts(5), true));
}

TEST_F(UpdateStreamTest, announcements_before_the_first_sync_are_left_to_it) {
  EXPECT_FALSE(stream.on_live(event(log.append())));
  EXPECT_TRUE(device.got.empty());
  ASSERT_TRUE(stream.request(Pts(0), false));
  sync();
  EXPECT_EQ(device.got, one_to(1));
}

TEST_F(UpdateStreamTest, a_resync_event_reads_what_the_bus_may_have_lost) {
  ASSERT_TRUE(stream.request(Pts(0), false));
  sync();
  log.append();
  log.append();
  BusEvent resync;
  resync.kind = BusEvent::Kind::kResync;
  ASSERT_TRUE(stream.on_live(resync));
  sync();
  EXPECT_EQ(device.got, one_to(2));
}

// Random runs: appends, announcements lost, repeated and reordered, client syncs, pages
// answered some steps after they were read (as from the query pool). At the end every pts
// arrived exactly once, in order.
TEST_F(UpdateStreamTest, whatever_the_bus_and_the_store_reads_do_every_pts_arrives_once_in_order) {
  for (unsigned seed = 1; seed <= 200; ++seed) {
    Log l;
    Device d;
    UpdateStream s(d, 4);
    std::mt19937 rng(seed);
    auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
    bool syncing = s.request(Pts(0), chance(50));
    std::optional<Result<UpdateStream::Page>> answer;  // a page read, not yet handed back
    std::vector<Pts> announced;
    for (int step = 0; step < 300; ++step) {
      if (chance(40)) {
        Pts p = l.append();
        if (!chance(20)) announced.push_back(p);  // 20 % of announcements are lost
      }
      if (!announced.empty() && chance(50)) {
        std::size_t i = chance(70) ? 0 : rng() % announced.size();  // mostly in order
        syncing |= s.on_live(event(announced[i]));
        if (!chance(10)) announced.erase(announced.begin() + static_cast<long>(i));  // 10 %: repeated later
      }
      if (chance(3)) syncing |= s.request(std::nullopt, true);
      if (answer && chance(40)) {
        s.on_page(*answer);
        answer.reset();
      } else if (syncing && !answer && chance(40)) {
        if (auto read = s.next()) answer = l.read(*read);
        else syncing = false;
      }
    }
    // The bus announces the last update (or a resync comes): the device catches up.
    if (answer) s.on_page(*answer);
    BusEvent resync;
    resync.kind = BusEvent::Kind::kResync;
    (void)s.on_live(resync);
    parley::net::sync(s, l);
    ASSERT_EQ(d.got, one_to(l.head_pts())) << "seed " << seed;
    ASSERT_TRUE(s.live()) << "seed " << seed;
  }
}

}  // namespace
}  // namespace parley::net
