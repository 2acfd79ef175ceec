#!/usr/bin/python3
"""fakesmtp.py - a scripted SMTP server on loopback for smtpsend's edge cases.

usage: fakesmtp.py PORTFILE LOGFILE MODE[,MODE...]
Listens on a free 127.0.0.1 port (written to PORTFILE), serves connections
one at a time until killed, logs every client line (C: ...) and each
message body (DATA: n bytes, then the raw bytes in LOGFILE.N.eml).
Modes: greet421 greet554 garbage longline silent noehlo no8bit nopipe
slowehlo drop_after_dot drop_in_data reject_in_data drop_before_354 temp_rcpt (addresses with 'temp' get 450)
(addresses with 'bad' always get 550) auth (AUTH PLAIN LOGIN CRAM-MD5 for
user 'alice' password 'secret'), nostarttls, starttls_bad, inject,
auth_nocram (AUTH PLAIN LOGIN only), auth_504_cram (CRAM-MD5 listed, 504),
early250 (a 250 right after the 354), early250mid (a 250 after the first
line of the message), authafter (STARTTLS listed, AUTH only after it),
c1 (C1 controls, raw 0x9b and \xc2\x9b, in EHLO lines and a RCPT refusal).
"""
import base64, hashlib, hmac, socket, sys, time

portfile, logfile, modes = sys.argv[1], sys.argv[2], set(sys.argv[3].split(','))
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('127.0.0.1', 0))
srv.listen(5)
with open(portfile + '.tmp', 'w') as f:
    f.write('%d\n' % srv.getsockname()[1])
import os
os.rename(portfile + '.tmp', portfile)
log = open(logfile, 'a', buffering=1)
nmsg = 0


class Conn:
    def __init__(self, s):
        self.s, self.buf = s, b''

    def send(self, text):
        self.s.sendall((text.encode() if isinstance(text, str) else text) + b'\r\n')

    def line(self):
        while b'\n' not in self.buf:
            d = self.s.recv(65536)
            if not d:
                raise EOFError
            self.buf += d
        l, self.buf = self.buf.split(b'\n', 1)
        return l.rstrip(b'\r')


def caps():
    c = ['250-fake.test hello', '250-SIZE 10000000']
    if 'nopipe' not in modes:
        c.append('250-PIPELINING')
    if 'no8bit' not in modes:
        c.append('250-8BITMIME')
    c.append('250-SMTPUTF8')
    if 'auth_nocram' in modes:
        c.append('250-AUTH PLAIN LOGIN')
    elif 'auth' in modes or 'auth_504_cram' in modes:
        c.append('250-AUTH PLAIN LOGIN CRAM-MD5')
    if 'c1' in modes:
        c.append(b'250-X-C1 raw \x9b[31m and encoded \xc2\x9b[32m')
    if 'oauth' in modes:
        c.append('250-AUTH XOAUTH2 OAUTHBEARER')
    if 'starttls' in modes or 'starttls_bad' in modes or 'inject' in modes or 'authafter' in modes:
        c.append('250-STARTTLS')
    c.append('250 ENHANCEDSTATUSCODES')
    return c


def do_auth(c, words):
    mech = words[1].upper()
    ok = False
    if 'auth_504_cram' in modes and mech == 'CRAM-MD5':
        c.send('504 5.5.4 mechanism not available')
        return
    if mech == 'PLAIN':
        resp = words[2] if len(words) > 2 else None
        if resp is None:
            c.send('334 ')
            resp = c.line().decode()
        ok = base64.b64decode(resp) == b'\0alice\0secret'
    elif mech == 'LOGIN':
        c.send('334 VXNlcm5hbWU6')
        u = base64.b64decode(c.line())
        c.send('334 UGFzc3dvcmQ6')
        p = base64.b64decode(c.line())
        ok = (u, p) == (b'alice', b'secret')
    elif mech == 'CRAM-MD5':
        chal = b'<1896.697170952@fake.test>'
        c.send('334 ' + base64.b64encode(chal).decode())
        u, d = base64.b64decode(c.line()).split(b' ')
        ok = u == b'alice' and d.decode() == hmac.new(b'secret', chal, hashlib.md5).hexdigest()
    elif mech in ('XOAUTH2', 'OAUTHBEARER'):
        resp = words[2] if len(words) > 2 else None
        if resp is None:
            c.send('334 ')
            resp = c.line().decode()
        raw = base64.b64decode(resp)
        log.write('OAUTH %s %d bytes\n' % (mech, len(raw)))
        if mech == 'XOAUTH2':
            ok = raw.startswith(b'user=alice\x01auth=Bearer ya29.') and raw.endswith(b'\x01\x01')
        else:
            ok = raw.startswith(b'n,a=alice,\x01') and b'\x01auth=Bearer ya29.' in raw
        if not ok:   # the RFC 7628 error dance: a 334 challenge, then 535
            c.send('334 eyJzdGF0dXMiOiI0MDEifQ==')
            c.line()
    else:
        c.send('504 5.5.4 mechanism not supported')
        return
    if 'auth_refuse_cram' in modes and mech == 'CRAM-MD5':
        ok = False
        c.send('534 5.7.9 mechanism too weak')
        return
    c.send('235 2.7.0 ok' if ok else '535 5.7.8 bad credentials')


def data(c):
    global nmsg
    body = b''
    first = True
    while True:
        l = c.line()
        if first and 'early250mid' in modes:
            c.send('250 2.0.0 early, before the dot')
        first = False
        if l == b'.':
            break
        body += (l[1:] if l.startswith(b".") else l) + b"\r\n"
    nmsg += 1
    with open('%s.%d.eml' % (logfile, nmsg), 'wb') as f:
        f.write(body)
    log.write('DATA: %d bytes\n' % len(body))
    if 'drop_after_dot' in modes:
        raise EOFError
    if 'early250' in modes or 'early250mid' in modes:
        c.send('554 5.6.0 refused after all')   # the real reply to the dot
        return
    c.send('250 2.0.0 queued as FAKE%d' % nmsg)


def rcpt(c, arg):
    if 'c1' in modes and 'bad' in arg:
        c.send(b'550 5.1.1 unknown \x9b[2J user \xc2\x9b[2J here')
        return False
    if 'bad' in arg:
        c.send('550 5.1.1 %s: user unknown' % arg)
        return False
    if 'temp' in arg and 'temp_rcpt' in modes:
        c.send('450 4.2.0 %s: try later' % arg)
        return False
    c.send('250 2.1.5 ok')
    return True


def session(c):
    if 'silent' in modes:
        c.line()
        return
    if 'greet421' in modes:
        c.send('421 4.3.2 fake.test too busy, try later')
        return
    if 'greet554' in modes:
        c.send('554 5.7.1 fake.test no service for you')
        c.line()
        c.send('221 bye')
        return
    c.send('220-fake.test ESMTP fake')
    c.send('220 ready')
    good = 0
    while True:
        l = c.line()
        log.write('C: %s\n' % l.decode('utf-8', 'replace'))
        words = l.decode('utf-8', 'replace').split(' ')
        cmd = words[0].upper()
        if cmd == 'EHLO':
            if 'noehlo' in modes:
                c.send('502 5.5.1 no EHLO here')
            elif 'garbage' in modes:
                c.send('hello there, I am not SMTP')
            elif 'longline' in modes:
                c.send('250 ' + 'x' * 3000)
            elif 'slowehlo' in modes:   # each line in time, the reply not
                for x in caps():
                    time.sleep(0.4)
                    c.send(x)
            else:
                for x in caps():
                    c.send(x)
        elif cmd == 'HELO':
            c.send('250 fake.test')
        elif cmd == 'STARTTLS':
            if 'inject' in modes:   # plaintext smuggled after the 220
                c.s.sendall(b'220 go ahead\r\n250-INJECTED\r\n250 AUTH PLAIN\r\n')
                c.line()
                return
            c.send('454 4.7.0 TLS not available' if 'starttls_bad' in modes else '220 go ahead')
        elif cmd == 'AUTH':
            do_auth(c, words)
        elif cmd == 'MAIL':
            good = 0
            c.send('250 2.1.0 ok')
        elif cmd == 'RCPT':
            good += rcpt(c, words[1])
        elif cmd == 'DATA':
            if 'drop_before_354' in modes:
                return
            if not good:
                c.send('554 5.5.1 no valid recipients')
                continue
            c.send('354 go ahead')
            if 'early250' in modes:
                c.send('250 2.0.0 early, right after the 354')
            if 'drop_in_data' in modes:
                c.line()
                raise EOFError
            if 'reject_in_data' in modes:   # refuses early, says why, closes
                c.line()
                c.send('552 5.3.4 message too big for fake.test')
                raise EOFError
            data(c)
        elif cmd == 'RSET':
            c.send('250 2.0.0 ok')
        elif cmd == 'QUIT':
            c.send('221 2.0.0 bye')
            return
        else:
            c.send('502 5.5.2 what?')


while True:
    s, _ = srv.accept()
    try:
        session(Conn(s))
    except (EOFError, ConnectionError):
        log.write('EOF\n')
    s.close()
