#!/usr/bin/python3
"""tests/pop3/fakepop3.py - scripted POP3 servers for pop3get fault tests.

usage: fakepop3.py MODE PORTFILE LOGFILE
Listens on a free port of 127.0.0.1 (written to PORTFILE), serves
connections one after another and logs every command received to LOGFILE
(PASS arguments included, so tests can check what was sent). A DELE takes
effect only at a QUIT, as RFC 1939 says; "COMMITTED n" is logged then.
MODE:
  drop     two messages; the connection drops in the middle of RETR 2
  garbage  STAT answers with nonsense
  nouidl   no UIDL in CAPA, UIDL answers -ERR
  silent   accepts, never says anything
  longline a greeting of 5000 bytes without a line end
  escape   terminal escape sequences in the greeting and a CAPA line
"""
import socket, sys, time

MSGS = [b"Subject: one\r\n\r\nfirst\r\n", b"Subject: two\r\n\r\n" + b"x" * 5000 + b"\r\n"]

def log(f, line):
    f.write(line + "\n")
    f.flush()

def lines(conn):
    buf = b""
    while True:
        while b"\n" not in buf:
            d = conn.recv(4096)
            if not d:
                return
            buf += d
        line, buf = buf.split(b"\n", 1)
        yield line.rstrip(b"\r").decode("latin-1")

def retr(conn, mode, n):
    body = MSGS[n - 1]
    if mode == "drop" and n == 2:
        conn.sendall(b"+OK\r\n" + body[:len(body) // 2])
        time.sleep(0.2)
        return False
    conn.sendall(b"+OK\r\n" + body + b".\r\n")
    return True

def answer(conn, mode, cmd, arg, dele, f):
    if cmd == "CAPA":
        caps = b"USER\r\nPIPELINING\r\n" + (b"" if mode == "nouidl" else b"UIDL\r\n")
        if mode == "escape":
            caps += b"X-\x1b[2JCLEAR\r\n"
        conn.sendall(b"+OK\r\n" + caps + b".\r\n")
    elif cmd in ("USER", "PASS", "NOOP", "RSET"):
        conn.sendall(b"+OK\r\n")
    elif cmd == "STAT":
        if mode == "garbage":
            conn.sendall(b"+OK lots of mail\r\n")
        else:
            conn.sendall(b"+OK %d %d\r\n" % (len(MSGS), sum(map(len, MSGS))))
    elif cmd == "LIST" and arg:
        conn.sendall(b"+OK %s %d\r\n" % (arg.encode(), len(MSGS[int(arg) - 1])))
    elif cmd == "UIDL" and arg and mode != "nouidl":
        conn.sendall(b"+OK %s uid-%s\r\n" % (arg.encode(), arg.encode()))
    elif cmd == "RETR":
        return retr(conn, mode, int(arg))
    elif cmd == "DELE":
        dele.append(arg)
        conn.sendall(b"+OK\r\n")
    elif cmd == "QUIT":
        for d in dele:
            log(f, "COMMITTED " + d)
        conn.sendall(b"+OK bye\r\n")
        return False
    else:
        conn.sendall(b"-ERR unknown\r\n")
    return True

def serve(conn, mode, f):
    if mode == "silent":
        time.sleep(30)
        return
    if mode == "longline":
        conn.sendall(b"+OK " + b"x" * 5000)
        time.sleep(1)
        return
    if mode == "escape":
        conn.sendall(b"+OK \x1b]0;pwned\x07fake ready\r\n")
    else:
        conn.sendall(b"+OK fake ready\r\n")
    dele = []
    for line in lines(conn):
        log(f, line)
        cmd, _, arg = line.partition(" ")
        if not answer(conn, mode, cmd.upper(), arg, dele, f):
            return

def main():
    mode, portfile, logfile = sys.argv[1:4]
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(5)
    with open(portfile + ".tmp", "w") as p:
        p.write("%d\n" % s.getsockname()[1])
    import os
    os.rename(portfile + ".tmp", portfile)
    f = open(logfile, "a")
    while True:
        conn, _ = s.accept()
        try:
            serve(conn, mode, f)
        except (BrokenPipeError, ConnectionResetError):
            pass
        conn.close()

main()
