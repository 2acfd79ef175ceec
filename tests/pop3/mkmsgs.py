#!/usr/bin/python3
"""tests/pop3/mkmsgs.py OUTDIR KIND [N]: write test messages (LF line ends)
  mixed  8-bit body, lines starting with '.', 'From ' lines, a long line,
         an empty body, a 10 MB message
  small  N small messages
  big    one message of N MiB"""
import os, sys

def msg(subject, body):
    return ("From: tester@example.org\nTo: alice@example.org\nSubject: %s\n"
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
            "Content-Transfer-Encoding: 8bit\n\n" % subject).encode() + body

def mixed():
    yield msg("8bit", "Grüße, 日本語, \u00ff\u00fe\n".encode() + bytes(range(0x80, 0x100)) + b"\n")
    yield msg("dots", b".\n..\n...leading dots\n. space\n.\r.\nend\n")
    yield msg("from", b"From the start\n>From quoted\n>>From twice\nFrom\n")
    yield msg("long", b"y" * 900 + b"\n" + b"z" * 20000 + b"\n")
    yield msg("empty", b"")
    line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-+*/"
    body = b"".join(line[i % 60:] + line[:i % 60] + b"\n"
                    for i in range(10 * 1024 * 1024 // (len(line) + 1)))
    yield msg("ten megabytes", body)

def main():
    out, kind = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    os.makedirs(out, exist_ok=True)
    if kind == "mixed":
        msgs = mixed()
    elif kind == "small":
        msgs = (msg("small %d" % i, b"message number %d\nbye\n" % i) for i in range(n))
    else:
        line = b"x" * 75 + b"\n"
        msgs = iter([msg("big", line * (n * 1024 * 1024 // len(line)))])
    for i, m in enumerate(msgs):
        with open(os.path.join(out, "%06d" % i), "wb") as f:
            f.write(m)

main()
