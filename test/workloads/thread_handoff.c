// Copies SRC to DST with every read on one thread and every write on another, turn by turn: what a
// Go goroutine or a pooled task does when it goes on with a copy on another OS thread of its
// process. One transfer for the analysis (io-model.md: inside one process or thread group).
// With `late`, the threads are made first and wait while the main thread opens SRC and the sink (a
// pooled server hands a pool thread the connection it accepted after the pool started): under perf
// trace, which prints clone3's flags as a pointer, the threads' use of descriptors opened after their
// clone is what shows that they share the main thread's table. DST `tcp` (with `late`) is a TCP
// connection over 127.0.0.1 to the program itself, which a third thread drains.
// Usage: thread_handoff SRC DST | thread_handoff SRC DST late | thread_handoff SRC tcp late
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int in_fd = -1, out_fd = -1, drain_fd = -1;
static char buf[65536];
static ssize_t got;
static int started;     /* the main thread has opened the descriptors */
static int writer_turn; /* 0: the reader's turn, 1: the writer's */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;

static void wait_start(void) {
  pthread_mutex_lock(&lock);
  while (!started) pthread_cond_wait(&changed, &lock);
  pthread_mutex_unlock(&lock);
}

static void *reader(void *arg) {
  (void)arg;
  wait_start();
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
  wait_start();
  for (;;) {
    pthread_mutex_lock(&lock);
    while (!writer_turn) pthread_cond_wait(&changed, &lock);
    ssize_t n = got;
    if (n > 0 && write(out_fd, buf, (size_t)n) != n) n = -1;
    writer_turn = 0;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
    if (n <= 0) {
      // The drainer sees the end of a TCP sink.
      if (drain_fd >= 0) shutdown(out_fd, SHUT_WR);
      return NULL;
    }
  }
}

static void *drainer(void *arg) {
  (void)arg;
  wait_start();
  static char sink[65536];
  while (read(drain_fd, sink, sizeof sink) > 0) {
  }
  return NULL;
}

/** A TCP connection to itself over 127.0.0.1: out_fd the connecting end, drain_fd the accepted one. */
static int connect_to_self(void) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 1) != 0 ||
      getsockname(listener, (struct sockaddr *)&addr, &len) != 0)
    return -1;
  out_fd = socket(AF_INET, SOCK_STREAM, 0);
  if (out_fd < 0 || connect(out_fd, (struct sockaddr *)&addr, sizeof addr) != 0) return -1;
  drain_fd = accept(listener, NULL, NULL);
  close(listener);
  return drain_fd < 0 ? -1 : 0;
}

static int open_files(const char *src, const char *dst) {
  in_fd = open(src, O_RDONLY);
  if (strcmp(dst, "tcp") == 0 ? connect_to_self() != 0 : (out_fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) return -1;
  return in_fd < 0 ? -1 : 0;
}

int main(int argc, char **argv) {
  int late = argc == 4 && strcmp(argv[3], "late") == 0;
  if (!(argc == 3 || late) || (!late && strcmp(argv[2], "tcp") == 0)) {
    fprintf(stderr, "usage: %s SRC DST [late] | %s SRC tcp late\n", argv[0], argv[0]);
    return 2;
  }
  if (!late && open_files(argv[1], argv[2]) != 0) {
    perror("open");
    return 1;
  }
  started = !late;
  pthread_t r, w, d;
  pthread_create(&r, NULL, reader, NULL);
  pthread_create(&w, NULL, writer, NULL);
  int tcp = strcmp(argv[2], "tcp") == 0;
  if (tcp) pthread_create(&d, NULL, drainer, NULL);
  if (late) {
    if (open_files(argv[1], argv[2]) != 0) {
      perror("open");
      return 1;
    }
    pthread_mutex_lock(&lock);
    started = 1;
    pthread_cond_broadcast(&changed);
    pthread_mutex_unlock(&lock);
  }
  pthread_join(r, NULL);
  pthread_join(w, NULL);
  if (tcp) pthread_join(d, NULL);
  return close(out_fd) == 0 && close(in_fd) == 0 && (drain_fd < 0 || close(drain_fd) == 0) ? 0 : 1;
}
