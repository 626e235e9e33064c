#!/usr/bin/env bash
# Lab 5 demo: anonymous shared memory between a parent and its child, the
# private variant, and the old temp-file way.  Run with `make lab-5`.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 05-anonymous-mapping)

step "MAP_SHARED|MAP_ANONYMOUS: shared memory without a file"
say "The parent maps one page with no file behind it, checks that every byte" \
	"is zero, writes 41 and forks.  The child sees 41, writes 42, a note and" \
	"the last byte.  waitpid() tells the parent the child is done; then it looks."
show "$B/anon_map" shared

step "MAP_PRIVATE|MAP_ANONYMOUS: not shared"
say "Same experiment.  The child still inherits 41 (a copy made at fork time)," \
	"but its writes land in its own copy-on-write pages: the parent keeps 41."
show "$B/anon_map" private

step "The old way: mkstemp, unlink, ftruncate, mmap, close"
say "Before MAP_ANONYMOUS, programs mapped a throw-away file.  Note the three" \
	"steps the seed skips or gets wrong: a unique name (mkstemp), ftruncate" \
	"(a new file is 0 bytes: touching it would be SIGBUS), and the early unlink" \
	"(nothing is left in \$TMPDIR, even after a crash)."
show "$B/anon_map" tempfile

step "The seed's recipe, literally: no ftruncate"
say "The seed only says: open a temp file, unlink it, close it.  The file is" \
	"then 0 bytes.  mmap() does not mind (it never checks the file size), but" \
	"the first store lands beyond the end of the file: SIGBUS.  A child takes" \
	"the hit, so the parent can tell how it died."
show "$B/anon_map" seed-tempfile

step "Zero-filled, every byte, also for a big region"
say "16 MiB, shared: the program reads all 16777216 bytes before using them."
show "$B/anon_map" -s 16M shared
