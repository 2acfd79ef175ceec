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
  c1       C1 controls (raw 0x9b, and U+009B as 0xc2 0x9b) in the greeting,
           a CAPA line and the -ERR answering PASS
  drip     message 2 comes one byte every 0.5 s (LIST says its real size)
  slow     every reply after STAT waits 0.4 s (a run that is slow, not stuck)
  capadrip a CAPA line every 0.5 s (20 of them)
  endless  LIST 1 says 100 bytes; RETR 1 sends data without end
  barelf   message 1 holds "a\n.\nrest": a dot after a bare LF is data
  short    LIST 1 says 5000 bytes; RETR 1 ends after 20
  listerr  LIST 2 answers -ERR, RETR 2 sends 200 KB all the same
  apop     a greeting with an APOP timestamp; APOP is refused, USER/PASS
           would be accepted (and logged)
"""
import socket, sys, time

MSGS = [b"Subject: one\r\n\r\nfirst\r\n", b"Subject: two\r\n\r\n" + b"x" * 5000 + b"\r\n"]

def msgs(mode):
    if mode == "barelf":
        return [b"Subject: bare\r\n\r\na\n.\nrest\r\n", MSGS[1]]
    if mode == "drip":
        return [MSGS[0], b"Subject: drip\r\n\r\n" + b"d" * 60 + b"\r\n"]
    if mode == "listerr":
        return [MSGS[0], b"Subject: big\r\n\r\n" + (b"z" * 998 + b"\r\n") * 200]
    return MSGS

def size(mode, n):
    return {"endless": 100, "short": 5000}.get(mode if n == 1 else "", len(msgs(mode)[n - 1]))

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
    body = msgs(mode)[n - 1]
    if mode == "drip" and n == 2:
        conn.sendall(b"+OK\r\n")
        for i in range(len(body)):
            conn.sendall(body[i:i + 1])
            time.sleep(0.5)
        conn.sendall(b".\r\n")
        return True
    if mode == "endless" and n == 1:
        conn.sendall(b"+OK\r\n")
        line = b"y" * 1022 + b"\r\n"
        for i in range(100000):
            conn.sendall(line)
        return False
    if mode == "short" and n == 1:
        conn.sendall(b"+OK\r\nSubject: cut\r\n\r\nx\r\n.\r\n")
        return True
    if mode == "drop" and n == 2:
        conn.sendall(b"+OK\r\n" + body[:len(body) // 2])
        time.sleep(0.2)
        return False
    conn.sendall(b"+OK\r\n" + body + b".\r\n")
    return True

def answer(conn, mode, cmd, arg, dele, f):
    if mode == "slow" and cmd not in ("CAPA", "USER", "PASS", "STAT"):
        time.sleep(0.4)
    if mode == "c1" and cmd == "PASS":
        conn.sendall(b"-ERR \x9b31mraw \xc2\x9b32mencoded\r\n")
    elif mode == "apop" and cmd == "APOP":
        conn.sendall(b"-ERR [AUTH] APOP refused\r\n")
    elif cmd == "CAPA" and mode == "capadrip":
        conn.sendall(b"+OK\r\n")
        for i in range(20):
            conn.sendall(b"X-%d\r\n" % i)
            time.sleep(0.5)
        conn.sendall(b"USER\r\n.\r\n")
    elif cmd == "CAPA":
        caps = b"USER\r\nPIPELINING\r\n" + (b"" if mode == "nouidl" else b"UIDL\r\n")
        if mode == "escape":
            caps += b"X-\x1b[2JCLEAR\r\n"
        if mode == "c1":
            caps += b"X-\x9b2J-\xc2\x9b2J\r\n"
        conn.sendall(b"+OK\r\n" + caps + b".\r\n")
    elif cmd in ("USER", "PASS", "NOOP", "RSET"):
        conn.sendall(b"+OK\r\n")
    elif cmd == "STAT":
        if mode == "garbage":
            conn.sendall(b"+OK lots of mail\r\n")
        else:
            conn.sendall(b"+OK %d %d\r\n" % (len(MSGS), sum(map(len, msgs(mode)))))
    elif cmd == "LIST" and arg == "2" and mode == "listerr":
        conn.sendall(b"-ERR no such message\r\n")
    elif cmd == "LIST" and arg:
        conn.sendall(b"+OK %s %d\r\n" % (arg.encode(), size(mode, int(arg))))
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
    elif mode == "c1":
        conn.sendall(b"+OK \x9b31mraw \xc2\x9b32mencoded ready\r\n")
    elif mode == "apop":
        conn.sendall(b"+OK fake ready <1.2@fake>\r\n")
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
