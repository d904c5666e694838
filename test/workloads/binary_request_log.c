/* binary_request_log LOG [BYTES]: a server and its client (a forked child) on a socket pair, speaking
 * a binary protocol: each request is a key padded with NULs to BYTES (default 62; at most 4096) bytes
 * (strace prints it like a tar member's header: a name, then NULs; 512 is a tar block's size). The
 * server appends a text line about each request to LOG and replies "OK". No byte read is sent on:
 * the trace holds no transfer from the socket to the log. */
#include "common.h"
#include <sys/socket.h>
#include <sys/wait.h>

#define REQUESTS 20
#define MAX_REQUEST_BYTES 4096

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: binary_request_log LOG [BYTES]\n"); return 2; }
    size_t request_bytes = argc > 2 ? (size_t)atoi(argv[2]) : 62;
    if (request_bytes < 16 || request_bytes > MAX_REQUEST_BYTES) { fprintf(stderr, "BYTES: 16 to 4096\n"); return 2; }
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) die("socketpair");
    pid_t client = fork();
    if (client == 0) {
        close(pair[0]);
        for (int i = 0; i < REQUESTS; i++) {
            char request[MAX_REQUEST_BYTES] = {0};
            snprintf(request, request_bytes, "GET key%02d", i);
            write_all(pair[1], request, request_bytes);
            char reply[16];
            if (read(pair[1], reply, sizeof reply) <= 0) _exit(1);
        }
        _exit(0);
    }
    close(pair[1]);
    int log = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log < 0) die("open log");
    for (int i = 0; i < REQUESTS; i++) {
        char request[MAX_REQUEST_BYTES];
        ssize_t n = read(pair[0], request, request_bytes);
        if (n <= 0) die("read request");
        char line[128];
        int len = snprintf(line, sizeof line, "request %d handled ok, status=0 latency=12us\n", i);
        write_all(log, line, (size_t)len);
        write_all(pair[0], "OK", 2);
    }
    int status;
    waitpid(client, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
