// Copies SRC to DST through one 4 KiB buffer, then formats a summary line into that same buffer
// and writes it to LOG. Under perf trace (buffers are addresses) the log line comes from the
// address the last read used, but it is not the copied data. Usage: copy_then_log SRC DST LOG
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static char buf[4096];

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  int in = open(argv[1], O_RDONLY);
  int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int log = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || out < 0 || log < 0) return 1;
  ssize_t n;
  long total = 0;
  while ((n = read(in, buf, sizeof buf)) > 0) {
    if (write(out, buf, (size_t)n) != n) return 1;
    total += n;
  }
  int length = snprintf(buf, sizeof buf, "copied %ld bytes\n", total);
  return write(log, buf, (size_t)length) != length;
}
