/* two_pipes_copy A B OUTA OUTB: a child writes file A into pipe a and file B into pipe b (like a
 * child's stdout and stderr); the parent closes both write ends, then copies pipe a to OUTA and pipe
 * b to OUTB. Under perf trace, both pipe2 calls print their fds as a pointer. */
#include "common.h"
#include <sys/wait.h>

static char buf[65536];

static void copy(int in, int out) {
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0) write_all(out, buf, (size_t)n);
}

static int create(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die("open out");
    return fd;
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: two_pipes_copy A B OUTA OUTB\n"); return 2; }
    int a[2], b[2];
    if (pipe(a) != 0 || pipe(b) != 0) die("pipe");
    pid_t child = fork();
    if (child == 0) {
        close(a[0]);
        close(b[0]);
        int fa = open(argv[1], O_RDONLY);
        if (fa < 0) die("open A");
        copy(fa, a[1]);
        close(a[1]);
        int fb = open(argv[2], O_RDONLY);
        if (fb < 0) die("open B");
        copy(fb, b[1]);
        close(b[1]);
        _exit(0);
    }
    close(a[1]);
    close(b[1]);
    copy(a[0], create(argv[3]));
    copy(b[0], create(argv[4]));
    int status;
    waitpid(child, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
