#!/usr/bin/env bats
# tests/05-anonymous-mapping.bats - lab 5: MAP_SHARED|MAP_ANONYMOUS
# (anon_shared), the private variant (anon_private), the old temp-file way
# (tempfile_shared) and the seed's broken version of it (seed_tempfile).
# Each test asserts the values the parent and the child actually saw.
bats_require_minimum_version 1.5.0
load helper

# The lines every run prints, whatever the mode.
assert_zeroed() { assert_line "zero-filled: $1 of $1 bytes are 0"; }
assert_child_inherited() {
	assert_line 'parent: counter = 41 before fork()'
	assert_line 'child:  counter = 41 (inherited through fork)'
	assert_line "child:  wrote counter = 42, note = \"written by the child\", last byte = 'Z'"
}
assert_parent_sees_child() {
	assert_line "parent: after waitpid(): counter = 42, note = \"written by the child\", last byte = 'Z'"
	assert_line 'result: shared: the parent sees every write of the child'
}

# bats test_tags=points:2,exercise:5-1
@test "shared anonymous: child inherits 41, parent sees the child's 42, note and last byte" {
	run prog anon_shared
	assert_success
	assert_line --regexp '^mmap\(NULL, 4096, PROT_READ\|PROT_WRITE, MAP_SHARED\|MAP_ANONYMOUS, -1, 0\) = 0x[0-9a-f]+$'
	assert_zeroed 4096
	assert_child_inherited
	assert_parent_sees_child
}

# bats test_tags=exercise:5-1
@test "shared anonymous: all 4 MiB start zero and the last byte is shared too" {
	run prog anon_shared -s 4M
	assert_success
	assert_zeroed 4194304
	assert_parent_sees_child
}

# bats test_tags=points:2
@test "private anonymous: child inherits 41 but the parent never sees its writes" {
	run prog anon_private
	assert_success
	assert_line --regexp '^mmap\(NULL, 4096, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = 0x[0-9a-f]+$'
	assert_zeroed 4096
	assert_child_inherited
	assert_line 'parent: after waitpid(): counter = 41, note = "", last byte = 0x00'
	assert_line "result: not shared: the child's writes went to its own copy-on-write pages"
	refute_line --partial 'result: shared'
}

@test "private anonymous: an odd size (100001 bytes) is zero-filled to the last byte" {
	run prog anon_private -s 100001
	assert_success
	assert_zeroed 100001
	assert_line 'parent: after waitpid(): counter = 41, note = "", last byte = 0x00'
}

# bats test_tags=points:2,exercise:5-2
@test "tempfile: mkstemp in \$TMPDIR, unlinked at once, ftruncate'd, then shared like MAP_ANONYMOUS" {
	run prog tempfile_shared
	assert_success
	assert_output --partial "mkstemp: created $TMPDIR/anon-old-way."
	assert_line 'unlink: the name is gone (stat: ENOENT); the open fd keeps the file alive'
	assert_line 'ftruncate: the file is now 4096 bytes'
	assert_line --regexp '^mmap\(NULL, 4096, PROT_READ\|PROT_WRITE, MAP_SHARED, fd, 0\) = 0x[0-9a-f]+$'
	assert_zeroed 4096
	assert_child_inherited
	assert_parent_sees_child
	# Nothing was left in TMPDIR (the teardown checks it again).
	run ls -A "$TMPDIR"
	assert_output ''
}

# bats test_tags=exercise:5-2
@test "tempfile: 1 MiB + 1 byte, every byte zero (ftruncate fills with zeros), shared" {
	run prog tempfile_shared -s 1048577
	assert_success
	assert_line 'ftruncate: the file is now 1048577 bytes'
	assert_zeroed 1048577
	assert_parent_sees_child
}

# bats test_tags=points:2
@test "seed-tempfile: the seed's way without ftruncate maps a 0-byte file; the first store is SIGBUS" {
	run prog seed_tempfile
	assert_success
	assert_line 'seed: unlink, but no ftruncate: the file is 0 bytes'
	assert_line --regexp '^mmap\(NULL, 4096, PROT_READ\|PROT_WRITE, MAP_SHARED, fd, 0\) = 0x[0-9a-f]+ \(mmap does not check the file size\)$'
	assert_line 'child:  storing 42 into byte 0 of the mapping'
	assert_line 'parent: the child was killed by SIGBUS (Bus error): byte 0 lies beyond the end of the 0-byte file'
	refute_line --partial 'the store worked'
	run ls -A "$TMPDIR"
	assert_output ''
}

@test "usage: an argument, an extra argument, unknown option, bad sizes -> exit 2, for every program" {
	local p s
	for p in anon_shared anon_private tempfile_shared seed_tempfile; do
		run prog $p bogus
		assert_usage
		run prog $p -s 4096 extra
		assert_usage
		run prog $p --bogus
		assert_usage
		run prog $p -s 63
		assert_usage
		assert_output --partial 'SIZE must be 64..64M bytes'
	done
	# The option parser all four share (exchange.c), against every kind of bad size.
	for s in 0 abc 12x -5 65M 17592186044417M ''; do
		run prog anon_shared -s "$s"
		assert_usage
	done
	run ls -A "$TMPDIR"
	assert_output ''
}

@test "tempfile: TMPDIR missing -> mkstemp ENOENT, exit 1" {
	TMPDIR=$BATS_TEST_TMPDIR/no/such/dir run prog tempfile_shared
	assert_failure 1
	assert_output --regexp "tempfile_shared: mkstemp\(.*/no/such/dir/anon-old-way\.[^)]*\): ENOENT"
}

@test "tempfile: TMPDIR is a regular file -> mkstemp ENOTDIR, exit 1" {
	: >"$BATS_TEST_TMPDIR/plain"
	TMPDIR=$BATS_TEST_TMPDIR/plain run prog tempfile_shared
	assert_failure 1
	assert_output --partial 'mkstemp('
	assert_output --partial 'ENOTDIR'
}

@test "tempfile: TMPDIR not writable -> mkstemp EACCES, exit 1 (also as root)" {
	local d=$BATS_TEST_TMPDIR/locked
	mkdir "$d"
	reachable "$d" # so that only the missing write permission on $d counts
	chmod 555 "$d"
	TMPDIR=$d run unprivileged timeout 20 "$BUILD/$LAB/tempfile_shared"
	assert_failure 1
	assert_output --regexp "tempfile_shared: mkstemp\($d/anon-old-way\.[^)]*\): EACCES"
	run ls -A "$d"
	assert_output ''
}
