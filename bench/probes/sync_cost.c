// What a commit's write and fdatasync cost the committing process on this disk, outside parleyd
// (bench/results/README.md, sixth sitting): PAGES pages of 4 KiB written in pieces of 124 KiB (as
// the writer's WAL shim does), then fdatasync, RATE times a second for SECONDS, into FILE.
//   cc -O2 -o /tmp/sync_cost bench/probes/sync_cost.c && /tmp/sync_cost PAGES RATE SECONDS FILE
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static double seconds(struct timeval a, struct timeval b) { return (b.tv_sec - a.tv_sec) + (b.tv_usec - a.tv_usec) / 1e6; }

int main(int argc, char** argv) {
  if (argc != 5) return fprintf(stderr, "usage: sync_cost PAGES RATE SECONDS FILE\n"), 2;
  const int pages = atoi(argv[1]), rate = atoi(argv[2]), n = rate * atoi(argv[3]);
  const size_t len = (size_t)pages * 4096, piece = 124 * 1024;
  int fd = open(argv[4], O_RDWR | O_CREAT | O_TRUNC, 0644);
  char* buf = malloc(len);
  if (fd < 0 || !buf) return perror("sync_cost"), 1;
  memset(buf, 7, len);
  off_t off = 0;
  int over1 = 0, over2 = 0;
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  const double t0 = now();
  for (int i = 0; i < n; i++) {
    const double wait = t0 + (double)i / rate - now();
    if (wait > 0) usleep((useconds_t)(wait * 1e6));
    const double a = now();
    for (size_t p = 0; p < len; p += piece) pwrite(fd, buf + p, len - p < piece ? len - p : piece, off + (off_t)p);
    off = off + (off_t)len > (64L << 20) ? 0 : off + (off_t)len;  // a WAL restarted at 64 MiB
    fdatasync(fd);
    const double took = now() - a;
    over1 += took > 0.001;
    over2 += took > 0.002;
  }
  getrusage(RUSAGE_SELF, &r1);
  printf("%d pages, %d/s: user %.1f µs, system %.1f µs per commit; over 1 ms %.1f %%, over 2 ms %.1f %%\n", pages, rate,
         seconds(r0.ru_utime, r1.ru_utime) / n * 1e6, seconds(r0.ru_stime, r1.ru_stime) / n * 1e6, 100.0 * over1 / n,
         100.0 * over2 / n);
  close(fd);
  unlink(argv[4]);
  return 0;
}
