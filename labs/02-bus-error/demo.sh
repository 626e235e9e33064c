#!/usr/bin/env bash
# Lab 2 demo: what lies past the end of a mapped file, and "Bus error".
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 02-bus-error)

step "An empty file"
say "Mapping st_size = 0 bytes fails with EINVAL (the length is 0)." \
	"Mapping one page of it succeeds - and the first touch is a SIGBUS."
show "$B/bus_error" zero

step "A 100-byte file, mapped with a length of 2 pages"
say "Page 1 holds the file's 100 bytes and zeros after them; page 2 has" \
	"no file behind it. The program catches SIGBUS (sigaction +" \
	"siglongjmp) and prints the faulting address the kernel reported."
show "$B/bus_error" tail

step "Grow the file: the same access now works"
show "$B/bus_error" grow

step "Another process shrinks a file we have mapped"
say "A child maps 2 pages and reads page 2; the parent ftruncate()s the" \
	"file to 100 bytes (pipes order the two, no sleep); the child's next" \
	"read of page 2 raises SIGBUS in the child."
show "$B/bus_error" shrink

step "Without a handler: Bus error"
say "The default action of SIGBUS kills the process. The shell reports" \
	"it, and \$? is 128 + 7 = 135."
status=0
show "$B/bus_error" --crash || status=$?
say "exit status: $status (killed by signal $((status - 128)): $(kill -l $((status - 128))))"
