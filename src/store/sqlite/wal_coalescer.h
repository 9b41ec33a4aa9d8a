// A SQLite VFS that hands each commit's WAL frames to the kernel in one write. SQLite writes
// a commit as two `pwrite`s per page (frame header, then page) and one `fdatasync`; at
// 5,000 msg/s the writer's commits of ~15 writes dirty ~50 pages each, and those 100 system
// calls per commit were 28 % of the writer's time (`perf`, the writer thread). Through this
// VFS the frames of a WAL are gathered in memory and written at the first sync, read,
// truncate, size query or file control, whichever comes first, so SQLite never sees a
// difference: a commit is visible to readers only after its sync, and its frames are in
// the file by then.
//
// Only for connections whose every database runs `synchronous=FULL` (each commit syncs its
// WAL): with NORMAL a commit ends without a sync, and its frames would stay here, unseen by
// readers. The writer's connection is the only user. Registered with SQLite once per process
// (SQLite's VFS list is global); the underlying VFS is the default one.
#pragma once

namespace parley::sqlite {

// The registered VFS's name, for sqlite3_open_v2.
const char* wal_coalescing_vfs();

}  // namespace parley::sqlite
