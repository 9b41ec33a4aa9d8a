// The update stream (net/update_stream.h) without a socket: whatever the bus does (loses,
// repeats, reorders announcements) and whatever the output queue does (fills up), every
// device gets every pts of its log once, in order.
#include "net/update_stream.h"

#include <gtest/gtest.h>

#include <random>

namespace parley::net {
namespace {

// The user's log, in memory; it may fail reads on request.
struct Log : UpdateStream::Source {
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
  Result<std::vector<Update>> read_after(Pts after, int limit) override {
    ++reads;
    if (failing) return Status(Code::kUnavailable, "down");
    std::vector<Update> out;
    for (const auto& u : entries)
      if (u.pts > after && static_cast<int>(out.size()) < limit) out.push_back(u);
    return out;
  }
  Result<Pts> head() override { return head_pts(); }
  Result<Pts> tail() override { return entries.empty() ? head_pts() + 1 : entries.front().pts; }
};

// The device, as the frames written to its queue.
struct Device : UpdateStream::Sink {
  std::vector<Pts> got;  // every pts written, in order
  int live = 0, failures = 0;
  std::vector<std::tuple<Pts, Pts, bool>> synced;
  int room = 1 << 30;  // pages it takes before its queue is full

  void send_update(const Update& u) override { got.push_back(u.pts); }
  void send_live(const BusEvent& e) override {
    got.push_back(e.pts);
    ++live;
  }
  void send_synced(Pts pts, Pts head, bool truncated) override { synced.emplace_back(pts, head, truncated); }
  void sync_failed() override { ++failures; }
  bool has_room() override { return --room > 0; }
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

struct UpdateStreamTest : ::testing::Test {
  Log log;
  Device device;
  UpdateStream stream{log, device, 10};

  void pump_all() {
    while (stream.pump()) device.room = 1 << 30;  // the queue drains
  }
};

TEST_F(UpdateStreamTest, first_sync_reads_the_log_in_pages_then_answers_synced_and_goes_live) {
  for (int i = 0; i < 25; ++i) log.append();
  ASSERT_TRUE(stream.request(Pts(0), true));
  EXPECT_FALSE(stream.live());
  EXPECT_FALSE(stream.pump());
  EXPECT_EQ(device.got, one_to(25));
  EXPECT_EQ(log.reads, 3);  // 10 + 10 + 5
  ASSERT_EQ(device.synced.size(), 1u);
  EXPECT_EQ(device.synced[0], std::make_tuple(Pts(25), Pts(25), false));
  EXPECT_TRUE(stream.live());
}

TEST_F(UpdateStreamTest, live_updates_in_order_are_forwarded_without_reading_the_store) {
  ASSERT_TRUE(stream.request(Pts(0), true));
  EXPECT_FALSE(stream.pump());
  int reads = log.reads;
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(stream.on_live(event(log.append())));
  EXPECT_EQ(device.got, one_to(3));
  EXPECT_EQ(device.live, 3);
  EXPECT_EQ(log.reads, reads);
}

TEST_F(UpdateStreamTest, a_repeated_or_old_announcement_is_dropped) {
  ASSERT_TRUE(stream.request(Pts(0), false));
  EXPECT_FALSE(stream.pump());
  EXPECT_FALSE(stream.on_live(event(log.append())));
  EXPECT_FALSE(stream.on_live(event(1)));
  EXPECT_FALSE(stream.on_live(event(0)));
  EXPECT_EQ(device.got, one_to(1));
}

TEST_F(UpdateStreamTest, a_gap_catches_up_from_the_store_in_order) {
  ASSERT_TRUE(stream.request(Pts(0), false));
  EXPECT_FALSE(stream.pump());
  log.append();
  log.append();                         // pts 1 and 2: their announcements were lost
  ASSERT_TRUE(stream.on_live(event(log.append())));  // pts 3 does not follow 0
  EXPECT_TRUE(device.got.empty());     // not forwarded out of order
  EXPECT_FALSE(stream.pump());
  EXPECT_EQ(device.got, one_to(3));
  EXPECT_TRUE(device.synced.empty());  // nobody asked for `synced`
}

TEST_F(UpdateStreamTest, an_update_announced_during_a_sync_is_read_before_it_ends) {
  for (int i = 0; i < 10; ++i) log.append();
  ASSERT_TRUE(stream.request(Pts(0), true));
  device.room = 1;  // full after the first page
  EXPECT_TRUE(stream.pump());
  EXPECT_EQ(device.got, one_to(10));
  EXPECT_FALSE(stream.on_live(event(log.append())));  // during the sync: not forwarded, read later
  EXPECT_FALSE(stream.request(std::nullopt, false));  // a sync runs already
  device.room = 1 << 30;
  EXPECT_FALSE(stream.pump());
  EXPECT_EQ(device.got, one_to(11));
  EXPECT_EQ(device.live, 0);
  ASSERT_EQ(device.synced.size(), 1u);
  EXPECT_EQ(std::get<0>(device.synced[0]), 11);
}

TEST_F(UpdateStreamTest, back_pressure_pauses_after_a_full_page_and_resumes_where_it_stopped) {
  for (int i = 0; i < 35; ++i) log.append();
  ASSERT_TRUE(stream.request(Pts(0), true));
  int pauses = 0;
  for (;;) {
    device.room = 1;
    if (!stream.pump()) break;
    ++pauses;
  }
  EXPECT_EQ(pauses, 3);
  EXPECT_EQ(device.got, one_to(35));
}

TEST_F(UpdateStreamTest, the_clients_page_size_is_capped_by_the_servers) {
  for (int i = 0; i < 30; ++i) log.append();
  ASSERT_TRUE(stream.request(Pts(0), false, 5));
  EXPECT_FALSE(stream.pump());
  EXPECT_EQ(log.reads, 7);  // pages of 5, then an empty one
  UpdateStream big(log, device, 10);
  log.reads = 0;
  ASSERT_TRUE(big.request(Pts(0), false, 1000));
  EXPECT_FALSE(big.pump());
  EXPECT_EQ(log.reads, 4);  // pages of 10
}

TEST_F(UpdateStreamTest, a_failed_read_reports_and_a_later_sync_still_works) {
  for (int i = 0; i < 3; ++i) log.append();
  log.failing = true;
  ASSERT_TRUE(stream.request(Pts(0), true));
  EXPECT_FALSE(stream.pump());
  EXPECT_EQ(device.failures, 1);
  EXPECT_TRUE(device.synced.empty());
  log.failing = false;
  ASSERT_TRUE(stream.request(Pts(0), true));
  EXPECT_FALSE(stream.pump());
  EXPECT_EQ(device.got, one_to(3));
  EXPECT_EQ(device.synced.size(), 1u);
}

TEST_F(UpdateStreamTest, a_position_past_the_head_means_the_head_and_one_before_the_tail_is_truncated) {
  for (int i = 0; i < 5; ++i) log.append();
  ASSERT_TRUE(stream.request(Pts(99), true));
  EXPECT_FALSE(stream.pump());
  EXPECT_TRUE(device.got.empty());
  EXPECT_EQ(device.synced.back(), std::make_tuple(Pts(5), Pts(5), false));
  log.entries.erase(log.entries.begin(), log.entries.begin() + 3);  // pts 1-3 expired
  ASSERT_TRUE(stream.request(Pts(0), true));
  EXPECT_FALSE(stream.pump());
  EXPECT_EQ(device.got, (std::vector<Pts>{4, 5}));
  EXPECT_EQ(device.synced.back(), std::make_tuple(Pts(5), Pts(5), true));
}

TEST_F(UpdateStreamTest, announcements_before_the_first_sync_are_left_to_it) {
  EXPECT_FALSE(stream.on_live(event(log.append())));
  EXPECT_TRUE(device.got.empty());
  ASSERT_TRUE(stream.request(Pts(0), false));
  EXPECT_FALSE(stream.pump());
  EXPECT_EQ(device.got, one_to(1));
}

TEST_F(UpdateStreamTest, a_resync_event_reads_what_the_bus_may_have_lost) {
  ASSERT_TRUE(stream.request(Pts(0), false));
  EXPECT_FALSE(stream.pump());
  log.append();
  log.append();
  BusEvent resync;
  resync.kind = BusEvent::Kind::kResync;
  ASSERT_TRUE(stream.on_live(resync));
  EXPECT_FALSE(stream.pump());
  EXPECT_EQ(device.got, one_to(2));
}

// Random runs: appends, announcements lost, repeated and reordered, client syncs, a queue
// that fills up. At the end every pts arrived exactly once, in order.
TEST_F(UpdateStreamTest, whatever_the_bus_and_the_queue_do_every_pts_arrives_once_in_order) {
  for (unsigned seed = 1; seed <= 200; ++seed) {
    Log l;
    Device d;
    UpdateStream s(l, d, 4);
    std::mt19937 rng(seed);
    auto chance = [&](int percent) { return static_cast<int>(rng() % 100) < percent; };
    bool pumping = s.request(Pts(0), chance(50));
    std::vector<Pts> announced;
    for (int step = 0; step < 300; ++step) {
      if (chance(40)) {
        Pts p = l.append();
        if (!chance(20)) announced.push_back(p);  // 20 % of announcements are lost
      }
      if (!announced.empty() && chance(50)) {
        std::size_t i = chance(70) ? 0 : rng() % announced.size();  // mostly in order
        pumping |= s.on_live(event(announced[i]));
        if (!chance(10)) announced.erase(announced.begin() + static_cast<long>(i));  // 10 %: repeated later
      }
      if (chance(3)) pumping |= s.request(std::nullopt, true);
      if (pumping && chance(30)) {
        d.room = static_cast<int>(rng() % 3) + 1;
        pumping = s.pump();
      }
    }
    // The bus announces the last update (or a resync comes): the device catches up.
    BusEvent resync;
    resync.kind = BusEvent::Kind::kResync;
    pumping |= s.on_live(resync);
    while (pumping) {
      d.room = 1 << 30;
      pumping = s.pump();
    }
    ASSERT_EQ(d.got, one_to(l.head_pts())) << "seed " << seed;
  }
}

}  // namespace
}  // namespace parley::net
