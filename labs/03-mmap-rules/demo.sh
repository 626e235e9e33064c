#!/usr/bin/env bash
# Lab 3 demo: the rules of mmap(2), each one an experiment.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 03-mmap-rules)

step "The experiments"
show "$B/mmap_rules" --list

step "Access mode: the descriptor limits a SHARED mapping, not a PRIVATE one"
say "A shared writable mapping writes the file, so it needs O_RDWR; a" \
	"private one writes private copies, so O_RDONLY is enough. Any file" \
	"mapping needs a readable descriptor. As root too: the check is on" \
	"the descriptor's open mode, not on the file's permission bits."
show "$B/mmap_rules" 1 2 3

step "Offsets and lengths"
show "$B/mmap_rules" 4 5 6

step "munmap: page-aligned addresses only"
show "$B/mmap_rules" 7 8

step "The MMU enforces it: SIGSEGV"
say "The program catches SIGSEGV with sigaction(SA_SIGINFO) and jumps back" \
	"with siglongjmp; si_code tells a protection fault (SEGV_ACCERR) from" \
	"an unmapped address (SEGV_MAPERR)."
show "$B/mmap_rules" 9 10

step "The mapping outlives the descriptor"
show "$B/mmap_rules" 11

step "All at once: the exit status says whether every rule held"
say '$ 03-mmap-rules/mmap_rules all | tail -n 1'
"$B/mmap_rules" all | tail -n 1 # pipefail: a FAIL stops the demo here
