#!/usr/bin/python3
"""tests/tls/fake_starttls.py MODE PORTFILE LOG - a hostile or limited mail
server on 127.0.0.1 (free port written to PORTFILE), one client at a time,
every line received appended to LOG. MODE:
  smtp-inject   answers STARTTLS with "220" and, in the same packet, a
                forged "250" (CVE-2011-0411 class command injection)
  smtp-plain    never offers STARTTLS, accepts anything
  smtp-refuse   offers STARTTLS, answers it "454", then accepts anything
  pop3-inject   answers STLS with "+OK" plus a forged "+OK" line
  pop3-plain    CAPA without STLS, accepts anything
  pop3-refuse   CAPA with STLS, answers it "-ERR", then accepts anything
  tls-silent    accepts the connection and never says a word: a TLS
                handshake (implicit TLS) waits for its ServerHello forever
  smtp-stall    answers STARTTLS "220", then never answers the handshake
  pop3-stall    answers STLS "+OK", then never answers the handshake
"""
import socket
import sys

mode, portfile, logname = sys.argv[1:4]
smtp = mode.startswith("smtp")


def reply(line):
    cmd = line.split(b" ")[0].upper()
    if smtp:
        if cmd in (b"EHLO", b"HELO"):
            ext = b"" if mode == "smtp-plain" else b"250-STARTTLS\r\n"
            return b"250-fake.example\r\n" + ext + b"250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
        if cmd == b"STARTTLS" and mode == "smtp-inject":
            return b"220 2.0.0 go ahead\r\n250 2.0.0 injected\r\n"
        if cmd == b"STARTTLS" and mode == "smtp-stall":
            return b"220 2.0.0 go ahead\r\n"
        if cmd == b"STARTTLS" and mode == "smtp-refuse":
            return b"454 4.7.0 TLS not available due to temporary reason\r\n"
        if cmd == b"QUIT":
            return None
        if cmd == b"DATA":
            return b"354 go\r\n"
        return b"250 ok\r\n"
    if cmd == b"CAPA":
        ext = b"" if mode == "pop3-plain" else b"STLS\r\n"
        return b"+OK\r\nUSER\r\nUIDL\r\n" + ext + b".\r\n"
    if cmd == b"STLS" and mode == "pop3-inject":
        return b"+OK begin TLS\r\n+OK injected\r\n"
    if cmd == b"STLS" and mode == "pop3-stall":
        return b"+OK begin TLS\r\n"
    if cmd == b"STLS" and mode == "pop3-refuse":
        return b"-ERR TLS not available\r\n"
    if cmd == b"QUIT":
        return None
    if cmd == b"STAT":
        return b"+OK 0 0\r\n"
    return b"+OK\r\n"


def drain(conn):
    """read until the client gives up, answering nothing"""
    while conn.recv(4096):
        pass


def serve(conn, log):
    if mode == "tls-silent":
        return drain(conn)
    conn.sendall(b"220 fake.example ESMTP\r\n" if smtp else b"+OK fake POP3\r\n")
    buf = b""
    while True:
        data = conn.recv(4096)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            line = line.rstrip(b"\r")
            log.write(line + b"\n")
            log.flush()
            r = reply(line)
            if r is None:
                conn.sendall(b"221 bye\r\n" if smtp else b"+OK bye\r\n")
                return
            conn.sendall(r)
            if mode.endswith("-stall") and line.upper() in (b"STARTTLS", b"STLS"):
                return drain(conn)


def main():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(4)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    import os
    os.rename(portfile + ".tmp", portfile)
    with open(logname, "ab") as log:
        while True:
            conn, _ = s.accept()
            conn.settimeout(60)
            try:
                serve(conn, log)
            except OSError:
                pass
            conn.close()


main()
