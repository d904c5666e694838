# A UDP echo server (unconnected socket: recvfrom, then sendto back to the sender) in a child process,
# and its client, which sends fresh bytes and reads each echo back. Nothing is copied from one
# endpoint to another: every send is either new data or a reply to where the bytes came from.
# Usage: python3 udp_echo.py PORT
import os
import socket
import sys

port = int(sys.argv[1])
server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server.bind(("127.0.0.1", port))
if os.fork() == 0:
    for _ in range(100):
        data, peer = server.recvfrom(4096)
        server.sendto(data, peer)
    os._exit(0)
client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(100):
    client.sendto(os.urandom(1000), ("127.0.0.1", port))
    client.recvfrom(4096)
os.wait()
