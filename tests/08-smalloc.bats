#!/usr/bin/env bats
# tests/08-smalloc.bats - lab 8: smalloc()/sfree() on mmap/munmap, checked
# by smalloc_sizes and smalloc_misuse, and used by share_struct.
bats_require_minimum_version 1.5.0
load helper

PG=$PAGE

# The block of lines smalloc_sizes prints for one size, checked fact by fact.
assert_size_facts() {
	local size=$1 expect=$2 pages=$(($2 / PG))
	assert_line "== smalloc($size)"
	assert_line "zero-filled: $size of $size bytes are 0"
	assert_line "writable: $size of $size bytes read back 0xa5"
	local plural=s
	[ "$pages" = 1 ] && plural=
	assert_line "mapping: $expect bytes ($pages page$plural) from the page start; smalloc kept $expect; expected round_up(32 + $size, $PG) = $expect: ok"
	assert_line "mincore: all $expect bytes mapped: yes"
}

# bats test_tags=points:3,exercise:8-2
@test "sizes 1, page-32, page, 1 MiB: aligned, zero-filled, exact mapping length, unmapped by sfree" {
	run prog smalloc_sizes
	assert_success
	assert_size_facts 1 "$PG"
	assert_size_facts $((PG - 32)) "$PG"
	assert_size_facts "$PG" $((2 * PG))
	assert_size_facts 1048576 $((1048576 + PG))
	local out=$output
	# Four blocks, each: 16-byte aligned, 32 bytes past its page start...
	run grep -c '^pointer 0x[0-9a-f]*: 16-byte aligned: yes; 32 bytes past a page start: yes$' <<<"$out"
	assert_output 4
	# ...a MAP_SHARED anonymous mapping (s flag, "/dev/zero (deleted)")...
	run grep -cE '^maps: [0-9a-f]+-[0-9a-f]+ rw-s 00000000 [0-9a-f]+:[0-9a-f]+ [0-9]+ +/dev/zero \(deleted\)$' <<<"$out"
	assert_output 4
	# ...gone after sfree.
	run grep -c '^sfree: 0; first and last page unmapped (mincore ENOMEM), no maps line: yes$' <<<"$out"
	assert_output 4
}

# bats test_tags=exercise:8-2
@test "sizes given on the command line (K/M suffixes), all checks pass" {
	run prog smalloc_sizes 100 4065 3K 2M
	assert_success
	assert_size_facts 100 "$PG"
	assert_size_facts 4065 $(((4065 + 32 + PG - 1) / PG * PG))
	assert_size_facts 3072 "$PG"
	assert_size_facts 2097152 $((2097152 + PG))
	assert_line 'all checks passed'
	refute_line --partial 'FAILED'
}

# bats test_tags=points:3,exercise:8-1,exercise:8-2
@test "misuse: sfree refuses p+1, p+16, the page start, heap and forged pointers, a double sfree" {
	run prog smalloc_misuse
	assert_success
	assert_line 'sfree(NULL): 0, errno untouched (does nothing, like free(NULL))'
	local l
	for l in 'p + 1' 'p + 16' 'p - 32, the page start' \
		'a heap pointer laid out like a block' \
		'a foreign mapping with a forged header' 'p again, a double sfree'; do
		assert_line --regexp "^sfree\($(sed 's/[+()]/\\&/g' <<<"$l")\): refused \(EINVAL\): .+"
	done
	assert_line 'the foreign mapping is still there: yes'
	assert_line 'p is still mapped and intact: yes'
	assert_line 'sfree(p): 0'
	refute_line --partial 'ACCEPTED'
	assert_line 'all checks passed'
}

@test "misuse: smalloc(0) fails with EINVAL, smalloc(SIZE_MAX) with ENOMEM (no overflow); sfree(NULL) is a no-op" {
	run prog smalloc_misuse
	assert_line 'smalloc(0): NULL, EINVAL'
	assert_line 'smalloc(SIZE_MAX): NULL, ENOMEM'
	assert_line 'sfree(NULL): 0, errno untouched (does nothing, like free(NULL))'
	refute_line --partial 'FAILED: sfree(NULL)'
}

# bats test_tags=points:2
@test "share_struct: 8 children fill one smalloc'd struct; the parent sees all, counter = 8" {
	run prog share_struct 8
	assert_success
	assert_line --regexp '^parent: smalloc\([0-9]+\) for a tally of 8 slots, finished = 0 \(zeroed\)$'
	local i
	for i in 1 2 3 4 5 6 7 8; do
		assert_line "child $i: wrote slot $i (square $((i * i))), label reads \"shared tally\""
	done
	assert_line 'parent: all 8 children exited; finished = 8'
	assert_line 'parent: slot 1: square 1, "child 1 was here"; slot 8: square 64, "child 8 was here"'
	assert_line 'parent: sum of squares = 204 (expected n(n+1)(2n+1)/6 = 204)'
	assert_line "parent: the children's sfree() left the parent's view alone: label reads \"shared tally\""
	assert_line 'parent: sfree(tally): done'
}

@test "share_struct: 64 children, no lost increment of the atomic counter" {
	run prog share_struct 64
	assert_success
	assert_line 'parent: all 64 children exited; finished = 64'
	assert_line 'parent: sum of squares = 89440 (expected n(n+1)(2n+1)/6 = 89440)'
}

@test "usage: unknown option, bad sizes, extra args -> exit 2" {
	run prog smalloc_sizes --bogus
	assert_usage
	run prog smalloc_misuse bogus
	assert_usage
	refute_line --regexp ' $' # usage: PROG, no trailing blank
	run prog smalloc_misuse --bogus
	assert_usage
	local s
	for s in 0 abc 65M -1 12x ''; do
		run prog smalloc_sizes "$s"
		assert_usage
	done
	run prog smalloc_sizes 100 0
	assert_usage
	refute_line --partial '== smalloc'
	run prog share_struct
	assert_usage
	run prog share_struct --bogus
	assert_usage
	local n
	for n in 0 65 abc -3 '' '4 5'; do
		run prog share_struct "$n"
		assert_usage
	done
	run prog share_struct 2 3
	assert_usage
}
