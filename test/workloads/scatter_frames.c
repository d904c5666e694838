/* scatter_frames OUT: a forked writer sends 20 frames (a 16-byte header, then 4096 payload bytes)
 * into a pipe; the reader takes each with readv into a header buffer and a payload buffer, and writes
 * the payload to OUT. */
#include "common.h"
#include <sys/uio.h>
#include <sys/wait.h>
#define FRAMES 20

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: scatter_frames OUT\n"); return 2; }
    int p[2];
    if (pipe(p) != 0) die("pipe");
    pid_t writer = fork();
    if (writer == 0) {
        close(p[0]);
        char frame[16 + 4096];
        for (int f = 0; f < FRAMES; f++) {
            memcpy(frame, "FRAME ", 6);
            snprintf(frame + 6, 11, "%04d LEN4K", f);
            for (int i = 0; i < 4096; i++) frame[16 + i] = (char)((f * 131 + i * 7) & 0xff);
            write_all(p[1], frame, sizeof frame);
        }
        _exit(0);
    }
    close(p[1]);
    int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) die("open");
    char header[16], payload[4096];
    struct iovec iov[2] = { { header, sizeof header }, { payload, sizeof payload } };
    while (readv(p[0], iov, 2) == (ssize_t)(sizeof header + sizeof payload)) write_all(out, payload, sizeof payload);
    int status;
    waitpid(writer, &status, 0);
    return 0;
}
