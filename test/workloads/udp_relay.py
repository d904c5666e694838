# A single-socket UDP relay (like a DNS forwarder) in a child process: datagrams from the client are
# forwarded to an upstream address from the same socket, and the upstream's 10-byte answers go back
# to the client. The relay's sends to the upstream carry the client's bytes: a transfer, not a reply.
# Usage: python3 udp_relay.py RELAY_PORT UPSTREAM_PORT
import os
import socket
import sys

relay_port, upstream_port = int(sys.argv[1]), int(sys.argv[2])
upstream = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
upstream.bind(("127.0.0.1", upstream_port))
relay = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
relay.bind(("127.0.0.1", relay_port))
if os.fork() == 0:
    for _ in range(100):
        data, peer = upstream.recvfrom(4096)
        upstream.sendto(b"ok" * 5, peer)
    os._exit(0)
if os.fork() == 0:
    client = None
    for _ in range(200):
        data, peer = relay.recvfrom(4096)
        if peer[1] == upstream_port:
            relay.sendto(data, client)
        else:
            client = peer
            relay.sendto(data, ("127.0.0.1", upstream_port))
    os._exit(0)
sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(100):
    sender.sendto(os.urandom(1000), ("127.0.0.1", relay_port))
    sender.recvfrom(4096)
os.wait()
os.wait()
