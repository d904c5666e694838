/* request_log PORT LOG: a tiny HTTP server and its client in one program. The client (a forked child)
 * sends a request and reads the reply; the server reads the request, appends an access-log line about
 * it to LOG (other bytes than it read, like nginx's access_log), and replies with a short body it makes
 * itself. No byte read is sent on: the trace holds no transfer from the socket to the log. */
#include "common.h"
#include <sys/wait.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: request_log PORT LOG\n"); return 2; }
    int port = atoi(argv[1]);
    int listener = tcp_listen(port);
    pid_t client = fork();
    if (client == 0) {
        close(listener);
        int s = tcp_connect(port);
        const char *request = "GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: request_log/1.0\r\nAccept: */*\r\n\r\n";
        write_all(s, request, strlen(request));
        char reply[4096];
        while (read(s, reply, sizeof reply) > 0) {}
        _exit(0);
    }
    int log = open(argv[2], O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log < 0) die("open log");
    int c = accept(listener, NULL, NULL);
    if (c < 0) die("accept");
    char request[4096];
    ssize_t n = recv(c, request, sizeof request - 1, 0);
    if (n <= 0) die("recv");
    request[n] = 0;
    char *end = strchr(request, '\r');
    if (end != NULL) *end = 0;
    char line[512];
    int len = snprintf(line, sizeof line, "127.0.0.1 - - [%ld] \"%s\" 200 12 \"-\" \"request_log/1.0\"\n", (long)time(NULL), request);
    write_all(log, line, (size_t)len);
    const char *reply = "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: close\r\n\r\nhello world\n";
    write_all(c, reply, strlen(reply));
    close(c);
    int status;
    waitpid(client, &status, 0);
    return 0;
}
