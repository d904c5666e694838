/* zero_fill_after_reads SRC WAL: reads three 8 KiB pages of SRC (pread64, as a database reads relation
 * pages), then creates WAL and zero-fills it with one pwritev of 32 iovecs of 8 KiB of zeros, as
 * PostgreSQL prepares a WAL segment. The zeros are no bytes of the pages: there is no transfer. */
#include "common.h"
#include <sys/uio.h>
#define PAGE 8192
static char pages[3][PAGE];
static char zeros[PAGE];
int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: zero_fill_after_reads SRC WAL\n"); return 2; }
    int in = open(argv[1], O_RDONLY);
    if (in < 0) die("open src");
    for (int i = 0; i < 3; i++) if (pread(in, pages[i], PAGE, (off_t)i * PAGE) != PAGE) die("pread");
    int wal = open(argv[2], O_RDWR | O_CREAT | O_EXCL, 0600);
    if (wal < 0) die("open wal");
    struct iovec iov[32];
    for (int i = 0; i < 32; i++) { iov[i].iov_base = zeros; iov[i].iov_len = PAGE; }
    if (pwritev(wal, iov, 32, 0) != 32 * PAGE) die("pwritev");
    close(wal);
    close(in);
    return pages[2][0] == 1 ? 0 : 0; /* the pages are used */
}
