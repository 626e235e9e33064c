#!/usr/bin/env bash
# Lab 2 demo: what lies past the end of a mapped file, "Bus error", and
# how to keep a shared file from shrinking under a mapping.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 02-bus-error)

step "An empty file"
say "Mapping st_size = 0 bytes fails with EINVAL (the length is 0)." \
	"Mapping one page of it succeeds - and the first touch is a SIGBUS."
show "$B/map_empty"

step "A 100-byte file, mapped with a length of 2 pages"
say "Page 1 holds the file's 100 bytes and zeros after them; page 2 has" \
	"no file behind it. The program catches SIGBUS (sigaction +" \
	"siglongjmp, catch_sigbus.c) and prints the faulting address the" \
	"kernel reported."
show "$B/map_past_eof"

step "A store past the end of the file: lost, or not?"
say "Store 'X' at byte 200 of a 100-byte file, grow the file to one page," \
	"read byte 200 back. On tmpfs (/dev/shm) the page IS the file and the" \
	"byte survives; a disk filesystem zeroes the tail of the last page."
show "$B/eof_store"

step "Another process shrinks a file we have mapped"
say "A child maps 2 pages and reads page 2; the parent ftruncate()s the" \
	"file to 100 bytes (pipes order the two, no sleep); the child's next" \
	"read of page 2 raises SIGBUS in the child."
show "$B/shrink_file"

step "A lock cannot prevent that; a seal can"
say "flock() is advisory: another process that ignores it still shrinks" \
	"the file. A memfd sealed with F_SEAL_SHRINK refuses every shrink" \
	"(EPERM), for every process; growing still works."
show "$B/seal_shrink"

step "Without a handler: Bus error"
say "The default action of SIGBUS kills the process. The shell reports" \
	"it, and \$? is 128 + 7 = 135."
status=0
show "$B/bus_crash" || status=$?
say "exit status: $status (killed by signal $((status - 128)): $(kill -l $((status - 128))))"

exercise_done 2.1 "ftruncate() growing the file so that the very access that raised SIGBUS works" || exit 0

step "Grow the file: the same access now works"
show "$B/grow_file"
