/* cfr_fallback SRC DST append|trunc|splice: tries copy_file_range(2) first, as cat(1) and Go's io.Copy
 * do, and falls back to a read()/write() loop of 64 KiB when the kernel refuses (EBADF: DST opened with
 * O_APPEND; EXDEV, EINVAL, EOPNOTSUPP, ENOSYS). An empty SRC: copy_file_range returns 0, done.
 * `splice`: tries splice(2) file -> file first instead, as pv(1) does (EINVAL: neither end is a pipe). */
#include "common.h"
static char buf[65536];
int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: cfr_fallback SRC DST append|trunc|splice\n"); return 2; }
    int in = open(argv[1], O_RDONLY);
    if (in < 0) die("open src");
    int mode = strcmp(argv[3], "append") == 0 ? O_APPEND : O_TRUNC;
    int out = open(argv[2], O_WRONLY | O_CREAT | mode, 0644);
    if (out < 0) die("open dst");
    int try_splice = strcmp(argv[3], "splice") == 0;
    for (;;) {
        ssize_t n = try_splice ? splice(in, NULL, out, NULL, 131072, SPLICE_F_MORE) : copy_file_range(in, NULL, out, NULL, 1 << 20, 0);
        if (n == 0) break;
        if (n > 0) continue;
        if (errno != EBADF && errno != EXDEV && errno != EINVAL && errno != EOPNOTSUPP && errno != ENOSYS) die(try_splice ? "splice" : "copy_file_range");
        ssize_t r;
        while ((r = read(in, buf, sizeof buf)) > 0) write_all(out, buf, (size_t)r);
        if (r < 0) die("read");
        break;
    }
    close(in);
    close(out);
    return 0;
}
