// Copies SRC to DST with every read on one thread and every write on another, turn by turn: what a
// Go goroutine or a pooled task does when it goes on with a copy on another OS thread of its
// process. One transfer for the analysis (io-model.md: inside one process or thread group).
// Usage: thread_handoff SRC DST
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static int in_fd, out_fd;
static char buf[65536];
static ssize_t got;
static int writer_turn; /* 0: the reader's turn, 1: the writer's */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;

static void *reader(void *arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&lock);
    while (writer_turn) pthread_cond_wait(&changed, &lock);
    got = read(in_fd, buf, sizeof buf);
    writer_turn = 1;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
    if (got <= 0) return NULL;
  }
}

static void *writer(void *arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&lock);
    while (!writer_turn) pthread_cond_wait(&changed, &lock);
    ssize_t n = got;
    if (n > 0 && write(out_fd, buf, (size_t)n) != n) n = -1;
    writer_turn = 0;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
    if (n <= 0) return NULL;
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s SRC DST\n", argv[0]);
    return 2;
  }
  in_fd = open(argv[1], O_RDONLY);
  out_fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in_fd < 0 || out_fd < 0) {
    perror("open");
    return 1;
  }
  pthread_t r, w;
  pthread_create(&r, NULL, reader, NULL);
  pthread_create(&w, NULL, writer, NULL);
  pthread_join(r, NULL);
  pthread_join(w, NULL);
  return close(out_fd) == 0 && close(in_fd) == 0 ? 0 : 1;
}
