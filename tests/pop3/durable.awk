# tests/pop3/durable.awk - checks an `strace -f -y -s 2048 -e trace=openat,write,
# fsync,syncfs,renameat,close` of a pop3get Maildir run: no DELE leaves
# before its message is durable. A message file (in tmp/) must be written
# out after its last write (its own fsync, or a syncfs: pop3get uses one
# only where the kernel writes the filesystem itself) before its rename
# into new/, and new/ must be fsynced after the rename before the DELE.
# The n-th DELE needs n messages durable in new/ (DELEs go in order of
# retrieval, so n durable ones cover it). Prints "bad: ..." lines and
# exits 1 on a violation; ends with "dele N renamed M".
function path(s,   a) { return match(s, /<[^>]*>/) ? substr(s, RSTART + 1, RLENGTH - 2) : "" }
function base(p) { sub(/.*\//, "", p); return p }
{ sub(/^[0-9]+ +/, "") }                        # strace -f pid
/^write\(/ {
	p = path($0)
	if (p ~ /\/tmp\/[^\/]+$/) dirty[base(p)] = 1
	else for (l = $0; match(l, /DELE [0-9]+/); l = substr(l, RSTART + RLENGTH)) {
		dele++                  # one write holds a window's DELEs
		if (dele > durable) { print "bad: DELE " dele " with " durable + 0 " durable: " substr($0, 1, 80); bad = 1 }
	}
}
/^openat\(.*O_CREAT/ { if (match($0, /"[^"]*"/)) { n = substr($0, RSTART + 1, RLENGTH - 2); dirty[n] = 1 } }
/^fsync\(/ {
	p = path($0)
	if (p ~ /\/new$/) durable = renamed
	else if (p ~ /\/tmp\/[^\/]+$/) dirty[base(p)] = 0
}
/^syncfs\(.* = 0/ { for (n in dirty) dirty[n] = 0 }   # ext4 and the like only
/^renameat\(.* = 0/ {
	if (match($0, /"[^"]*"/)) {
		n = substr($0, RSTART + 1, RLENGTH - 2)
		if (!(n in dirty) || dirty[n]) { print "bad: rename before sync: " $0; bad = 1 }
		renamed++
	}
}
END { print "dele " dele + 0 " renamed " renamed + 0; exit bad }
