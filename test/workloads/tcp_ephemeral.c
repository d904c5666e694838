// A TCP server on a port the kernel picks (bind to port 0, then getsockname), which sends SRC to
// the one client it forks; the client writes what it receives to DST. Without -yy the trace names
// the server's socket only by its bind and getsockname: the transfer's sink must carry the port the
// kernel chose, the one the client connected to, not 0.
// Usage: tcp_ephemeral SRC DST
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[65536];

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t length = sizeof address;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 1) != 0) return 1;
  if (getsockname(listener, (struct sockaddr *)&address, &length) != 0) return 1;
  pid_t child = fork();
  if (child == 0) {
    int peer = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(peer, (struct sockaddr *)&address, sizeof address) != 0) _exit(1);
    int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ssize_t n;
    while ((n = read(peer, buf, sizeof buf)) > 0) write(out, buf, (size_t)n);
    _exit(close(out) != 0);
  }
  int connection = accept(listener, NULL, NULL);
  int in = open(argv[1], O_RDONLY);
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0) write(connection, buf, (size_t)n);
  close(connection);
  int status;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
