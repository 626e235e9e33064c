#!/usr/bin/env bash
# Lab 8 demo: smalloc()/sfree(), the seed's exercise: a malloc-shaped
# allocator of shared memory built on mmap/munmap.  Run with `make lab-8`.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 08-smalloc)

step "smalloc in use: one struct shared by a parent and its children"
say "The parent smallocs one struct with a slot per child and forks 4" \
	"children.  Each fills its slot, adds 1 to an atomic counter, sfree()s its" \
	"own view and exits.  The parent still sees everything, and frees it last."
show "$B/share_struct" 4

exercise_done 8.2 "what smalloc really maps for four sizes, and that sfree unmaps all of it" || exit 0
step "What smalloc really maps, for four sizes"
say "Each block is one MAP_SHARED|MAP_ANONYMOUS mapping with a 32-byte header" \
	"(magic, mapping length, size) in front, so sfree(p) needs only p." \
	"Watch the page arithmetic: a page minus the header fits in one page," \
	"a full page needs two, 1 MiB costs 1 MiB + 4 KiB."
show "$B/smalloc_sizes"

exercise_done 8.1 "sfree refusing p + 1, a heap pointer, a forged header and a double sfree" || exit 0
step "sfree refuses pointers that smalloc did not return"
say "The seed's rule: munmap only what mmap returned, never p++.  sfree checks" \
	"the alignment first (arithmetic only), then asks mincore(2) whether the" \
	"header page is mapped, then compares the magic.  Nothing gets unmapped" \
	"by mistake, and a double sfree is caught."
show "$B/smalloc_misuse"
