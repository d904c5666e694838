/* pipe_fork_copy IN: a forked child copies IN into a pipe with read/write; the parent closes the
 * pipe's write end and copies what it reads from the pipe to its stdout. Under perf trace, pipe2's
 * two fds are a pointer (`pipe2(fildes: 0x7ffc...)`): the calls that use them later say which they are. */
#include "common.h"
#include <sys/wait.h>

static void copy(int in, int out) {
    static char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0) write_all(out, buf, (size_t)n);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: pipe_fork_copy IN\n"); return 2; }
    int p[2];
    if (pipe(p) != 0) die("pipe");
    pid_t child = fork();
    if (child == 0) {
        close(p[0]);
        int in = open(argv[1], O_RDONLY);
        if (in < 0) die("open");
        copy(in, p[1]);
        _exit(0);
    }
    close(p[1]);
    copy(p[0], 1);
    int status;
    waitpid(child, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
