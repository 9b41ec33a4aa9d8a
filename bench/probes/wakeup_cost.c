// What a wake-up costs on this machine (bench/results/README.md, seventh sitting): two threads
// ping-pong over eventfds N times, GAP µs of sleep between rounds, so each round trip wakes the
// sleeper, the peer and the sleeper again (three wake-ups). Prints the CPU of both threads
// (the process's rusage) and the latency per round trip.
//   cc -O2 -pthread -o /tmp/wakeup_cost bench/probes/wakeup_cost.c && /tmp/wakeup_cost N GAP
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static int ping, pong, rounds;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static double seconds(struct timeval t) { return t.tv_sec + t.tv_usec / 1e6; }

static void* peer(void* unused) {
  (void)unused;
  uint64_t v;
  for (int i = 0; i < rounds; i++) {
    if (read(ping, &v, 8) != 8 || write(pong, &v, 8) != 8) break;
  }
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 3) return fprintf(stderr, "usage: wakeup_cost N GAP\n"), 2;
  rounds = atoi(argv[1]);
  const int gap = atoi(argv[2]);
  ping = eventfd(0, 0);
  pong = eventfd(0, 0);
  pthread_t t;
  pthread_create(&t, NULL, peer, NULL);
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  double waited = 0;
  for (int i = 0; i < rounds; i++) {
    if (gap) usleep((useconds_t)gap);
    const double a = now();
    uint64_t v = 1;
    if (write(ping, &v, 8) != 8 || read(pong, &v, 8) != 8) return perror("wakeup_cost"), 1;
    waited += now() - a;
  }
  getrusage(RUSAGE_SELF, &r1);
  pthread_join(t, NULL);
  const double cpu = seconds(r1.ru_utime) - seconds(r0.ru_utime) + seconds(r1.ru_stime) - seconds(r0.ru_stime);
  printf("gap %d µs: %.1f µs CPU per round trip, latency %.1f µs\n", gap, cpu / rounds * 1e6, waited / rounds * 1e6);
  return 0;
}
