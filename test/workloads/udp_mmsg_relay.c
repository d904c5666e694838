/* udp_mmsg_relay MODE IN OUT PORT: a UDP server that moves datagrams in batches with recvmmsg and
 * sendmmsg on one unconnected socket bound to 127.0.0.1:PORT. A child sends IN as 64 datagrams of
 * 1,000 bytes from a socket connected to it.
 *   relay: the server forwards each batch to 127.0.0.1:PORT+1 (msg_name rewritten), where another
 *          child receives them and writes them to OUT: a transfer from the server's socket to that address;
 *   echo:  the server sends each batch back to where it came from (msg_name as received), and the
 *          sending child writes what comes back to OUT: replies, not a transfer. */
#include "common.h"
#include <sys/wait.h>

#define DATAGRAMS 64
#define DATAGRAM_BYTES 1000
#define BATCH 16

static struct sockaddr_in loopback(int port) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static int udp_bound(int port) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = loopback(port);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0) die("bind");
    return s;
}

static void receive_into(int s, const char *out_path) {
    int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) die("open out");
    char buf[2048];
    for (int i = 0; i < DATAGRAMS; i++) {
        ssize_t n = recv(s, buf, sizeof buf, 0);
        if (n <= 0) die("recv");
        write_all(out, buf, (size_t)n);
    }
    close(out);
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: udp_mmsg_relay relay|echo IN OUT PORT\n"); return 2; }
    int relay = strcmp(argv[1], "relay") == 0;
    int port = atoi(argv[4]);
    int server = udp_bound(port);
    pid_t receiver = -1;
    if (relay) {
        int r = udp_bound(port + 1);
        receiver = fork();
        if (receiver == 0) { close(server); receive_into(r, argv[3]); _exit(0); }
        close(r);
    }
    pid_t sender = fork();
    if (sender == 0) {
        int c = socket(AF_INET, SOCK_DGRAM, 0);
        struct sockaddr_in to = loopback(port);
        if (c < 0 || connect(c, (struct sockaddr *)&to, sizeof to) != 0) die("connect");
        int in = open(argv[2], O_RDONLY);
        if (in < 0) die("open in");
        char buf[DATAGRAM_BYTES];
        for (int i = 0; i < DATAGRAMS; i++) {
            if (read(in, buf, sizeof buf) != (ssize_t)sizeof buf) die("read");
            if (send(c, buf, sizeof buf, 0) != (ssize_t)sizeof buf) die("send");
        }
        if (!relay) receive_into(c, argv[3]);
        _exit(0);
    }
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    struct sockaddr_in from[BATCH];
    static char bufs[BATCH][2048];
    struct sockaddr_in next = loopback(port + 1);
    for (int moved = 0; moved < DATAGRAMS;) {
        memset(msgs, 0, sizeof msgs);
        for (int i = 0; i < BATCH; i++) {
            iov[i].iov_base = bufs[i];
            iov[i].iov_len = sizeof bufs[i];
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof from[i];
        }
        int n = recvmmsg(server, msgs, BATCH, MSG_WAITFORONE, NULL);
        if (n <= 0) die("recvmmsg");
        for (int i = 0; i < n; i++) {
            iov[i].iov_len = msgs[i].msg_len;
            if (relay) from[i] = next;
        }
        if (sendmmsg(server, msgs, (unsigned)n, 0) != n) die("sendmmsg");
        moved += n;
    }
    int status, failed = 0;
    waitpid(sender, &status, 0);
    failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    if (receiver > 0) {
        waitpid(receiver, &status, 0);
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    return failed;
}
