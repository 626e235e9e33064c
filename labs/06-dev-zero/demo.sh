#!/usr/bin/env bash
# Lab 6 demo: mapping /dev/zero shared and private, twice, what
# /proc/self/maps calls those mappings, and the seed's MMAP_SHARED typo.
# `make lab-6`.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 06-dev-zero)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

step "MAP_SHARED of /dev/zero: shared memory for parent and child"
say "Watch the maps line: 's' for shared, and NOT /dev/zero's own device and" \
	"inode: the kernel made a fresh nameless object, shown as '/dev/zero (deleted)'." \
	"The child's line is the same: the same object."
show "$B/devzero_fork" shared

step "MAP_PRIVATE of /dev/zero: copy-on-write, not shared"
say "Now the line shows 'p' and /dev/zero's real inode, yet smaps counts the" \
	"written page as Anonymous: ordinary private memory, in a mapping that" \
	"still holds the /dev/zero file open."
show "$B/devzero_fork" private

step "Two mappings of the same /dev/zero: two different objects"
say "So a process that is not our child cannot reach our memory through /dev/zero."
show "$B/devzero_twice"

step "Not every device can be mapped"
say "/dev/null has no mmap method: the kernel answers ENODEV."
show "$B/devzero_fork" -f /dev/null shared || say "(exit status $?, as expected)"

step "The seed's fallback does not compile"
say "It writes MMAP_SHARED.  No header defines that name:"
show sed -n '/^#include/,$p' "$here/seed_typo.c.txt"
LC_ALL=C show "${CC:-cc}" -x c -fsyntax-only "$here/seed_typo.c.txt" ||
	say "(the compiler refused it: exit status $?)"

exercise_done 6.1 "each maps line split into its fields, and what they say about the memory behind it" || exit 0
step "Reading the maps lines: the s/p flag and the inode, not the name"
say "Five zero-filled pages: /dev/zero shared (twice, one fd), /dev/zero private," \
	"and MAP_ANONYMOUS shared and private.  Shared anonymous memory is built by" \
	"the same kernel function as shared /dev/zero, so it is also '/dev/zero" \
	"(deleted)'; private anonymous memory has no name and inode 0."
show "$B/devzero_maps"
