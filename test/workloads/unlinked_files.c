/* unlinked_files DIR: copies files that have no name any more, which strace -y decorates with a
 * trailing `(deleted)` (`3</dir/gone.bin>(deleted)`):
 *   1. DIR/gone.bin is opened, unlinked, and copied with read/write to DIR/out1.bin;
 *   2. DIR/src.bin is sent with sendfile into an O_TMPFILE in DIR, then from it to DIR/out2.bin;
 *   3. a memfd is filled from memory, then sent with sendfile to DIR/out3.bin.
 * DIR/gone.bin and DIR/src.bin must exist (the test makes them). */
#include "common.h"
#include <sys/mman.h>
#include <sys/sendfile.h>

#define MEMFD_BYTES 200000

static void path_in(char *out, size_t size, const char *dir, const char *name) { snprintf(out, size, "%s/%s", dir, name); }

static int create(const char *dir, const char *name) {
    char p[4096];
    path_in(p, sizeof p, dir, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) die("open out");
    return fd;
}

static void send_whole(int out, int in, off_t size) {
    off_t offset = 0;
    while (offset < size) {
        ssize_t n = sendfile(out, in, &offset, (size_t)(size - offset));
        if (n <= 0) die("sendfile");
    }
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: unlinked_files DIR\n"); return 2; }
    const char *dir = argv[1];
    char p[4096];

    path_in(p, sizeof p, dir, "gone.bin");
    int gone = open(p, O_RDONLY);
    if (gone < 0) die("open gone.bin");
    if (unlink(p) != 0) die("unlink");
    int out1 = create(dir, "out1.bin");
    char buf[65536];
    ssize_t n;
    while ((n = read(gone, buf, sizeof buf)) > 0) write_all(out1, buf, (size_t)n);
    close(gone);
    close(out1);

    path_in(p, sizeof p, dir, "src.bin");
    int src = open(p, O_RDONLY);
    if (src < 0) die("open src.bin");
    struct stat st;
    if (fstat(src, &st) != 0) die("fstat");
    int tmp = open(dir, O_TMPFILE | O_RDWR, 0600);
    if (tmp < 0) die("open O_TMPFILE");
    send_whole(tmp, src, st.st_size);
    int out2 = create(dir, "out2.bin");
    if (lseek(tmp, 0, SEEK_SET) != 0) die("lseek");
    send_whole(out2, tmp, st.st_size);
    close(src);
    close(tmp);
    close(out2);

    int mem = memfd_create("cache", 0);
    if (mem < 0) die("memfd_create");
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (char)(i * 13);
    for (size_t done = 0; done < MEMFD_BYTES; done += sizeof buf) write_all(mem, buf, MEMFD_BYTES - done < sizeof buf ? MEMFD_BYTES - done : sizeof buf);
    int out3 = create(dir, "out3.bin");
    if (lseek(mem, 0, SEEK_SET) != 0) die("lseek memfd");
    send_whole(out3, mem, MEMFD_BYTES);
    close(mem);
    close(out3);
    return 0;
}
