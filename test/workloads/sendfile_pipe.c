/* sendfile_pipe FILE OUT: parent sendfile()s FILE into a pipe with NULL offset and count 8 MB
 * (larger than the file) until 0; child reads the pipe and writes OUT. Then parent sendfile()s FILE
 * to a second file OUT.2 with an offset pointer starting at 1000. Stats to stderr. */
#include "common.h"
#include <sys/sendfile.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
    if (argc < 3) return 2;
    int p[2]; if (pipe(p) < 0) die("pipe");
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        static char b[16384]; ssize_t n; long tot = 0; int reads = 0, writes = 0;
        while ((n = read(p[0], b, sizeof b)) > 0) { reads++; write_all(out, b, (size_t)n); writes++; tot += n; }
        reads++;
        fprintf(stderr, "child copied %ld bytes pipe->file reads=%d writes=%d\n", tot, reads, writes);
        _exit(0);
    }
    close(p[0]);
    int in = open(argv[1], O_RDONLY); if (in < 0) die("open");
    long tot = 0; int calls = 0; ssize_t n;
    while ((n = sendfile(p[1], in, NULL, 8 << 20)) > 0) { tot += n; calls++; }
    calls++;
    close(p[1]);
    fprintf(stderr, "parent sendfile to pipe %ld bytes in %d calls\n", tot, calls);
    char name[4096]; snprintf(name, sizeof name, "%s.2", argv[2]);
    int out2 = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    off_t off = 1000; long tot2 = 0; calls = 0;
    while ((n = sendfile(out2, in, &off, 8 << 20)) > 0) { tot2 += n; calls++; }
    calls++;
    fprintf(stderr, "parent sendfile to file %ld bytes in %d calls\n", tot2, calls);
    int st; waitpid(pid, &st, 0);
    return 0;
}
