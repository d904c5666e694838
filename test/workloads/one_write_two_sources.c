/* one_write_two_sources files A B OUT: reads all of A, then all of B (one read each, sized by fstat),
 *   and writes both in ONE write to OUT (like a script that does out.write(a + b)).
 * one_write_two_sources threads SRC OUT: two threads each pread half of SRC into one buffer and stay
 *   alive; the main thread then writes the whole buffer in ONE write. */
#include "common.h"
#include <pthread.h>
#include <semaphore.h>

static char *buf;
static int in;
static size_t half, total;
static sem_t done, quit;

static void *read_half(void *which) {
    size_t off = which != NULL ? half : 0;
    size_t len = which != NULL ? total - half : half;
    if (pread(in, buf + off, len, (off_t)off) != (ssize_t)len) die("pread");
    sem_post(&done);
    sem_wait(&quit); /* still alive when main writes */
    return NULL;
}

static size_t size_of(int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0) die("fstat");
    return (size_t)st.st_size;
}

int main(int argc, char **argv) {
    if (argc == 5 && strcmp(argv[1], "files") == 0) {
        int a = open(argv[2], O_RDONLY), b = open(argv[3], O_RDONLY);
        if (a < 0 || b < 0) die("open");
        size_t na = size_of(a), nb = size_of(b);
        buf = malloc(na + nb);
        if (read(a, buf, na) != (ssize_t)na || read(b, buf + na, nb) != (ssize_t)nb) die("read");
        int out = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0) die("open out");
        write_all(out, buf, na + nb);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "threads") == 0) {
        in = open(argv[2], O_RDONLY);
        if (in < 0) die("open");
        total = size_of(in);
        half = total / 2;
        buf = malloc(total);
        sem_init(&done, 0, 0);
        sem_init(&quit, 0, 0);
        pthread_t t[2];
        for (long i = 0; i < 2; i++) pthread_create(&t[i], NULL, read_half, (void *)i);
        sem_wait(&done);
        sem_wait(&done);
        int out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0) die("open out");
        write_all(out, buf, total);
        sem_post(&quit);
        sem_post(&quit);
        pthread_join(t[0], NULL);
        pthread_join(t[1], NULL);
        return 0;
    }
    fprintf(stderr, "usage: one_write_two_sources files A B OUT | threads SRC OUT\n");
    return 2;
}
