// A thread pool that gets its descriptors after it was made: the threads start first and wait; the
// main thread then opens SRC and the sink, and the threads copy, one reading and one writing, turn
// by turn (a pooled server hands a pool thread the connection it accepted after the pool started).
// perf trace prints clone3's flags as a pointer: only the threads' use of descriptors opened after
// their clone shows that they share the main thread's table (they are threads).
// Usage: late_fd_threads SRC file DST
//        late_fd_threads SRC tcp     (a TCP connection over 127.0.0.1 to itself; a third thread drains it)
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
      // The sink is closed here, so the drainer sees its end.
      shutdown(out_fd, SHUT_WR);
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

int main(int argc, char **argv) {
  int tcp = argc == 3 && strcmp(argv[2], "tcp") == 0;
  if (!tcp && !(argc == 4 && strcmp(argv[2], "file") == 0)) {
    fprintf(stderr, "usage: %s SRC file DST | %s SRC tcp\n", argv[0], argv[0]);
    return 2;
  }
  pthread_t r, w, d;
  pthread_create(&r, NULL, reader, NULL);
  pthread_create(&w, NULL, writer, NULL);
  if (tcp) pthread_create(&d, NULL, drainer, NULL);
  in_fd = open(argv[1], O_RDONLY);
  if (tcp ? connect_to_self() != 0 : (out_fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0) {
    perror("open");
    return 1;
  }
  if (in_fd < 0) {
    perror("open");
    return 1;
  }
  pthread_mutex_lock(&lock);
  started = 1;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
  pthread_join(r, NULL);
  pthread_join(w, NULL);
  if (tcp) pthread_join(d, NULL);
  return close(out_fd) == 0 && close(in_fd) == 0 && (drain_fd < 0 || close(drain_fd) == 0) ? 0 : 1;
}
