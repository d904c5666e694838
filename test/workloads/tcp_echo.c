// One process, both ends of a loopback TCP connection (single-threaded: the data sizes fit in the
// socket buffers). The server sends SRC to the client, which saves it to DST but keeps its last
// 100 bytes in memory; then the client uploads UP, and the server echoes it back in 4,096-byte
// writes, which the client reads and drops. The echo is a reply (bytes sent back where they came
// from), not a transfer from the client's socket, whose unsent 100 bytes are still waiting.
// SRC up to ~100 KB and UP up to 64 KiB (what the loopback buffers hold). Usage: tcp_echo SRC DST UP
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[262144];

static int drain(int fd, size_t total) {
  for (size_t got = 0; got < total;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return 1;
    got += (size_t)n;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t length = sizeof address;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 1) != 0) return 1;
  getsockname(listener, (struct sockaddr *)&address, &length);
  int client = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(client, (struct sockaddr *)&address, sizeof address) != 0) return 1;
  int server = accept(listener, NULL, NULL);

  /* The server sends SRC; the client saves all of it but its last 100 bytes. */
  int src = open(argv[1], O_RDONLY);
  ssize_t n;
  size_t sent = 0;
  while ((n = read(src, buf, 65536)) > 0) {
    if (send(server, buf, (size_t)n, 0) != n) return 1;
    sent += (size_t)n;
  }
  close(src);
  int dst = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  static char kept[262144];
  for (size_t got = 0; got < sent;) {
    n = recv(client, kept, sizeof kept, 0);
    if (n <= 0) return 1;
    got += (size_t)n;
    size_t keep = got == sent ? 100 : 0;
    if ((size_t)n > keep && write(dst, kept, (size_t)n - keep) != (ssize_t)((size_t)n - keep)) return 1;
  }
  close(dst);

  /* The client uploads UP; the server echoes it back in 4 KiB writes. */
  int up = open(argv[3], O_RDONLY);
  ssize_t upload = read(up, buf, 65536);
  close(up);
  if (upload <= 0 || send(client, buf, (size_t)upload, 0) != upload) return 1;
  static char echo[65536];
  ssize_t got = recv(server, echo, (size_t)upload, MSG_WAITALL);
  if (got != upload) return 1;
  for (ssize_t at = 0; at < got; at += 4096) {
    size_t piece = got - at < 4096 ? (size_t)(got - at) : 4096;
    if (send(server, echo + at, piece, 0) != (ssize_t)piece) return 1;
  }
  return drain(client, (size_t)got);
}
