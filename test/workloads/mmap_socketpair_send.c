/* mmap_socketpair_send SRC CHUNK [rw]: maps SRC and sends it on one end of a socketpair in send() calls of
 * CHUNK bytes straight from the mapping, while a thread receives it on the other end in recv() calls
 * of 64 KiB (and drops it). A send of more than the socket buffer ends only after the thread has
 * received its first bytes: strace prints that recv, with the same bytes, before the send's result.
 * One transfer: SRC -> the sending end, mmap_write, every byte of SRC; the receiving end is the
 * peer of the sink, not a source of it. `rw`: SRC is opened O_RDWR and mapped PROT_READ|PROT_WRITE,
 * MAP_SHARED, as Python's mmap.mmap(f.fileno(), 0) maps a file opened "r+b": still the source. */
#include "common.h"
#include <pthread.h>
#include <sys/mman.h>
static int peer;
static size_t total;
static void *receiver(void *arg) {
    (void)arg;
    static char buf[65536];
    size_t got = 0;
    while (got < total) {
        ssize_t n = recv(peer, buf, sizeof buf, 0);
        if (n <= 0) die("recv");
        got += (size_t)n;
    }
    return NULL;
}
int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: mmap_socketpair_send SRC CHUNK [rw]\n"); return 2; }
    int writable = argc > 3 && strcmp(argv[3], "rw") == 0;
    int in = open(argv[1], writable ? O_RDWR : O_RDONLY);
    if (in < 0) die("open");
    struct stat st;
    if (fstat(in, &st) < 0) die("fstat");
    total = (size_t)st.st_size;
    size_t chunk = (size_t)atol(argv[2]);
    char *data = writable ? mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, in, 0) : mmap(NULL, total, PROT_READ, MAP_PRIVATE, in, 0);
    if (data == MAP_FAILED) die("mmap");
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0) die("socketpair");
    peer = pair[1];
    pthread_t thread;
    if (pthread_create(&thread, NULL, receiver, NULL) != 0) die("pthread_create");
    for (size_t off = 0; off < total;) {
        size_t n = total - off < chunk ? total - off : chunk;
        ssize_t sent = send(pair[0], data + off, n, 0);
        if (sent <= 0) die("send");
        off += (size_t)sent;
    }
    pthread_join(thread, NULL);
    munmap(data, total);
    return 0;
}
