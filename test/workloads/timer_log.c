// timer_log OUT: waits for 20 ticks of a 1 ms timerfd and logs each tick's 8-byte expiration count
// to OUT, and the number of a SIGUSR1 it sends itself read from a signalfd: events, not payload.
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: timer_log OUT\n"); return 2; }
  int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
  if (out < 0 || timer < 0) { perror("open/timerfd_create"); return 1; }
  struct itimerspec every_ms = { .it_interval = { 0, 1000000 }, .it_value = { 0, 1000000 } };
  timerfd_settime(timer, 0, &every_ms, NULL);
  for (int tick = 0; tick < 20; tick++) {
    uint64_t expirations;
    if (read(timer, &expirations, sizeof expirations) != sizeof expirations) { perror("read"); return 1; }
    if (write(out, &expirations, sizeof expirations) != sizeof expirations) { perror("write"); return 1; }
  }
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  int signals = signalfd(-1, &usr1, SFD_CLOEXEC);
  kill(getpid(), SIGUSR1);
  struct signalfd_siginfo info;
  if (read(signals, &info, sizeof info) != sizeof info) { perror("read signalfd"); return 1; }
  if (write(out, &info.ssi_signo, sizeof info.ssi_signo) != sizeof info.ssi_signo) { perror("write"); return 1; }
  return 0;
}
