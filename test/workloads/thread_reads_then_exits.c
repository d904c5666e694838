// A worker thread reads SRC whole into memory and ends (joined); the main thread then writes the
// buffer to DST. The bytes the worker read are still in the process's memory after it ended: one
// transfer SRC -> DST. Usage: thread_reads_then_exits SRC DST
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

static char *buf;
static size_t len;
static const char *path;

static void *worker(void *arg) {
  (void)arg;
  int fd = open(path, O_RDONLY);
  ssize_t n;
  while ((n = read(fd, buf + len, 65536)) > 0) len += (size_t)n;
  close(fd);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  path = argv[1];
  buf = malloc(4 << 20);
  pthread_t thread;
  if (buf == NULL || pthread_create(&thread, NULL, worker, NULL) != 0) return 1;
  pthread_join(thread, NULL);
  int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  for (size_t off = 0; off < len; off += 65536) {
    size_t want = len - off < 65536 ? len - off : 65536;
    if (write(out, buf + off, want) != (ssize_t)want) return 1;
  }
  return close(out) != 0;
}
