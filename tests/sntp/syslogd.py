#!/usr/bin/python3
"""tests/sntp/syslogd.py SOCKET OUT - a minimal syslog receiver for the
sntpc -L test: each datagram on the unix socket SOCKET becomes one line of
OUT; OUT.ready appears once it listens."""
import socket, sys

path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
open(out + ".ready", "w").close()
with open(out, "a", buffering=1) as f:
    while True:
        f.write(s.recv(4096).decode(errors="replace").rstrip("\n") + "\n")
