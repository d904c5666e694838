// Copies SRC to DST after reading all of it: the reads come first (64 KiB each, into one buffer),
// SRC is closed, then the writes. The first write sends the FIRST read's bytes, not the last's:
// the analysis must keep every unsent read in order (io-model.md: the printed prefixes agree).
// Usage: slurp_copy MODE SRC DST, MODE one of
//   chunks  writes of 64 KiB;
//   whole   one write of everything;
//   pieces  writes of 10,000 bytes (not a read's size: with repeating data, such as zeros, every
//           read prints the same prefix, and only the order of the reads tells which one a write sends);
//   gather  rounds of three reads (10,000, 20,000, 30,000 bytes) sent by one writev with a
//           4-byte header iovec before them (the header is not payload).
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static char buf[4 << 20];

static int copy_gather(int in, int out) {
  static char a[10000], b[20000], c[30000];
  char header[] = "HDR:";
  for (;;) {
    ssize_t x = read(in, a, sizeof a);
    if (x <= 0) return x < 0;
    ssize_t y = read(in, b, sizeof b);
    ssize_t z = y > 0 ? read(in, c, sizeof c) : 0;
    if (y < 0 || z < 0) return 1;
    struct iovec v[4] = {{header, 4}, {a, (size_t)x}, {b, (size_t)y}, {c, (size_t)z}};
    if (writev(out, v, 4) != 4 + x + y + z) return 1;
  }
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: slurp_copy chunks|whole|pieces|gather SRC DST\n");
    return 2;
  }
  int in = open(argv[2], O_RDONLY);
  int out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || out < 0) return 1;
  if (strcmp(argv[1], "gather") == 0) return copy_gather(in, out);
  size_t total = 0;
  ssize_t n;
  while (total < sizeof buf && (n = read(in, buf + total, 65536)) > 0) total += (size_t)n;
  close(in);
  size_t step = strcmp(argv[1], "whole") == 0 ? total : strcmp(argv[1], "pieces") == 0 ? 10000 : 65536;
  for (size_t sent = 0; sent < total;) {
    size_t want = total - sent < step ? total - sent : step;
    n = write(out, buf + sent, want);
    if (n <= 0) return 1;
    sent += (size_t)n;
  }
  return close(out) != 0;
}
