/* zc_memory PORT: like the kernel's msg_zerocopy selftest: a buffer filled in memory (no file read) sent
 * 16 times (64 KiB each) with MSG_ZEROCOPY over TCP loopback; completions drained at the end. Child =
 * receiver that discards. Counts to stderr. */
#include "zerocopy.h"
#include <sys/wait.h>
int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int port = atoi(argv[1]);
    int l = tcp_listen(port);
    pid_t pid = fork();
    if (pid == 0) {
        int c = accept(l, NULL, NULL); static char b[65536]; ssize_t n; long tot = 0;
        while ((n = recv(c, b, sizeof b, 0)) > 0) tot += n;
        fprintf(stderr, "receiver got %ld\n", tot); _exit(0);
    }
    close(l);
    int s = tcp_connect(port);
    int one = 1; if (setsockopt(s, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof one) < 0) die("SO_ZEROCOPY");
    static char buf[65536]; for (size_t i = 0; i < sizeof buf; i++) buf[i] = (char)('a' + i % 26);
    long sent = 0; unsigned nsend = 0;
    for (int i = 0; i < 16; i++) { ssize_t n = send(s, buf, sizeof buf, MSG_ZEROCOPY); if (n < 0) die("send"); sent += n; nsend++; }
    drain(s, nsend, 1);
    shutdown(s, SHUT_WR); close(s);
    int st; waitpid(pid, &st, 0);
    fprintf(stderr, "sent %ld bytes in %u MSG_ZEROCOPY sends\n", sent, nsend);
    return 0;
}
