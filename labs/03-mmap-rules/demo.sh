#!/usr/bin/env bash
# Lab 3 demo: the rules of mmap(2), each one an experiment.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 03-mmap-rules)

step "Access mode: the descriptor limits a SHARED writable mapping"
say "A shared writable mapping writes the file, so it needs O_RDWR; any" \
	"file mapping needs a readable descriptor. As root too: the check is" \
	"on the descriptor's open mode, not on the file's permission bits."
show "$B/access_mode"

step "Offsets and lengths"
show "$B/offset_length"

step "munmap: page-aligned addresses only"
show "$B/munmap_pages"

step "The MMU enforces it: SIGSEGV"
say "try_read()/try_write() (common/) catch SIGSEGV with" \
	"sigaction(SA_SIGINFO) and jump back with siglongjmp; si_code tells a" \
	"protection fault (SEGV_ACCERR) from an unmapped address (SEGV_MAPERR)."
show "$B/bad_access"

step "The mapping outlives the descriptor"
show "$B/map_after_close"

exercise_done 3.1 "a private writable mapping of an O_RDONLY descriptor working, with the file unchanged (rule 2)" || exit 0

step "MAP_PRIVATE: O_RDONLY is enough, even for PROT_WRITE"
say "A private mapping writes private copies of the pages, never the file."
show "$B/private_write"
