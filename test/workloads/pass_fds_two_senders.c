/* pass_fds_two_senders SOCK A B OUTA OUTB: two children each open a file (A, B) and pass it over a
 * unix socket connected by path SOCK; the parent accepts both and copies what each passed (A to
 * OUTA, B to OUTB), taking the second connection first. Without -y nothing in the trace says which
 * connection is whose. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
static const char *P;
static void sendfd(int s, int fd) {
  char b = 'x'; struct iovec iov = {&b, 1};
  union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
  struct msghdr m = {0}; m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = u.buf; m.msg_controllen = sizeof u.buf;
  struct cmsghdr *c = CMSG_FIRSTHDR(&m); c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  sendmsg(s, &m, 0);
}
static int recvfd(int s) {
  char b; struct iovec iov = {&b, 1};
  union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } u;
  struct msghdr m = {0}; m.msg_iov = &iov; m.msg_iovlen = 1; m.msg_control = u.buf; m.msg_controllen = sizeof u.buf;
  recvmsg(s, &m, 0);
  int fd; memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof fd); return fd;
}
static void child(const char *file) {
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX}; strcpy(a.sun_path, P);
  while (connect(s, (void *)&a, sizeof a) < 0) usleep(1000);
  int fd = open(file, O_RDONLY);
  sendfd(s, fd);
  char b; read(s, &b, 1);   // wait until the parent is done
  _exit(0);
}
static void copy(int in, const char *out) {
  int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644); char buf[65536]; ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0) write(o, buf, n);
  close(o); close(in);
}
int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: pass_fds_two_senders SOCK A B OUTA OUTB\n"); return 2; }
  P = argv[1];
  unlink(P);
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX}; strcpy(a.sun_path, P);
  bind(l, (void *)&a, sizeof a); listen(l, 4);
  if (fork() == 0) child(argv[2]);
  int c1 = accept(l, 0, 0);
  if (fork() == 0) child(argv[3]);
  int c2 = accept(l, 0, 0);
  usleep(200000);             // both have sent
  int f2 = recvfd(c2);        // second connection first
  int f1 = recvfd(c1);
  copy(f2, argv[5]);
  copy(f1, argv[4]);
  write(c1, "k", 1); write(c2, "k", 1);
  wait(0); wait(0);
  return 0;
}
