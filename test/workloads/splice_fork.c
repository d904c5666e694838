/* splice_fork SRC OUT: parent splices SRC -> pipe; child (forked after pipe creation) splices pipe -> OUT. */
#include "common.h"
#include <sys/wait.h>
int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int p[2]; pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        long tot = 0; int calls = 0; ssize_t n;
        while ((n = splice(p[0], NULL, out, NULL, 65536, 0)) > 0) { tot += n; calls++; }
        calls++;
        fprintf(stderr, "child spliced pipe -> file %ld bytes in %d calls\n", tot, calls);
        _exit(0);
    }
    close(p[0]);
    int in = open(argv[1], O_RDONLY);
    long tot = 0; int calls = 0; ssize_t n;
    while ((n = splice(in, NULL, p[1], NULL, 65536, 0)) > 0) { tot += n; calls++; }
    calls++;
    close(p[1]);
    int st; waitpid(pid, &st, 0);
    fprintf(stderr, "parent spliced file -> pipe %ld bytes in %d calls\n", tot, calls);
    return 0;
}
