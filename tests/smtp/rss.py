#!/usr/bin/python3
"""rss.py CMD...: run CMD (stdin/stdout/stderr passed through), print its
peak RSS in KiB (VmHWM from /proc, polled every 2 ms) on fd 3 if open, else
stderr; exit with CMD's status. Not getrusage: a child forked from Python
inherits Python's high-water mark across exec, which hides the real one."""
import os, subprocess, sys, time

p = subprocess.Popen(sys.argv[1:])
hwm = 0
while p.poll() is None:
    try:
        with open('/proc/%d/status' % p.pid) as f:
            for l in f:
                if l.startswith('VmHWM:'):
                    hwm = max(hwm, int(l.split()[1]))
    except (OSError, ValueError):
        pass
    time.sleep(0.002)
try:
    os.write(3, b'%d\n' % hwm)
except OSError:
    sys.stderr.write('peak RSS %d KiB\n' % hwm)
sys.exit(p.returncode)
