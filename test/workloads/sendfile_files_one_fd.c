/* sendfile_files_one_fd OUT FILE...: sends each FILE to OUT with sendfile(2), one after another, each
 * opened on the number the one before it closed (perf trace names an fd from its own table, late). */
#include "common.h"
#include <sys/sendfile.h>
int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: sendfile_files_one_fd OUT FILE...\n"); return 2; }
    int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) die("open out");
    for (int i = 2; i < argc; i++) {
        int in = open(argv[i], O_RDONLY);
        if (in < 0) die("open");
        off_t size = file_size(in);
        for (off_t sent = 0; sent < size;) {
            ssize_t n = sendfile(out, in, NULL, (size_t)(size - sent));
            if (n <= 0) die("sendfile");
            sent += n;
        }
        close(in);
    }
    return 0;
}
