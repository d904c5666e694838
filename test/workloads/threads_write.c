/* threads_write OUT: four threads each write 2,000 blocks of 4,096 bytes to OUT at once. Their calls
 * overlap, so strace prints some of them cut in two (`<unfinished ...>`, then the exit part). */
#include "common.h"
#include <pthread.h>

#define THREADS 4
#define BLOCKS 2000
#define BLOCK 4096

static int out;

static void *writer(void *arg) {
    (void)arg;
    char block[BLOCK];
    memset(block, 'z', sizeof block);
    for (int i = 0; i < BLOCKS; i++) write_all(out, block, sizeof block);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: threads_write OUT\n"); return 2; }
    out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) die("open");
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, writer, NULL);
    for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
    return 0;
}
