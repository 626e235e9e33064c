#!/usr/bin/env bats
# tests/06-dev-zero.bats - lab 6: /dev/zero mapped shared and private,
# across fork (devzero_fork), twice (devzero_twice), and the fields of the
# /proc/self/maps lines the kernel prints for them (devzero_maps).
bats_require_minimum_version 1.5.0
load helper

# "dev MAJ:MIN inode N" of the /dev/zero node, as /proc/self/maps prints it.
zero_node() {
	printf '%02x:%02x %s' "$(stat -c %Hd /dev/zero)" "$(stat -c %Ld /dev/zero)" \
		"$(stat -c %i /dev/zero)"
}
HEX='[0-9a-f]+'

# devzero_fork: the child's maps line names the very same object as the
# parent's (same range, same inode): fork copies the layout.
assert_child_maps_same() {
	local parent child
	parent=$(grep '^maps: ' <<<"$output")
	child=$(grep '^child:  maps: ' <<<"$output")
	[ -n "$parent" ]
	assert_equal "child:  $parent" "$child"
}

# bats test_tags=points:2
@test "shared /dev/zero: zero-filled, the child sees 41, the parent sees the child's 42, same maps line in both" {
	run prog devzero_fork shared
	assert_success
	assert_line --regexp '^mmap\(NULL, [0-9]+, PROT_READ\|PROT_WRITE, MAP_SHARED, fd, 0\) = 0x[0-9a-f]+$'
	assert_line --regexp '^zero-filled: ([0-9]+) of \1 bytes are 0$'
	assert_line 'parent: wrote 41 before fork()'
	assert_line 'child:  sees 41, writes 42'
	assert_line 'parent: after waitpid() sees 42'
	assert_line 'result: shared with the child'
	assert_line 'smaps: Anonymous: 0 kB after writing one page (shared memory pages are not anonymous)'
	# An s mapping of a fresh "/dev/zero (deleted)" object, not of the node...
	assert_line --regexp "^maps: $HEX-$HEX rw-s 00000000 $HEX:$HEX [0-9]+ +/dev/zero \(deleted\)$"
	refute_line --regexp "^maps: .* $(zero_node) "
	# ...and the child's line names the very same object.
	assert_child_maps_same
}

# bats test_tags=points:2
@test "private /dev/zero: zero-filled, the child sees 41 but the parent keeps 41; maps names the node" {
	run prog devzero_fork private
	assert_success
	assert_line --regexp '^mmap\(NULL, [0-9]+, PROT_READ\|PROT_WRITE, MAP_PRIVATE, fd, 0\) = 0x[0-9a-f]+$'
	assert_line --regexp '^zero-filled: ([0-9]+) of \1 bytes are 0$'
	assert_line 'child:  sees 41, writes 42'
	assert_line 'parent: after waitpid() sees 41'
	assert_line 'result: not shared: the child wrote its own copy-on-write page'
	# The written page is anonymous memory, whatever the maps line says.
	assert_line --regexp '^smaps: Anonymous: [1-9][0-9]* kB after writing one page'
	assert_line --regexp "^maps: $HEX-$HEX rw-p 00000000 $(zero_node) +/dev/zero$"
	assert_child_maps_same
}

# The block devzero_maps prints for the mapping titled $1 (up to the next "==").
maps_block() { awk -v t="== $1" '$0 == t {on = 1; next} /^== / {on = 0} on' <<<"$output"; }

# bats test_tags=points:2,exercise:6-1
@test "maps fields: shared /dev/zero is an s mapping of a fresh '/dev/zero (deleted)' object, not the node" {
	run prog devzero_maps
	assert_success
	local b inode
	b=$(maps_block '/dev/zero, MAP_SHARED')
	# The fields, as read from the maps line: the inode is the line's own.
	inode=$(sed -n 's/^maps: .* \([0-9][0-9]*\) *\/dev\/zero (deleted)$/\1/p' <<<"$b")
	[ -n "$inode" ]
	[ "$inode" != 0 ]
	run grep -c '' <<<"$b"
	assert_output 4
	run grep -Fx "  shared (s), dev $(sed -n 's/^maps: \S* \S* \S* \(\S*\) .*/\1/p' <<<"$b") inode $inode, name \"/dev/zero (deleted)\"" <<<"$b"
	assert_success
	run grep -Fx "  is it the device node's own inode (dev $(zero_node | sed 's/ / inode /'))? no" <<<"$b"
	assert_success
}

# bats test_tags=points:2,exercise:6-1
@test "maps fields: private /dev/zero is a p mapping that names /dev/zero's own dev and inode" {
	run prog devzero_maps
	assert_success
	local b
	b=$(maps_block '/dev/zero, MAP_PRIVATE')
	run grep -Fx "  private (p), dev $(zero_node | sed 's/ / inode /'), name \"/dev/zero\"" <<<"$b"
	assert_success
	run grep -Fx "  is it the device node's own inode (dev $(zero_node | sed 's/ / inode /'))? yes" <<<"$b"
	assert_success
}

@test "twice: two MAP_SHARED mappings of one /dev/zero fd do not share memory; two '(deleted)' objects" {
	run prog devzero_twice
	assert_success
	assert_line "wrote 'A' to first[0]: first[0] = 'A', second[0] = 0x00"
	assert_line 'result: two separate objects: each mmap of /dev/zero creates new memory'
	assert_line --regexp "^first:  maps: $HEX-$HEX rw-s 00000000 $HEX:$HEX [0-9]+ +/dev/zero \(deleted\)$"
	assert_line --regexp "^second: maps: $HEX-$HEX rw-s 00000000 $HEX:$HEX [0-9]+ +/dev/zero \(deleted\)$"
	local a b
	a=$(sed -n 's/^first:  maps: .* \([0-9][0-9]*\) *\/dev\/zero (deleted)$/\1/p' <<<"$output")
	b=$(sed -n 's/^second: maps: .* \([0-9][0-9]*\) *\/dev\/zero (deleted)$/\1/p' <<<"$output")
	[ -n "$a" ]
	[ -n "$b" ]
	[ "$a" != "$b" ]
}

# bats test_tags=exercise:6-1
@test "maps fields: the two shared /dev/zero mappings of one fd have two different inodes" {
	run prog devzero_maps
	assert_success
	local a b
	a=$(maps_block '/dev/zero, MAP_SHARED' | sed -n 's/^  shared (s), dev [0-9a-f:]* inode \([0-9]*\), name "\/dev\/zero (deleted)"$/\1/p')
	b=$(maps_block '/dev/zero again, MAP_SHARED, the same fd' | sed -n 's/^  shared (s), dev [0-9a-f:]* inode \([0-9]*\), name "\/dev\/zero (deleted)"$/\1/p')
	[ -n "$a" ]
	[ -n "$b" ]
	[ "$a" != "$b" ]
	assert_line "inodes of the two MAP_SHARED mappings of /dev/zero: $a and $b: different objects"
}

# bats test_tags=exercise:6-1
@test "maps fields: MAP_SHARED|MAP_ANONYMOUS is also '/dev/zero (deleted)'; private anonymous has no name, inode 0" {
	run prog devzero_maps
	assert_success
	local s p
	s=$(maps_block 'MAP_SHARED|MAP_ANONYMOUS')
	p=$(maps_block 'MAP_PRIVATE|MAP_ANONYMOUS')
	grep -Eq "^maps: $HEX-$HEX rw-s 00000000 $HEX:$HEX [0-9]+ +/dev/zero \(deleted\)$" <<<"$s"
	grep -Eq '^  shared \(s\), dev [0-9a-f]+:[0-9a-f]+ inode [1-9][0-9]*, name "/dev/zero \(deleted\)"$' <<<"$s"
	grep -Eq "^maps: $HEX-$HEX rw-p 00000000 00:00 0 *$" <<<"$p"
	grep -Fxq '  private (p), dev 00:00 inode 0, name ""' <<<"$p"
}

@test "the seed's MMAP_SHARED typo does not compile; MAP_SHARED does" {
	need cc
	local src=$ROOT/labs/06-dev-zero/seed_typo.c.txt
	LC_ALL=C run cc -x c -fsyntax-only "$src"
	assert_failure
	assert_output --partial "'MMAP_SHARED' undeclared"
	assert_output --partial "did you mean 'MAP_SHARED'"
	run bash -c "sed 's/MMAP_SHARED/MAP_SHARED/' '$src' | cc -x c -fsyntax-only -Wall -Werror -"
	assert_success
}

@test "-f /dev/null: a device without mmap support -> mmap ENODEV, exit 1" {
	run prog devzero_fork -f /dev/null shared
	assert_failure 1
	assert_output --partial 'devzero_fork: mmap(/dev/null): ENODEV (No such device)'
}

@test "usage: no mode, unknown mode, extra argument, unknown option -> exit 2 (devzero_twice, devzero_maps: no arguments)" {
	run prog devzero_fork
	assert_usage
	run prog devzero_fork bogus
	assert_usage
	assert_output --partial 'unknown mode'
	run prog devzero_fork shared private
	assert_usage
	run prog devzero_fork -x shared
	assert_usage
	run prog devzero_fork -f
	assert_usage
	run prog devzero_fork -f '' shared
	assert_usage
	assert_output --partial 'DEVICE must not be empty'
	run prog devzero_twice extra
	assert_usage
	refute_line --regexp ' $' # usage: PROG, no trailing blank
	run prog devzero_maps -x
	assert_usage
}

@test "-f PATH: missing, directory, regular and empty file, FIFO -> clear message, exit 1" {
	run prog devzero_fork -f "$BATS_TEST_TMPDIR/missing" shared
	assert_failure 1
	assert_output --partial "open($BATS_TEST_TMPDIR/missing): ENOENT"
	run prog devzero_fork -f "$BATS_TEST_TMPDIR" shared
	assert_failure 1
	assert_output --partial 'EISDIR'
	echo data >"$BATS_TEST_TMPDIR/regular"
	run prog devzero_fork -f "$BATS_TEST_TMPDIR/regular" shared
	assert_failure 1
	assert_output --partial "devzero_fork: $BATS_TEST_TMPDIR/regular is not a character device"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/regular")" data
	: >"$BATS_TEST_TMPDIR/empty"
	run prog devzero_fork -f "$BATS_TEST_TMPDIR/empty" private
	assert_failure 1
	assert_output --partial "devzero_fork: $BATS_TEST_TMPDIR/empty is not a character device"
	# open(O_RDWR) of a FIFO does not wait for a peer on Linux: refused too.
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	run prog devzero_fork -f "$BATS_TEST_TMPDIR/fifo" shared
	assert_failure 1
	assert_output --partial "devzero_fork: $BATS_TEST_TMPDIR/fifo is not a character device"
}

@test "-f PATH: unreadable -> open EACCES, exit 1 (also as root)" {
	local f=$BATS_TEST_TMPDIR/locked
	echo data >"$f"
	reachable "$BATS_TEST_TMPDIR" # only the file's own mode must count
	chmod 000 "$f"
	run unprivileged timeout 20 "$BUILD/$LAB/devzero_fork" -f "$f" shared
	assert_failure 1
	assert_line "devzero_fork: open($f): EACCES (Permission denied)"
}
