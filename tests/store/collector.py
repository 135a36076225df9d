#!/usr/bin/env python3
"""collector.py - a syslog collector over TCP that breaks the first connection on purpose.

Prints its port, then: the first connection is read for BREAK bytes and reset (SO_LINGER 0, the
way a crashed collector looks to the sender); every later connection is read to its end and
closed, which confirms delivery to vigie. Each connection's bytes go to OUT.N (raw octet-counted
frames). Exits after the connection numbered LAST has ended.

With a fourth argument "all", every connection is reset after BREAK bytes; with "hold", no
connection is broken, and each is kept open 8 seconds after the sender's end instead of being
closed: the sender never gets its confirmation.

Usage: collector.py OUT BREAK LAST [all|hold]
"""
import socket
import struct
import time
import sys

out, brk, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
every = len(sys.argv) > 4 and sys.argv[4] == "all"
hold = len(sys.argv) > 4 and sys.argv[4] == "hold"
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(4)
srv.settimeout(60)
print(srv.getsockname()[1], flush=True)
for n in range(1, last + 1):
    c, _ = srv.accept()
    c.settimeout(30)
    got = bytearray()
    breaks = (n == 1 or every) and not hold
    while not breaks or len(got) < brk:
        d = c.recv(65536)
        if not d:
            break
        got += d
    if breaks:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    if hold:
        time.sleep(8)
    c.close()
    with open("%s.%d" % (out, n), "wb") as f:
        f.write(got)
