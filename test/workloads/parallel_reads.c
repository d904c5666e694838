// Reads SRC in parallel: four worker threads each pread one part of it from the shared fd into one
// buffer and are joined; the main thread then writes the buffer to DST in 64 KiB writes. The parts
// are in the process's memory after the workers ended, read in whatever order the threads ran: one
// transfer SRC -> DST of every byte. Usage: parallel_reads SRC DST
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define THREADS 4

static char *buf;
static int in;
static off_t size;

static void *worker(void *arg) {
  long index = (long)arg;
  off_t part = size / THREADS;
  off_t at = index * part;
  off_t end = index == THREADS - 1 ? size : at + part;
  while (at < end) {
    ssize_t n = pread(in, buf + at, (size_t)(end - at), at);
    if (n <= 0) break;
    at += n;
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  in = open(argv[1], O_RDONLY);
  struct stat st;
  if (in < 0 || fstat(in, &st) != 0) return 1;
  size = st.st_size;
  buf = malloc((size_t)size);
  pthread_t threads[THREADS];
  for (long i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, worker, (void *)i);
  for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
  close(in);
  int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  for (off_t at = 0; at < size; at += 65536) {
    size_t want = size - at < 65536 ? (size_t)(size - at) : 65536;
    if (write(out, buf + at, want) != (ssize_t)want) return 1;
  }
  return close(out) != 0;
}
