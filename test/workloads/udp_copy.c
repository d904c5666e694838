// Sends SRC as 1,400-byte datagrams from an unconnected UDP socket (sendto names the address each
// time) to a socket bound on 127.0.0.1:PORT in the parent, which writes what it receives to DST.
// The sender's sink is the address its datagrams go to, a loopback one (no NIC, no DMA for it).
// Usage: udp_copy SRC DST PORT
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char buf[65536];

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[3])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  int receiver = socket(AF_INET, SOCK_DGRAM, 0);
  int room = 4 << 20;
  setsockopt(receiver, SOL_SOCKET, SO_RCVBUF, &room, sizeof room);
  if (bind(receiver, (struct sockaddr *)&to, sizeof to) != 0) return 1;
  pid_t child = fork();
  if (child == 0) {
    int sender = socket(AF_INET, SOCK_DGRAM, 0);
    int in = open(argv[1], O_RDONLY);
    ssize_t n;
    while ((n = read(in, buf, 1400)) > 0) {
      sendto(sender, buf, (size_t)n, 0, (struct sockaddr *)&to, sizeof to);
      usleep(50); /* loopback drops datagrams when the receiver falls behind */
    }
    sendto(sender, "", 0, 0, (struct sockaddr *)&to, sizeof to); /* the end */
    _exit(0);
  }
  int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ssize_t n;
  while ((n = recvfrom(receiver, buf, sizeof buf, 0, NULL, NULL)) > 0) write(out, buf, (size_t)n);
  close(out);
  int status;
  waitpid(child, &status, 0);
  return 0;
}
