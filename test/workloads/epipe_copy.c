/* epipe_copy SRC OUT: pipe to a child that reads 100000 bytes (read() 16 KiB at a time, writes them to
 * OUT) and exits; parent copies SRC -> pipe with read/write 32 KiB until write fails EPIPE
 * (SIGPIPE ignored). Counts to stderr. */
#include "common.h"
#include <signal.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
    if (argc < 3) return 2;
    signal(SIGPIPE, SIG_IGN);
    int p[2]; pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        static char b[16384]; long tot = 0; ssize_t n;
        while (tot < 100000 && (n = read(p[0], b, sizeof b < (size_t)(100000 - tot) ? sizeof b : (size_t)(100000 - tot))) > 0) { write_all(out, b, (size_t)n); tot += n; }
        fprintf(stderr, "child took %ld bytes\n", tot);
        _exit(0);
    }
    close(p[0]);
    int in = open(argv[1], O_RDONLY);
    static char b[32768]; long tot = 0; int reads = 0, writes = 0, epipe = 0; ssize_t n;
    while ((n = read(in, b, sizeof b)) > 0) {
        reads++;
        ssize_t w = write(p[1], b, (size_t)n); writes++;
        if (w < 0) { if (errno == EPIPE) { epipe++; break; } die("write"); }
        if (w < n) { fprintf(stderr, "short write %zd of %zd\n", w, n); }
        tot += w;
        if (tot == 65536) usleep(200000);
    }
    int st; waitpid(pid, &st, 0);
    fprintf(stderr, "parent wrote %ld bytes, %d reads, %d writes (%d EPIPE)\n", tot, reads, writes, epipe);
    return 0;
}
