/* unix_sendfile A B OUT [seqpacket]: sends file A into a unix stream socket with sendfile, then file
 * B with splice through a pipe; a forked child reads the socket and writes everything to OUT. Both
 * sends hand page references to the socket: no CPU copy on the sending side either way.
 * With `seqpacket`, the socket pair is SOCK_SEQPACKET, A goes in 4,096-byte sendfile messages, and B
 * is not sent: a message copies the pages it is given. */
#include "common.h"
#include <sys/sendfile.h>
#include <sys/wait.h>

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: unix_sendfile A B OUT [seqpacket]\n"); return 2; }
    int seqpacket = argc > 4 && strcmp(argv[4], "seqpacket") == 0;
    int pair[2];
    if (socketpair(AF_UNIX, seqpacket ? SOCK_SEQPACKET : SOCK_STREAM, 0, pair) != 0) die("socketpair");
    pid_t reader = fork();
    if (reader == 0) {
        close(pair[0]);
        int out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0) die("open out");
        char buf[65536];
        ssize_t n;
        while ((n = read(pair[1], buf, sizeof buf)) > 0) write_all(out, buf, (size_t)n);
        _exit(0);
    }
    close(pair[1]);
    int a = open(argv[1], O_RDONLY);
    if (a < 0) die("open A");
    struct stat st;
    if (fstat(a, &st) != 0) die("fstat");
    off_t offset = 0;
    size_t most = seqpacket ? 4096 : (size_t)st.st_size;
    while (offset < st.st_size) {
        size_t left = (size_t)(st.st_size - offset);
        if (sendfile(pair[0], a, &offset, left < most ? left : most) <= 0) die("sendfile");
    }
    if (seqpacket) {
        close(pair[0]);
        int status;
        waitpid(reader, &status, 0);
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
    }
    int b = open(argv[2], O_RDONLY);
    if (b < 0) die("open B");
    int p[2];
    if (pipe(p) != 0) die("pipe");
    for (;;) {
        ssize_t n = splice(b, NULL, p[1], NULL, 65536, 0);
        if (n < 0) die("splice in");
        if (n == 0) break;
        while (n > 0) {
            ssize_t m = splice(p[0], NULL, pair[0], NULL, (size_t)n, 0);
            if (m <= 0) die("splice out");
            n -= m;
        }
    }
    close(pair[0]);
    int status;
    waitpid(reader, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
