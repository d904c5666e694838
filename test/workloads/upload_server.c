/* upload_server PORT OUT: an HTTP upload in one program. A forked client sends one POST whose header
 * and first body bytes travel in the same segment; the server reads 8 KiB at a time, skips the
 * header and writes the body to OUT (like Python's http.server or Go's io.Copy(file, r.Body)). */
#include "common.h"
#include <sys/wait.h>
#define BODY 200000

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: upload_server PORT OUT\n"); return 2; }
    int port = atoi(argv[1]);
    int listener = tcp_listen(port);
    pid_t client = fork();
    if (client == 0) {
        close(listener);
        int s = tcp_connect(port);
        static char request[BODY + 256];
        int header = snprintf(request, 256, "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n", BODY);
        for (int i = 0; i < BODY; i++) request[header + i] = (char)((i * 7 + (i >> 8)) & 0xff);
        write_all(s, request, (size_t)header + BODY);
        char reply[256];
        while (read(s, reply, sizeof reply) > 0) {}
        _exit(0);
    }
    int c = accept(listener, NULL, NULL);
    if (c < 0) die("accept");
    int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) die("open");
    static char buf[8192];
    long body = -1, stored = 0;
    size_t have = 0;
    while (stored < BODY) {
        ssize_t n = recv(c, buf + have, sizeof buf - have, 0);
        if (n <= 0) die("recv");
        have += (size_t)n;
        size_t from = 0;
        if (body < 0) {
            char *end = memmem(buf, have, "\r\n\r\n", 4);
            if (end == NULL) continue;
            from = (size_t)(end - buf) + 4;
            body = 0;
        }
        write_all(out, buf + from, have - from);
        stored += (long)(have - from);
        have = 0;
    }
    const char *reply = "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n";
    write_all(c, reply, strlen(reply));
    close(c);
    int status;
    waitpid(client, &status, 0);
    return 0;
}
