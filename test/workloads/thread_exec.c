// A thread that is not its process's leader calls execve: writes a line to LOG with writev, then a
// second thread runs `cat SRC` (to this program's stdout). The kernel gives the new program the
// leader's pid, and strace says so: `+++ superseded by execve in pid N +++` on the leader, then
// `<... execve resumed>` under the leader's pid for the thread's call (with -ff, the thread's part
// ends with `execve(...) <pid changed to LEADER ...>`).
// Usage: thread_exec LOG SRC
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *src;

static void *run_cat(void *unused) {
  (void)unused;
  char *argv[] = {"/bin/cat", (char *)src, NULL};
  execv(argv[0], argv);
  perror("execv");
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: thread_exec LOG SRC\n");
    return 2;
  }
  src = argv[2];
  int log = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (log < 0) {
    perror("open");
    return 1;
  }
  struct iovec line[3] = {{"starting ", 9}, {"cat ", 4}, {"on a thread\n", 12}};
  if (writev(log, line, 3) != 25) {
    perror("writev");
    return 1;
  }
  close(log);
  pthread_t thread;
  if (pthread_create(&thread, NULL, run_cat, NULL) != 0) return 1;
  pthread_join(thread, NULL);
  return 1; /* only if execv failed */
}
