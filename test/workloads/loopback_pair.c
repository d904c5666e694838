/* loopback_pair 4|6 SRC DST: a client and a server in one process over loopback (127.0.0.1 or ::1).
 * The client thread uploads a 2 MiB request that begins like an HTTP one and then saves what the
 * server sends back into DST; the server reads the request, then sends SRC on its accepted socket.
 * Two transfers: SRC -> the server's end, and the client's end -> DST. The two ends of the connection
 * are each other's peers: what one reads the other wrote, so neither is a source of the other's writes
 * (strace names them a->b and b->a: `127.0.0.1:p->127.0.0.1:q`, `[::1]:p->[::1]:q`). */
#include "common.h"
#include <pthread.h>
static int family;
static struct sockaddr_storage server;
static socklen_t server_len;
static const char *dst;
static char request[2 << 20];
static void *client(void *arg) {
    (void)arg;
    int c = socket(family, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&server, server_len) < 0) die("connect");
    memset(request, 'A', sizeof request);
    memcpy(request, "POST /x\n", 8);
    write_all(c, request, sizeof request);
    shutdown(c, SHUT_WR);
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) die("open dst");
    static char buf[65536];
    ssize_t n;
    while ((n = read(c, buf, sizeof buf)) > 0) write_all(out, buf, (size_t)n);
    close(out);
    close(c);
    return NULL;
}
int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: loopback_pair 4|6 SRC DST\n"); return 2; }
    family = argv[1][0] == '6' ? AF_INET6 : AF_INET;
    dst = argv[3];
    int s = socket(family, SOCK_STREAM, 0);
    if (s < 0) die("socket");
    memset(&server, 0, sizeof server);
    if (family == AF_INET6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&server;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        server_len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&server;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        server_len = sizeof *a;
    }
    if (bind(s, (struct sockaddr *)&server, server_len) < 0 || listen(s, 1) < 0) die("bind");
    if (getsockname(s, (struct sockaddr *)&server, &server_len) < 0) die("getsockname");
    pthread_t thread;
    if (pthread_create(&thread, NULL, client, NULL) != 0) die("pthread_create");
    int a = accept(s, NULL, NULL);
    if (a < 0) die("accept");
    static char buf[65536];
    while (read(a, buf, sizeof buf) > 0) {}
    int in = open(argv[2], O_RDONLY);
    if (in < 0) die("open src");
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0) write_all(a, buf, (size_t)n);
    close(in);
    close(a);
    pthread_join(thread, NULL);
    return 0;
}
