"""I/O Lens editor fixture: copies a file with os.sendfile, then with a read/write loop."""
import os
import sys


def copy_sendfile(src, dst):
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        size = os.fstat(fin.fileno()).st_size
        offset = 0
        while offset < size:
            sent = os.sendfile(fout.fileno(), fin.fileno(), offset, 262144)
            if sent == 0:
                break
            offset += sent


def copy_loop(src, dst):
    fin = os.open(src, os.O_RDONLY)
    fout = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    while True:
        chunk = os.read(fin, 65536)
        if not chunk:
            break
        os.write(fout, chunk)
    os.close(fin)
    os.close(fout)


if __name__ == "__main__":
    copy_sendfile(sys.argv[1], sys.argv[2])
    copy_loop(sys.argv[1], sys.argv[3])
