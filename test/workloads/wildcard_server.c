/* wildcard_server PORT IN OUT: a server listening on every address (0.0.0.0:PORT, like socat's
 * TCP-LISTEN or nginx's `listen 80`) sends IN with read/write to a client, a forked child that
 * connects to 127.0.0.1 and writes what it receives to OUT. The connection is on loopback although
 * the listener's own address says nothing of it. */
#include "common.h"
#include <sys/wait.h>

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: wildcard_server PORT IN OUT\n"); return 2; }
    int port = atoi(argv[1]);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    any.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(listener, (struct sockaddr *)&any, sizeof any) != 0 || listen(listener, 4) != 0) die("listen");
    pid_t client = fork();
    if (client == 0) {
        close(listener);
        int s = tcp_connect(port);
        int out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0) die("open out");
        char buf[65536];
        ssize_t n;
        while ((n = read(s, buf, sizeof buf)) > 0) write_all(out, buf, (size_t)n);
        _exit(0);
    }
    struct sockaddr_in peer;
    socklen_t len = sizeof peer;
    int c = accept(listener, (struct sockaddr *)&peer, &len);
    if (c < 0) die("accept");
    int in = open(argv[2], O_RDONLY);
    if (in < 0) die("open in");
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0) write_all(c, buf, (size_t)n);
    close(c);
    int status;
    waitpid(client, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
