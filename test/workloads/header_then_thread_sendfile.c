/* header_then_thread_sendfile PORT FILE: like nginx with `aio threads; sendfile on;`: the main thread
 * reads a request and writes the response header (writev), a pool thread sends the file (sendfile).
 * The client is a forked child that sends the request and reads the whole response. */
#include "common.h"
#include <pthread.h>
#include <semaphore.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <sys/wait.h>

static int connection, file;
static off_t size;
static sem_t work;

/* The pool thread exists before any request (nginx starts its thread pool with the worker). */
static void *send_file(void *unused) {
    (void)unused;
    sem_wait(&work);
    off_t offset = 0;
    while (offset < size) {
        ssize_t n = sendfile(connection, file, &offset, (size_t)(size - offset));
        if (n <= 0) die("sendfile");
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: header_then_thread_sendfile PORT FILE\n"); return 2; }
    int port = atoi(argv[1]);
    sem_init(&work, 0, 0);
    pthread_t pool;
    pthread_create(&pool, NULL, send_file, NULL);
    int listener = tcp_listen(port);
    pid_t client = fork();
    if (client == 0) {
        close(listener);
        int s = tcp_connect(port);
        const char *request = "GET /file HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        write_all(s, request, strlen(request));
        static char reply[65536];
        long total = 0;
        ssize_t n;
        while ((n = read(s, reply, sizeof reply)) > 0) total += n;
        fprintf(stderr, "client got %ld bytes\n", total);
        _exit(0);
    }
    connection = accept(listener, NULL, NULL);
    if (connection < 0) die("accept");
    char request[4096];
    if (recv(connection, request, sizeof request, 0) <= 0) die("recv");
    file = open(argv[2], O_RDONLY);
    if (file < 0) die("open");
    size = file_size(file);
    char header[256];
    int length = snprintf(header, sizeof header, "HTTP/1.1 200 OK\r\nContent-Length: %ld\r\nConnection: close\r\n\r\n", (long)size);
    struct iovec iov = { .iov_base = header, .iov_len = (size_t)length };
    if (writev(connection, &iov, 1) != length) die("writev");
    sem_post(&work);
    pthread_join(pool, NULL);
    close(connection);
    int status;
    waitpid(client, &status, 0);
    return 0;
}
