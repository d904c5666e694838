/* uring_cases MODE ...: io_uring rings in the cases a ring's fd number alone cannot tell (raw
 * syscalls, no liburing; uring_ring.h):
 *   reuse A B OUTA OUTB      copy A -> OUTA with ring 1, close everything; copy B -> OUTB with ring 2
 *                            (the same fd numbers again);
 *   then_mmap A OUTA B OUTB  copy A -> OUTA with a ring, close it; then B, opened on the ring's old
 *                            number, is mmapped and written to OUTB;
 *   thread A OUT             the main thread sets up the ring, a second thread copies with it;
 *   mixed A OUT              reads through the ring, writes with plain write(). */
#include "uring_ring.h"
#include <pthread.h>
#define CH 65536
static char buf[CH];

static unsigned long long ring_copy(struct ring *r, int in, int out) {
    unsigned long long off = 0;
    for (;;) {
        int n = ring_do(r, IORING_OP_READ, in, buf, CH, off);
        if (n < 0) { errno = -n; die("read"); }
        if (n == 0) break;
        if (ring_do(r, IORING_OP_WRITE, out, buf, (unsigned)n, off) != n) die("write");
        off += (unsigned long long)n;
    }
    return off;
}

static void copy_with_new_ring(const char *src, const char *dst) {
    int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0) die("open");
    struct ring r;
    if (ring_init(&r, 4) < 0) die("io_uring_setup");
    ring_copy(&r, in, out);
    close(r.fd);
    close(in);
    close(out);
}

static struct ring shared;
static int shared_in, shared_out;
static void *copy_on_thread(void *unused) {
    (void)unused;
    ring_copy(&shared, shared_in, shared_out);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc == 6 && strcmp(argv[1], "reuse") == 0) {
        copy_with_new_ring(argv[2], argv[4]);
        copy_with_new_ring(argv[3], argv[5]);
        return 0;
    }
    if (argc == 6 && strcmp(argv[1], "then_mmap") == 0) {
        copy_with_new_ring(argv[2], argv[3]);
        int out = open(argv[5], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int devnull = open("/dev/null", O_RDONLY);
        int in = open(argv[4], O_RDONLY); /* the ring's old number */
        if (out < 0 || devnull < 0 || in < 0) die("open");
        size_t size = (size_t)file_size(in);
        char *m = mmap(NULL, size, PROT_READ, MAP_PRIVATE, in, 0);
        if (m == MAP_FAILED) die("mmap");
        for (size_t o = 0; o < size; o += CH) write_all(out, m + o, size - o < CH ? size - o : CH);
        munmap(m, size);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "thread") == 0) {
        shared_in = open(argv[2], O_RDONLY);
        shared_out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (shared_in < 0 || shared_out < 0) die("open");
        if (ring_init(&shared, 4) < 0) die("io_uring_setup");
        pthread_t t;
        pthread_create(&t, NULL, copy_on_thread, NULL);
        pthread_join(t, NULL);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "mixed") == 0) {
        int in = open(argv[2], O_RDONLY), out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0) die("open");
        struct ring r;
        if (ring_init(&r, 4) < 0) die("io_uring_setup");
        unsigned long long off = 0;
        for (;;) {
            int n = ring_do(&r, IORING_OP_READ, in, buf, CH, off);
            if (n < 0) { errno = -n; die("read"); }
            if (n == 0) break;
            write_all(out, buf, (size_t)n);
            off += (unsigned long long)n;
        }
        return 0;
    }
    fprintf(stderr, "usage: uring_cases reuse A B OUTA OUTB | then_mmap A OUTA B OUTB | thread A OUT | mixed A OUT\n");
    return 2;
}
