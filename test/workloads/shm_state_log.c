/* shm_state_log NAME LOG LINES: a server that keeps its state in POSIX shared memory, as PostgreSQL
 * does (shm_open + a 1 MiB mmap with PROT_READ|PROT_WRITE and MAP_SHARED), updates it, and writes a
 * log of LINES lines of its own making to LOG, one write of 4 KiB per 64 lines. No byte of the log
 * comes from the segment or from any read: there is no transfer. The segment is unlinked at the end. */
#include "common.h"
#include <sys/mman.h>
#define SEGMENT (1 << 20)
int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: shm_state_log NAME LOG LINES\n"); return 2; }
    int shm = shm_open(argv[1], O_RDWR | O_CREAT | O_EXCL, 0600);
    if (shm < 0) die("shm_open");
    if (ftruncate(shm, SEGMENT) < 0) die("ftruncate");
    unsigned char *state = mmap(NULL, SEGMENT, PROT_READ | PROT_WRITE, MAP_SHARED, shm, 0);
    if (state == MAP_FAILED) die("mmap");
    int log = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log < 0) die("open log");
    long lines = atol(argv[3]);
    char chunk[4096];
    size_t used = 0;
    for (long i = 0; i < lines; i++) {
        state[(i * 4099) % SEGMENT] = (unsigned char)i; /* the state changes */
        used += (size_t)snprintf(chunk + used, sizeof chunk - used, "%08ld checkpoint %-40s\n", i, "done");
        if (used + 64 > sizeof chunk || i == lines - 1) {
            write_all(log, chunk, used);
            used = 0;
        }
    }
    munmap(state, SEGMENT);
    close(shm);
    shm_unlink(argv[1]);
    close(log);
    return 0;
}
