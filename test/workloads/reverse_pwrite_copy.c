// Copies SRC to DST the way a database backs up its pages: preads every block of BLOCK bytes first,
// then pwrites them last to first at their own offsets, then writes a 12-byte header of its own (a
// magic and a count, from another buffer) to JOURNAL at offset 0. One transfer SRC -> DST of every
// byte in pread64/pwrite64 calls, and none to JOURNAL. Usage: reverse_pwrite_copy SRC DST BLOCK JOURNAL
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: reverse_pwrite_copy SRC DST BLOCK JOURNAL\n");
    return 2;
  }
  int in = open(argv[1], O_RDONLY);
  int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  int journal = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  size_t block = (size_t)atol(argv[3]);
  struct stat st;
  if (in < 0 || out < 0 || journal < 0 || block == 0 || fstat(in, &st) != 0) return 1;
  size_t blocks = ((size_t)st.st_size + block - 1) / block;
  char *pages = malloc(blocks * block);
  ssize_t *got = calloc(blocks, sizeof *got);
  if (pages == NULL || got == NULL) return 1;
  for (size_t i = 0; i < blocks; i++) {
    got[i] = pread(in, pages + i * block, block, (off_t)(i * block));
    if (got[i] < 0) return 1;
  }
  for (size_t i = blocks; i-- > 0;) {
    if (pwrite(out, pages + i * block, (size_t)got[i], (off_t)(i * block)) != got[i]) return 1;
  }
  unsigned char header[12] = {0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7};
  uint32_t count = (uint32_t)blocks;
  memcpy(header + 8, &count, sizeof count);
  if (pwrite(journal, header, sizeof header, 0) != (ssize_t)sizeof header) return 1;
  return close(out) == 0 && close(journal) == 0 ? 0 : 1;
}
