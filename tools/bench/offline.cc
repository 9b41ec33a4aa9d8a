// offline: one user sends N messages to an offline user (store), who then connects and
// syncs them all (drain). Loss, duplicates and order are checked by message identity.
#include <boost/asio/post.hpp>
#include <atomic>
#include <cmath>
#include <iostream>

#include "bench/cpu.h"
#include "bench/lean_frame.h"
#include "bench/report.h"
#include "bench/scenarios.h"
#include "bench/stats.h"

namespace parley::bench {

namespace asio = boost::asio;
namespace json = boost::json;

json::object run_offline(const Common& common, int count) {
  auto targets = make_targets(common);
  auto users = targets.make_users(2);
  Pool pool(1);  // sender and receiver on one io thread: `stream` has one thread
  Stream stream;
  std::atomic<std::int64_t> sent{0}, acked{0}, refused{0}, received{0};
  std::atomic<bool> synced{false};
  const std::int64_t window = 512;
  std::int64_t next = 0;
  std::shared_ptr<client::Connection> tx;
  auto pump = [&] {
    while (next < count && next - acked - refused < window) {
      auto n = next++;
      tx->send_text_to_user(users[1].user, "offline " + std::to_string(n), "o-" + std::to_string(n));
      sent++;
    }
  };
  client::Handlers th;
  th.on_ack = [&](const client::Ack& a) {
    if (stream.acked.mark(lean::number_after(a.id, '-'))) acked++;
    pump();
  };
  th.on_error = [&](const client::Error& e) {  // the library retries rate_limited and unavailable itself
    if (e.id.empty() || e.code == "rate_limited" || e.code == "unavailable") return;
    refused++;
    pump();
  };
  th.on_synced = [&](std::int64_t, bool) { synced = true; };
  tx = client::Connection::create(pool.at(0), conn_options(targets, users[0], 0, common), th);
  tx->start();
  wait_until([&] { return synced.load(); }, 30);

  CpuWindow store_cpu(targets), drain_cpu(targets), all_cpu(targets);
  all_cpu.start();
  store_cpu.start();
  double t0 = now_ms();
  asio::post(pool.at(0), pump);
  wait_until([&] { return acked + refused >= count; }, 300);
  double store_s = (now_ms() - t0) / 1000;
  store_cpu.stop();
  tx->stop();

  client::Handlers rh;
  rh.on_message = [&](const client::Message& m) {
    std::int64_t n = lean::number_after(m.id, '-');
    if (m.id.rfind("o-", 0) != 0 || n < 0) return;
    if (stream.receive(n, m.seq)) received++;
  };
  drain_cpu.start();
  double t1 = now_ms();
  auto rx = client::Connection::create(pool.at(0), conn_options(targets, users[1], 1, common), rh);
  rx->start();
  bool drained = wait_until([&] { return received >= acked; }, 120);
  double drain_s = (now_ms() - t1) / 1000;
  drain_cpu.stop();
  all_cpu.stop();
  rx->stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  pool.join();

  json::object r;
  r["scenario"] = "offline";
  r["count"] = count;
  r["store_s"] = round_to(store_s, 3);
  r["drain_s"] = round_to(drain_s, 3);
  if (drain_s > 0) r["delivered_per_s"] = std::round(static_cast<double>(stream.delivered) / drain_s);
  r["acked"] = stream.acked.count();
  r["refused"] = refused.load();
  r["delivered"] = stream.delivered;
  r["lost"] = stream.lost();
  r["duplicates"] = stream.duplicates;
  r["out_of_order"] = stream.out_of_order;
  r["drained"] = drained;
  all_cpu.report_per(r, "msg", static_cast<double>(stream.acked.count()));
  store_cpu.report_per(r, "msg_stored", static_cast<double>(stream.acked.count()));
  drain_cpu.report_per(r, "msg_drained", static_cast<double>(stream.delivered));
  std::cerr << "bench: offline " << count << ": stored in " << store_s << " s, drained in " << drain_s
            << " s; lost " << stream.lost() << ", duplicates " << stream.duplicates << ", out of order "
            << stream.out_of_order << "\n";
  return r;
}

}  // namespace parley::bench
