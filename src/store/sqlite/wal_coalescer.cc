#include "store/sqlite/wal_coalescer.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>

#include "store/sqlite/db.h"

namespace parley::sqlite {

namespace {

constexpr char kName[] = "parley-wal";
constexpr std::size_t kFlushBytes = 8 << 20;  // a bigger transaction writes in 8 MiB pieces

// Frames written since the last flush: one contiguous run of the file.
struct Pending {
  std::string bytes;
  sqlite3_int64 start = 0;
  sqlite3_int64 end() const { return start + static_cast<sqlite3_int64>(bytes.size()); }
};

// What SQLite allocates for each open file (szOsFile): ours, then the real VFS's file.
struct File {
  sqlite3_file base;
  sqlite3_file* real;
  Pending* pending;  // only for a WAL
};

sqlite3_vfs* real_vfs(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }
File* as_file(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
sqlite3_file* real_of(sqlite3_file* f) { return as_file(f)->real; }

// The unix VFS writes at most 128 KiB - 1 bytes per call (it masks larger sizes and then
// reports a short write as a full disk), so a flush goes in pieces that end on 4 KiB
// boundaries of the file.
constexpr sqlite3_int64 kPieceBytes = (128 << 10) - 4096;

int flush(File* f) {
  if (!f->pending || f->pending->bytes.empty()) return SQLITE_OK;
  Pending& p = *f->pending;
  int rc = SQLITE_OK;
  for (sqlite3_int64 at = p.start; at < p.end() && rc == SQLITE_OK;) {
    sqlite3_int64 to = std::min(p.end(), (at + kPieceBytes) / 4096 * 4096);
    rc = f->real->pMethods->xWrite(f->real, p.bytes.data() + (at - p.start), static_cast<int>(to - at), at);
    at = to;
  }
  p.bytes.clear();
  return rc;
}

int f_close(sqlite3_file* file) {
  File* f = as_file(file);
  int rc = flush(f);
  int closed = f->real->pMethods->xClose(f->real);
  delete f->pending;
  f->pending = nullptr;
  return rc != SQLITE_OK ? rc : closed;
}

int f_read(sqlite3_file* file, void* buf, int n, sqlite3_int64 off) {
  File* f = as_file(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xRead(f->real, buf, n, off);
}

int f_write(sqlite3_file* file, const void* buf, int n, sqlite3_int64 off) {
  File* f = as_file(file);
  if (!f->pending) return f->real->pMethods->xWrite(f->real, buf, n, off);
  Pending& p = *f->pending;
  const char* bytes = static_cast<const char*>(buf);
  if (!p.bytes.empty() && off >= p.start && off + n <= p.end()) {  // a frame rewritten in place
    std::memcpy(p.bytes.data() + (off - p.start), bytes, static_cast<std::size_t>(n));
    return SQLITE_OK;
  }
  if (!p.bytes.empty() && off != p.end()) {
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
  }
  if (p.bytes.empty()) p.start = off;
  p.bytes.append(bytes, static_cast<std::size_t>(n));
  return p.bytes.size() >= kFlushBytes ? flush(f) : SQLITE_OK;
}

int f_truncate(sqlite3_file* file, sqlite3_int64 size) {
  File* f = as_file(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xTruncate(f->real, size);
}

int f_sync(sqlite3_file* file, int flags) {
  File* f = as_file(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xSync(f->real, flags);
}

int f_file_size(sqlite3_file* file, sqlite3_int64* size) {
  File* f = as_file(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xFileSize(f->real, size);
}

int f_lock(sqlite3_file* file, int level) { return real_of(file)->pMethods->xLock(real_of(file), level); }
int f_unlock(sqlite3_file* file, int level) { return real_of(file)->pMethods->xUnlock(real_of(file), level); }
int f_check_reserved(sqlite3_file* file, int* out) {
  return real_of(file)->pMethods->xCheckReservedLock(real_of(file), out);
}

int f_file_control(sqlite3_file* file, int op, void* arg) {
  File* f = as_file(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xFileControl(f->real, op, arg);
}

int f_sector_size(sqlite3_file* file) { return real_of(file)->pMethods->xSectorSize(real_of(file)); }
int f_device(sqlite3_file* file) { return real_of(file)->pMethods->xDeviceCharacteristics(real_of(file)); }

int f_shm_map(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
  return real_of(file)->pMethods->xShmMap(real_of(file), page, size, extend, out);
}
int f_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  return real_of(file)->pMethods->xShmLock(real_of(file), offset, n, flags);
}
void f_shm_barrier(sqlite3_file* file) { real_of(file)->pMethods->xShmBarrier(real_of(file)); }
int f_shm_unmap(sqlite3_file* file, int delete_flag) {
  return real_of(file)->pMethods->xShmUnmap(real_of(file), delete_flag);
}
int f_fetch(sqlite3_file* file, sqlite3_int64 off, int n, void** out) {
  File* f = as_file(file);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xFetch(f->real, off, n, out);
}
int f_unfetch(sqlite3_file* file, sqlite3_int64 off, void* p) {
  return real_of(file)->pMethods->xUnfetch(real_of(file), off, p);
}

const sqlite3_io_methods kMethods = {
    3,           f_close,   f_read,        f_write,        f_truncate,    f_sync,        f_file_size,
    f_lock,      f_unlock,  f_check_reserved, f_file_control, f_sector_size, f_device, f_shm_map,
    f_shm_lock,  f_shm_barrier, f_shm_unmap, f_fetch,      f_unfetch,
};

int v_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  File* f = as_file(file);
  f->base.pMethods = nullptr;
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->pending = nullptr;
  int rc = real_vfs(vfs)->xOpen(real_vfs(vfs), name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    if (f->real->pMethods) f->real->pMethods->xClose(f->real);
    return rc;
  }
  if ((flags & SQLITE_OPEN_WAL) && f->real->pMethods->iVersion >= 3) {
    f->pending = new (std::nothrow) Pending;
    if (!f->pending) {
      f->real->pMethods->xClose(f->real);
      return SQLITE_NOMEM;
    }
  }
  f->base.pMethods = &kMethods;
  return SQLITE_OK;
}

// Everything but opening a file is the real VFS's.
int v_delete(sqlite3_vfs* v, const char* n, int sync) { return real_vfs(v)->xDelete(real_vfs(v), n, sync); }
int v_access(sqlite3_vfs* v, const char* n, int flags, int* out) {
  return real_vfs(v)->xAccess(real_vfs(v), n, flags, out);
}
int v_full_pathname(sqlite3_vfs* v, const char* n, int size, char* out) {
  return real_vfs(v)->xFullPathname(real_vfs(v), n, size, out);
}
void* v_dl_open(sqlite3_vfs* v, const char* n) { return real_vfs(v)->xDlOpen(real_vfs(v), n); }
void v_dl_error(sqlite3_vfs* v, int n, char* out) { real_vfs(v)->xDlError(real_vfs(v), n, out); }
void (*v_dl_sym(sqlite3_vfs* v, void* h, const char* s))(void) { return real_vfs(v)->xDlSym(real_vfs(v), h, s); }
void v_dl_close(sqlite3_vfs* v, void* h) { real_vfs(v)->xDlClose(real_vfs(v), h); }
int v_randomness(sqlite3_vfs* v, int n, char* out) { return real_vfs(v)->xRandomness(real_vfs(v), n, out); }
int v_sleep(sqlite3_vfs* v, int us) { return real_vfs(v)->xSleep(real_vfs(v), us); }
int v_current_time(sqlite3_vfs* v, double* out) { return real_vfs(v)->xCurrentTime(real_vfs(v), out); }
int v_last_error(sqlite3_vfs* v, int n, char* out) {
  return real_vfs(v)->xGetLastError ? real_vfs(v)->xGetLastError(real_vfs(v), n, out) : 0;
}
int v_current_time64(sqlite3_vfs* v, sqlite3_int64* out) {
  return real_vfs(v)->xCurrentTimeInt64(real_vfs(v), out);
}

}  // namespace

const char* wal_coalescing_vfs() {
  static std::once_flag once;
  static sqlite3_vfs vfs;
  std::call_once(once, [] {
    configure_process();  // finding the default VFS initialises SQLite
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    if (!real || real->iVersion < 2) throw std::runtime_error("sqlite: no default VFS to wrap");
    vfs = sqlite3_vfs{};
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(File)) + real->szOsFile;
    vfs.mxPathname = real->mxPathname;
    vfs.zName = kName;
    vfs.pAppData = real;
    vfs.xOpen = v_open;
    vfs.xDelete = v_delete;
    vfs.xAccess = v_access;
    vfs.xFullPathname = v_full_pathname;
    vfs.xDlOpen = v_dl_open;
    vfs.xDlError = v_dl_error;
    vfs.xDlSym = v_dl_sym;
    vfs.xDlClose = v_dl_close;
    vfs.xRandomness = v_randomness;
    vfs.xSleep = v_sleep;
    vfs.xCurrentTime = v_current_time;
    vfs.xGetLastError = v_last_error;
    vfs.xCurrentTimeInt64 = v_current_time64;
    if (int rc = sqlite3_vfs_register(&vfs, 0); rc != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite: registering the WAL VFS: ") + sqlite3_errstr(rc));
  });
  return kName;
}

}  // namespace parley::sqlite
