# Sends SRC to a UDP socket bound on port 0 of 127.0.0.1 (the kernel picks the port; getsockname
# tells it) in 1,000-byte datagrams, and writes what that socket receives to DST.
# Usage: python3 udp_ephemeral.py SRC DST
import socket
import sys

receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
receiver.bind(("127.0.0.1", 0))
port = receiver.getsockname()[1]
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
with open(sys.argv[1], "rb") as source, open(sys.argv[2], "wb") as sink:
    while True:
        piece = source.read(1000)
        if not piece:
            break
        sender.sendto(piece, ("127.0.0.1", port))
        sink.write(receiver.recv(2000))
        sink.flush()
