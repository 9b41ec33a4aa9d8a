// Threads that must never wait on a database: an io thread serves thousands of connections,
// and one store read there stalls them all. Such a thread marks itself (forbid_waiting);
// the store's read path (store/reader_pool.h) calls waited() and so counts every read made
// on one. The count is parley_io_thread_store_reads_total in /metrics, and the suite checks
// it stays 0 (tests/integration/no_wait_test.cc).
#pragma once

#include <atomic>
#include <cstdint>

namespace parley::no_wait {

inline thread_local bool forbidden = false;
inline std::atomic<std::uint64_t> violations{0};

inline void forbid_waiting() { forbidden = true; }
// True when the calling thread may not wait (the read is counted).
inline bool waited() {
  if (!forbidden) return false;
  violations.fetch_add(1, std::memory_order_relaxed);
  return true;
}

}  // namespace parley::no_wait
