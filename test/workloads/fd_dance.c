/* fd_dance SRC DST JUNK: exercises the fd bookkeeping the analysis must follow without -y.
 * SRC is opened (fd 3), duplicated to fd 20 with fcntl(F_DUPFD, 20), and fd 3 is closed with
 * close_range(3, 3, 0); JUNK then reuses fd 3, and close_range(5, 19, 0) closes a descriptor in
 * between. The copy reads fd 20 (SRC) and writes DST, 4096 bytes at a time: one read/write
 * transfer SRC -> DST, nothing from JUNK. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static void die(const char *what) { perror(what); exit(1); }

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: fd_dance SRC DST JUNK\n"); return 2; }
    int in = open(argv[1], O_RDONLY);                              /* 3 */
    int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);   /* 4 */
    int spare = open(argv[3], O_RDONLY);                           /* 5 */
    if (in != 3 || out != 4 || spare != 5) die("open (expected fds 3, 4, 5)");
    int copy = fcntl(in, F_DUPFD, 20);                             /* 20 */
    if (copy != 20) die("F_DUPFD");
    if (syscall(SYS_close_range, 3, 3, 0) != 0) die("close_range 3");
    int junk = open(argv[3], O_RDONLY);                            /* reuses 3 */
    if (junk != 3) die("reuse of fd 3");
    if (syscall(SYS_close_range, 5, 19, 0) != 0) die("close_range 5-19");
    char buf[4096];
    ssize_t n;
    while ((n = read(copy, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) die("write");
    if (n < 0) die("read");
    char small[16];
    if (read(junk, small, sizeof small) < 0) die("read junk");
    return 0;
}
