/* two_client_server PORT FILE: a single-threaded file server and its two clients (forked) in one
 * program. It reads client 1's request and the file, then (event-loop order) client 2's request, and
 * only then sends client 1 its response as writev(header, body); then client 2 its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/wait.h>
static char body[65536];
static void respond(int c, const char *path) {
  int f = open(path, O_RDONLY);
  ssize_t n = read(f, body, sizeof body);
  close(f);
  char hdr[256];
  int h = snprintf(hdr, sizeof hdr, "HTTP/1.0 200 OK\r\nServer: tiny\r\nContent-Type: application/octet-stream\r\nContent-Length: %zd\r\n\r\n", n);
  struct iovec iov[2] = {{hdr, h}, {body, n}};
  writev(c, iov, 2);
}
static void client(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  while (connect(s, (void *)&a, sizeof a) < 0) usleep(1000);
  const char *request = "GET /page.bin HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: two_client_server\r\n\r\n";
  if (write(s, request, strlen(request)) < 0) _exit(1);
  char reply[65536];
  while (read(s, reply, sizeof reply) > 0) {}
  _exit(0);
}
int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: two_client_server PORT FILE\n"); return 2; }
  int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(s, (void *)&a, sizeof a) != 0 || listen(s, 8) != 0) { perror("bind"); return 1; }
  if (fork() == 0) client(atoi(argv[1]));
  int c1 = accept(s, 0, 0);
  if (fork() == 0) client(atoi(argv[1]));
  int c2 = accept(s, 0, 0);
  char req1[1024], req2[1024];
  read(c1, req1, sizeof req1);
  int f = open(argv[2], O_RDONLY); ssize_t n = read(f, body, sizeof body); close(f);
  read(c2, req2, sizeof req2);            // client 2's request arrives meanwhile
  char hdr[256];
  int h = snprintf(hdr, sizeof hdr, "HTTP/1.0 200 OK\r\nServer: tiny\r\nContent-Type: application/octet-stream\r\nContent-Length: %zd\r\n\r\n", n);
  struct iovec iov[2] = {{hdr, h}, {body, n}};
  writev(c1, iov, 2);
  close(c1);
  respond(c2, argv[2]);
  close(c2);
  while (wait(NULL) > 0) {}
  return 0;
}
