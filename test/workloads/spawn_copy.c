// posix_spawn with file actions: the child's stdout becomes OUT (dup2) before it runs `cat SRC`; the
// parent, meanwhile blocked (glibc spawns with clone3 and CLONE_VFORK), then copies SRC2 to its own
// stdout. The child's dup2 is the child's: the parent's fd 1 is still its stdout.
// Usage: spawn_copy CAT SRC OUT SRC2   (run with stdout redirected to a file). CAT is `cat` (posix_spawnp
// searches PATH: failed execve calls first) or a path (posix_spawn: one execve).
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s CAT SRC OUT SRC2\n", argv[0]);
    return 2;
  }
  int out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0) {
    perror("open");
    return 1;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_addclose(&actions, out);
  char *child_argv[] = {argv[1], argv[2], NULL};
  pid_t pid;
  int spawned = strchr(argv[1], '/') != NULL ? posix_spawn(&pid, argv[1], &actions, NULL, child_argv, environ)
                                             : posix_spawnp(&pid, argv[1], &actions, NULL, child_argv, environ);
  if (spawned != 0) {
    perror("posix_spawnp");
    return 1;
  }
  close(out);
  int status;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
  int in = open(argv[4], O_RDONLY);
  static char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write(1, buf, (size_t)n) != n) return 1;
  return n == 0 && close(in) == 0 ? 0 : 1;
}
