// pass_fd IN OUT: the parent opens both files after forking and passes the two descriptors to its
// child in one message over a unix socketpair (SCM_RIGHTS); the child copies IN to OUT with
// read/write. Without -y the child's trace shows only the numbers it received.
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void send_fds(int sock, const int fds[2]) {
  char byte = 'F';
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  char control[CMSG_SPACE(2 * sizeof(int))];
  memset(control, 0, sizeof control);
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(2 * sizeof(int));
  memcpy(CMSG_DATA(cmsg), fds, 2 * sizeof(int));
  if (sendmsg(sock, &msg, 0) != 1) { perror("sendmsg"); exit(1); }
}

static void recv_fds(int sock, int fds[2]) {
  char byte;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  char control[CMSG_SPACE(2 * sizeof(int))];
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1) { perror("recvmsg"); exit(1); }
  struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);
  memcpy(fds, CMSG_DATA(cmsg), 2 * sizeof(int));
}

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: pass_fd IN OUT\n"); return 2; }
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) { perror("socketpair"); return 1; }
  pid_t child = fork();
  if (child == 0) {
    close(pair[0]);
    int fds[2];
    recv_fds(pair[1], fds);
    char buf[65536];
    ssize_t n;
    long total = 0;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) {
      if (write(fds[1], buf, n) != n) { perror("write"); return 1; }
      total += n;
    }
    close(fds[0]);
    close(fds[1]);
    fprintf(stderr, "child copied %ld\n", total);
    return 0;
  }
  close(pair[1]);
  int files[2] = { open(argv[1], O_RDONLY), open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644) };
  if (files[0] < 0 || files[1] < 0) { perror("open"); return 1; }
  send_fds(pair[0], files);
  close(files[0]);
  close(files[1]);
  int status;
  waitpid(child, &status, 0);
  return 0;
}
