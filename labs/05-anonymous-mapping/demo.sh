#!/usr/bin/env bash
# Lab 5 demo: memory a parent shares with its child without a file
# (MAP_SHARED|MAP_ANONYMOUS), the private variant, and the old temp-file
# way, the seed's and the right one.  Run with `make lab-5`.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 05-anonymous-mapping)

step "MAP_PRIVATE|MAP_ANONYMOUS: zeroed memory, but not shared"
say "The parent maps one page with no file behind it, checks that every byte" \
	"is zero, writes 41 and forks.  The child sees 41 (a copy made at fork" \
	"time), writes 42, a note and the last byte.  waitpid() tells the parent the" \
	"child is done; then it looks: the child's writes went to its own pages."
show "$B/anon_private"

step "The old way, as the seed tells it: open, unlink, mmap, no ftruncate"
say "Before MAP_ANONYMOUS, programs mapped a throw-away file.  The seed's recipe" \
	"never sizes it: the file is 0 bytes.  mmap() does not mind (it never checks" \
	"the file size), but the first store lands beyond the end of the file: SIGBUS." \
	"A child takes the hit, so the parent can tell how it died."
show "$B/seed_tempfile"

exercise_done 5.1 "MAP_SHARED|MAP_ANONYMOUS memory that the child's writes reach" || exit 0
step "MAP_SHARED|MAP_ANONYMOUS: shared memory without a file"
say "The same experiment; this time the parent sees the child's 42, note and last byte."
show "$B/anon_shared"
say "Zero-filled, every byte, also for a big region: 16 MiB, all 16777216 bytes read."
show "$B/anon_shared" -s 16M

exercise_done 5.2 "the old way done right: mkstemp, unlink, ftruncate, mmap, close" || exit 0
step "The old way, done right: mkstemp, unlink, ftruncate, mmap, close"
say "A unique name (mkstemp), the early unlink (nothing is left in \$TMPDIR, even" \
	"after a crash) and ftruncate (now every byte is inside the file).  It shares" \
	"exactly like MAP_SHARED|MAP_ANONYMOUS, at the cost of four system calls."
show "$B/tempfile_shared"
