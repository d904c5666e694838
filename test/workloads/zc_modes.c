/* zc_modes MODE PORT FILE: child = TCP/UDP receiver writing what it gets to FILE.out (recv+write).
 * Parent reads FILE into memory, then sends it with MSG_ZEROCOPY in 64 KiB pieces:
 *  MODE tcp-late : send(); error queue drained only after all sends (merged ranges)
 *  MODE tcp-none : send(); error queue never read
 *  MODE tcp-iov  : sendmsg() with 4 iovecs of 16 KiB; error queue drained after each 4 sends
 *  MODE udp      : UDP sendto() of 8 KiB datagrams with MSG_ZEROCOPY to 127.0.0.1:PORT; drained at end
 * Prints sends, notification ranges and copied flags to stderr. */
#include "zerocopy.h"
#include <sys/uio.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
    if (argc < 4) return 2;
    const char *mode = argv[1]; int port = atoi(argv[2]);
    int udp = strcmp(mode, "udp") == 0;
    int l;
    if (udp) {
        l = socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(port); a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(l, (struct sockaddr *)&a, sizeof a) < 0) die("bind");
        int big = 4 << 20; setsockopt(l, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    } else l = tcp_listen(port);
    char outname[4096]; snprintf(outname, sizeof outname, "%s.%s.out", argv[3], mode);
    pid_t pid = fork();
    if (pid == 0) {
        int c = udp ? l : accept(l, NULL, NULL);
        int out = open(outname, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        static char b[65536]; ssize_t n; long tot = 0;
        if (udp) { struct pollfd p = { c, POLLIN, 0 }; while (poll(&p, 1, 500) > 0 && (n = recv(c, b, sizeof b, 0)) > 0) { write_all(out, b, (size_t)n); tot += n; } }
        else while ((n = recv(c, b, sizeof b, 0)) > 0) { write_all(out, b, (size_t)n); tot += n; }
        fprintf(stderr, "receiver wrote %ld\n", tot);
        _exit(0);
    }
    int in = open(argv[3], O_RDONLY);
    size_t size = (size_t)file_size(in);
    char *buf = malloc(size); size_t got = 0;
    while (got < size) { ssize_t r = read(in, buf + got, size - got); if (r <= 0) die("read"); got += (size_t)r; }
    if (!getenv("KEEPOPEN")) close(in);
    int s;
    struct sockaddr_in dst = {0}; dst.sin_family = AF_INET; dst.sin_port = htons(port); dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (udp) { s = socket(AF_INET, SOCK_DGRAM, 0); } else { close(l); s = tcp_connect(port); }
    int one = 1; if (setsockopt(s, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof one) < 0) die("SO_ZEROCOPY");
    unsigned nsend = 0, done = 0; size_t sent = 0;
    size_t chunk = udp ? 8192 : 65536;
    for (size_t off = 0; off < size;) {
        size_t len = size - off < chunk ? size - off : chunk;
        ssize_t n;
        if (strcmp(mode, "tcp-iov") == 0) {
            struct iovec iov[4]; size_t q = len / 4;
            for (int i = 0; i < 4; i++) { iov[i].iov_base = buf + off + i * q; iov[i].iov_len = i == 3 ? len - 3 * q : q; }
            struct msghdr m = {0}; m.msg_iov = iov; m.msg_iovlen = 4;
            n = sendmsg(s, &m, getenv("NOZC") ? 0 : MSG_ZEROCOPY);
        } else if (udp) n = sendto(s, buf + off, len, MSG_ZEROCOPY, (struct sockaddr *)&dst, sizeof dst);
        else n = send(s, buf + off, len, MSG_ZEROCOPY);
        if (n < 0) { if (errno == ENOBUFS) { done += drain(s, 1, 1); continue; } die("send"); }
        off += (size_t)n; sent += (size_t)n; nsend++;
        if (strcmp(mode, "tcp-iov") == 0 && nsend % 4 == 0 && !getenv("NOZC")) done += drain(s, 0xffffffff, 0);
    }
    if (strcmp(mode, "tcp-none") != 0 && !getenv("NOZC")) done += drain(s, nsend - done, 1);
    if (!udp) shutdown(s, SHUT_WR);
    close(s);
    int st; waitpid(pid, &st, 0);
    fprintf(stderr, "mode %s: %u sends, %zu bytes, completions cover %u\n", mode, nsend, sent, done);
    return 0;
}
