/* setsid_forker PIDFILE forks|leader-exits|daemon: leaves the run's process group the way daemons do, and
 * makes a Cancel hard. The program forks; its parent waits 60 s, its child calls setsid(), ignores
 * SIGTERM and appends its pid to PIDFILE, then:
 *   forks: forks a child every 500 us (each ignores SIGTERM too, appends its pid and waits): a child
 *          forked after the canceller's scan, by a parent then killed first, would go to init unseen;
 *   leader-exits: starts a thread and ends its main thread with pthread_exit(): the process is then a
 *          zombie leader (state Z in /proc) whose thread runs on;
 *   daemon: forks once more and ends, as a daemon's double fork does: the grandchild, re-parented to
 *          init, is nobody's descendant (under perf trace no tracer names it either). */
#include "common.h"
#include <pthread.h>
#include <signal.h>
static void record(int fd) {
    char line[32];
    int n = snprintf(line, sizeof line, "%d\n", (int)getpid());
    if (write(fd, line, (size_t)n) != n) die("write");
}
static void *wait_forever(void *arg) {
    (void)arg;
    for (;;) pause();
    return NULL;
}
int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: setsid_forker PIDFILE forks|leader-exits|daemon\n"); return 2; }
    if (fork() > 0) { sleep(60); return 0; }
    setsid();
    signal(SIGTERM, SIG_IGN);
    if (strcmp(argv[2], "daemon") == 0) {
        if (fork() > 0) return 0;
        int fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd < 0) die("open");
        record(fd);
        for (;;) pause();
    }
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) die("open");
    record(fd);
    if (strcmp(argv[2], "leader-exits") == 0) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, wait_forever, NULL) != 0) die("pthread_create");
        pthread_exit(NULL);
    }
    for (int i = 0; i < 100000; i++) {
        if (fork() == 0) { record(fd); for (;;) pause(); }
        usleep(500);
    }
    return 0;
}
