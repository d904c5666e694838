// Two threads of one process take turns (a mutex and a turn counter) so that their calls interleave
// in a fixed order, the way a thread pool's calls interleave by chance. They never hand data to each
// other: each thread's bytes go from its own source to its own sink.
//   thread_turns reply REQ DATA OUT   1: reads a request from REQ   2: reads DATA
//                                     1: writes a reply back to REQ 2: writes what it read to OUT
//   thread_turns mmap A C OUT1 OUT2   1: maps A                     2: reads C
//                                     1: writes the mapping to OUT1 2: writes what it read to OUT2
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SIZE 4096
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int turn; /* even: thread 1's step, odd: thread 2's */
static char **args;
static int failed;

static void wait_turn(int mine) {
  pthread_mutex_lock(&lock);
  while (turn != mine) pthread_cond_wait(&changed, &lock);
  pthread_mutex_unlock(&lock);
}

static void next_turn(void) {
  pthread_mutex_lock(&lock);
  turn++;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&lock);
}

static void *first(void *arg) {
  (void)arg;
  if (strcmp(args[1], "reply") == 0) {
    char request[64];
    int fd = open(args[2], O_RDWR);
    wait_turn(0);
    if (fd < 0 || read(fd, request, sizeof request) <= 0) failed = 1;
    next_turn();
    wait_turn(2);
    const char reply[] = "HTTP/1.1 404 Not Found\r\n\r\n";
    if (write(fd, reply, sizeof reply - 1) != (ssize_t)(sizeof reply - 1)) failed = 1;
    next_turn();
    close(fd);
  } else {
    int fd = open(args[2], O_RDONLY);
    int out = open(args[4], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    wait_turn(0);
    char *map = fd < 0 ? MAP_FAILED : mmap(NULL, SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) failed = 1;
    next_turn();
    wait_turn(2);
    if (map == MAP_FAILED || write(out, map, SIZE) != SIZE) failed = 1;
    next_turn();
    close(out);
    close(fd);
  }
  return NULL;
}

static void *second(void *arg) {
  (void)arg;
  const int reply = strcmp(args[1], "reply") == 0;
  static char buf[SIZE];
  int in = open(args[3], O_RDONLY);
  int out = open(reply ? args[4] : args[5], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  wait_turn(1);
  ssize_t n = in < 0 ? -1 : read(in, buf, sizeof buf);
  next_turn();
  wait_turn(3);
  if (n <= 0 || write(out, buf, (size_t)n) != n) failed = 1;
  if (read(in, buf, sizeof buf) != 0) failed = 1;
  close(out);
  close(in);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 5 || (strcmp(argv[1], "reply") != 0 && strcmp(argv[1], "mmap") != 0) || (strcmp(argv[1], "mmap") == 0 && argc < 6)) {
    fprintf(stderr, "usage: %s reply REQ DATA OUT | mmap A C OUT1 OUT2\n", argv[0]);
    return 2;
  }
  args = argv;
  pthread_t t1, t2;
  pthread_create(&t1, NULL, first, NULL);
  pthread_create(&t2, NULL, second, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return failed;
}
