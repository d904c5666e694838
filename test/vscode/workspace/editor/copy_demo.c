/* I/O Lens editor fixture: copies a file twice, once with a read/write loop through a 64 KiB
 * buffer and once with sendfile, so a -k trace has two call sites per strategy to resolve.
 * Build: gcc -g -O0 -o copy_demo copy_demo.c    Run: ./copy_demo in.bin out_rw.bin out_sf.bin */
#include <fcntl.h>
#include <stdio.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

static char buf[65536];

static int copy_rw(const char *src, const char *dst) {
  int in = open(src, O_RDONLY);
  int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || out < 0) return 1;
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0) {
    if (write(out, buf, (size_t)n) != n) return 1;
  }
  close(in);
  close(out);
  return n < 0;
}

static int copy_sendfile(const char *src, const char *dst) {
  int in = open(src, O_RDONLY);
  int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || out < 0) return 1;
  struct stat st;
  if (fstat(in, &st) != 0) return 1;
  off_t off = 0;
  while (off < st.st_size) {
    ssize_t n = sendfile(out, in, &off, 262144);
    if (n <= 0) return 1;
  }
  close(in);
  close(out);
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s in out_rw out_sendfile\n", argv[0]);
    return 2;
  }
  return copy_rw(argv[1], argv[2]) || copy_sendfile(argv[1], argv[3]);
}
