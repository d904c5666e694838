/* zc_refused MODE FILE: MODE unix: socketpair(AF_UNIX, SOCK_STREAM); setsockopt(SO_ZEROCOPY) is tried
 * (fails EOPNOTSUPP); the file (kept open) is read into memory and sent with send(..., MSG_ZEROCOPY)
 * in 64 KiB pieces; the child receives and writes FILE.unix.out. The kernel ignores MSG_ZEROCOPY on a
 * socket without SO_ZEROCOPY (Documentation/networking/msg_zerocopy.rst), so it copies; a recvmsg(MSG_ERRQUEUE)
 * at the end shows no completion (EAGAIN). */
#include "zerocopy.h"
#include <sys/wait.h>
int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int sv[2]; if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) die("socketpair");
    char outname[4096]; snprintf(outname, sizeof outname, "%s.%s.out", argv[2], argv[1]);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        int out = open(outname, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        static char b[65536]; ssize_t n; long tot = 0;
        while ((n = read(sv[1], b, sizeof b)) > 0) { write_all(out, b, (size_t)n); tot += n; }
        fprintf(stderr, "receiver wrote %ld\n", tot);
        _exit(0);
    }
    close(sv[1]);
    int s = sv[0];
    int one = 1; int rc = setsockopt(s, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof one);
    fprintf(stderr, "setsockopt SO_ZEROCOPY: %d (%s)\n", rc, rc < 0 ? strerror(errno) : "ok");
    int in = open(argv[2], O_RDONLY);
    size_t size = (size_t)file_size(in);
    char *buf = malloc(size); size_t got = 0;
    while (got < size) { ssize_t r = read(in, buf + got, size - got); if (r <= 0) die("read"); got += (size_t)r; }
    size_t sent = 0; int sends = 0;
    while (sent < size) { size_t len = size - sent < 65536 ? size - sent : 65536; ssize_t n = send(s, buf + sent, len, MSG_ZEROCOPY); if (n < 0) die("send"); sent += (size_t)n; sends++; }
    char control[128]; struct msghdr msg = {0}; msg.msg_control = control; msg.msg_controllen = sizeof control;
    ssize_t r = recvmsg(s, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
    fprintf(stderr, "sent %zu in %d sends; errqueue recvmsg = %zd (%s)\n", sent, sends, r, r < 0 ? strerror(errno) : "completion");
    shutdown(s, SHUT_WR); close(s);
    int st; waitpid(pid, &st, 0);
    return 0;
}
