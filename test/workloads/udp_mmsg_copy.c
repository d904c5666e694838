// Sends SRC over a connected UDP socket as 1,000-byte datagrams, eight per sendmmsg, to a socket
// bound on 127.0.0.1:PORT in the parent, which takes up to eight per recvmmsg and writes each to
// DST. The result of sendmmsg/recvmmsg counts messages, not bytes: each message's msg_len does.
// An empty datagram ends the stream. BATCH (default 8, at most 64) messages per call: strace prints
// 32 of a call's messages at most. Usage: udp_mmsg_copy SRC DST PORT [BATCH]
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_BATCH 64

int main(int argc, char **argv) {
  if (argc != 4 && argc != 5) return 2;
  int batch = argc == 5 ? atoi(argv[4]) : 8;
  if (batch < 1 || batch > MAX_BATCH) return 2;
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[3])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  int receiver = socket(AF_INET, SOCK_DGRAM, 0);
  int room = 4 << 20;
  setsockopt(receiver, SOL_SOCKET, SO_RCVBUF, &room, sizeof room);
  if (bind(receiver, (struct sockaddr *)&to, sizeof to) != 0) return 1;
  pid_t child = fork();
  if (child == 0) {
    static char pieces[MAX_BATCH][1000];
    int sender = socket(AF_INET, SOCK_DGRAM, 0);
    if (connect(sender, (struct sockaddr *)&to, sizeof to) != 0) _exit(1);
    int in = open(argv[1], O_RDONLY);
    for (;;) {
      struct mmsghdr messages[MAX_BATCH];
      struct iovec vectors[MAX_BATCH];
      int count = 0;
      for (; count < batch; count++) {
        ssize_t n = read(in, pieces[count], sizeof pieces[count]);
        if (n <= 0) break;
        vectors[count] = (struct iovec){pieces[count], (size_t)n};
        memset(&messages[count], 0, sizeof messages[count]);
        messages[count].msg_hdr.msg_iov = &vectors[count];
        messages[count].msg_hdr.msg_iovlen = 1;
      }
      if (count == 0) break;
      sendmmsg(sender, messages, (unsigned)count, 0);
      usleep(200); /* loopback drops datagrams when the receiver falls behind */
    }
    send(sender, "", 0, 0);
    _exit(0);
  }
  int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  static char received[MAX_BATCH][2000];
  for (int done = 0; !done;) {
    struct mmsghdr messages[MAX_BATCH];
    struct iovec vectors[MAX_BATCH];
    for (int k = 0; k < batch; k++) {
      vectors[k] = (struct iovec){received[k], sizeof received[k]};
      memset(&messages[k], 0, sizeof messages[k]);
      messages[k].msg_hdr.msg_iov = &vectors[k];
      messages[k].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg(receiver, messages, (unsigned)batch, MSG_WAITFORONE, NULL);
    if (n <= 0) break;
    for (int k = 0; k < n; k++) {
      if (messages[k].msg_len == 0) {
        done = 1;
        break;
      }
      write(out, received[k], messages[k].msg_len);
    }
  }
  close(out);
  int status;
  waitpid(child, &status, 0);
  return 0;
}
