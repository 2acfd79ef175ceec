#!/usr/bin/python3
"""tests/sntp/responder.py - a misbehaving SNTP server for the sntpc tests.

    responder.py PORTFILE LOG MODE [v6|ADDRESS]

Binds 127.0.0.1 (or ::1 with v6, or the IPv4/IPv6 ADDRESS given, e.g. 127.0.0.2: every
127.x address is loopback) on a free UDP port, writes the port to PORTFILE, and answers
every request according to MODE; each request is logged to LOG as
"req SRCPORT HEX48". With RESPONDER_PORT=P in the environment it binds port P instead
(servers of one pool name share a port). MODE may be A@N:B: the first N requests as mode A, the rest as B
(a server that turns into a falseticker: good@5:offset:1000). MODE is one of:
  good            a correct stratum 2 reply
  offset:S        a correct reply from a clock S seconds ahead (may be < 0)
  at:UNIX         a correct reply claiming the time UNIX (e.g. 2100000000)
  spoof           origin timestamp not ours
  spoof+good      a spoofed reply, then the correct one 50 ms later
  li3             leap indicator 3 (unsynchronized)
  rate|deny|rstr  kiss-o'-death (stratum 0) with that code
  kod-xxxx        kiss-o'-death with an unknown code
  otherport       the correct reply sent from another port
  short           the first 40 bytes of a correct reply
  mode3           a correct reply with mode 3
  v2              a correct reply with version 2
  stratum16       stratum 16
  xmtzero         transmit timestamp zero
  rootdelay       root delay of 16 s
  ext             a correct reply followed by an RFC 7822 extension field
  negdelay        transmit timestamp 1 s after receive (negative delay)
  rec0            receive timestamp zero, transmit timestamp now
  t3<t2           transmit timestamp 1 ms before the receive timestamp
  proc            0.5 s of server processing claimed (T3 - T2), sent at once
  silent          never answers
  good-then-rate  a correct reply to the first request, RATE to the others
  slow            a correct reply as if 20 ms of network lay each way
                  (true offset 0, delay 40 ms)
  flood           spoofed replies without pause for 3 s
"""
import os, socket, struct, sys, time

NTP_DELTA = 2208988800


def ntp_now(shift=0.0, at=None):
    t = (at if at is not None else time.time()) + shift
    sec = int(t // 1)
    frac = int((t - sec) * 2**32) & 0xffffffff
    return ((sec + NTP_DELTA) & 0xffffffff) << 32 | frac


def reply(req, mode, rx):
    org = struct.unpack("!Q", req[40:48])[0]
    li, vn, md, stratum, refid = 0, 4, 4, 2, 0x7f000001
    rootdelay, rootdisp = 0x00000100, 0x00000200
    shift, at = 0.0, None
    if mode.startswith("offset:"):
        shift = float(mode[7:])
    if mode.startswith("at:"):
        at = float(mode[3:])
    rec = ntp_now(shift, at)
    ref = rec - (16 << 32)
    if mode == "spoof":
        org ^= 0x1
    if mode == "li3":
        li = 3
    if mode in ("rate", "deny", "rstr") or mode.startswith("kod-"):
        li, stratum = 3, 0
        refid = struct.unpack("!I", mode[-4:].upper().encode())[0]
    if mode == "mode3":
        md = 3
    if mode == "v2":
        vn = 2
    if mode == "stratum16":
        stratum = 16
    if mode == "rootdelay":
        rootdelay = 16 << 16
    xmt = ntp_now(shift, at)
    if mode == "xmtzero":
        xmt = 0
    if mode == "negdelay":
        xmt = rec + (1 << 32)
    if mode == "rec0":
        rec = 0
    if mode == "t3<t2":
        xmt = rec - (1 << 32) // 1000
    if mode == "proc":
        rec = xmt - (1 << 31)
    pkt = struct.pack("!BBbbIII4Q", li << 6 | vn << 3 | md, stratum, 3, -20,
                      rootdelay, rootdisp, refid, ref, org, rec, xmt)
    if mode == "short":
        pkt = pkt[:40]
    if mode == "ext":
        pkt += struct.pack("!HH12s", 0x0104, 16, b"\0" * 12)
    return pkt


def main():
    portfile, log, mode = sys.argv[1:4]
    where = sys.argv[4] if len(sys.argv) > 4 else "127.0.0.1"
    if where == "v6":
        where = "::1"
    fam, host = (socket.AF_INET6 if ":" in where else socket.AF_INET), where
    first_mode, switch_after, later_mode = mode, None, None
    if "@" in mode:
        first_mode, rest = mode.split("@", 1)
        n, later_mode = rest.split(":", 1)
        switch_after = int(n)
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((host, int(os.environ.get("RESPONDER_PORT", "0"))))
    other = socket.socket(fam, socket.SOCK_DGRAM)
    other.bind((host, 0))
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    lf = open(log, "a", buffering=1)
    first = True
    count = 0
    while True:
        req, peer = s.recvfrom(2048)
        count += 1
        mode = first_mode if switch_after is None or count <= switch_after else later_mode
        rx = ntp_now()
        lf.write("req %d %s\n" % (peer[1], req.hex()))
        if mode == "silent" or len(req) < 48:
            continue
        if mode == "spoof+good":
            s.sendto(reply(req, "spoof", rx), peer)
            time.sleep(0.05)
            s.sendto(reply(req, "good", rx), peer)
        elif mode == "slow":
            # timestamps as if the request had spent 20 ms on the way in;
            # sent once 20 ms more have passed (spinning for precision)
            t0 = time.time()
            pkt = reply(req, "at:%.9f" % (t0 + 0.02), rx)
            while time.time() < t0 + 0.039:
                time.sleep(0.001)
            while time.time() < t0 + 0.04:
                pass
            s.sendto(pkt, peer)
        elif mode == "good-then-rate":
            s.sendto(reply(req, "good" if first else "rate", rx), peer)
        elif mode == "flood":
            end = time.time() + 3
            while time.time() < end:
                try:
                    s.sendto(reply(req, "spoof", rx), peer)
                except OSError:
                    break
        elif mode == "otherport":
            other.sendto(reply(req, "good", rx), peer)
        else:
            s.sendto(reply(req, mode, rx), peer)
        first = False


if __name__ == "__main__":
    main()
