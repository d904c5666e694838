// Maps SRC read-only and writes the mapping to DST in 64 KiB writes (mmap_write). Under
// `perf trace --pf=all` the page faults on the mapping show up: taken by the kernel as it copies each
// write's pages, inside the write; or, with `touch`, by the program itself as it reads each page
// before writing it (user mode: crossings into the kernel strace cannot see).
// Usage: mmap_to_file SRC DST [touch]
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3 && argc != 4) return 2;
  int touch = argc == 4;
  int in = open(argv[1], O_RDONLY);
  struct stat st;
  if (in < 0 || fstat(in, &st) != 0 || st.st_size == 0) return 1;
  char *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, in, 0);
  if (data == MAP_FAILED) return 1;
  int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  volatile unsigned char sum = 0;
  if (touch)
    for (off_t at = 0; at < st.st_size; at += 4096) sum += (unsigned char)data[at];
  for (off_t at = 0; at < st.st_size;) {
    size_t want = st.st_size - at < 65536 ? (size_t)(st.st_size - at) : 65536;
    ssize_t n = write(out, data + at, want);
    if (n <= 0) return 1;
    at += n;
  }
  munmap(data, (size_t)st.st_size);
  return close(out) != 0 || close(in) != 0;
}
