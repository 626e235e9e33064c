#!/usr/bin/env bats
# Lab 4: fork() and mappings.  MAP_SHARED: the parent sees the child's
# store; MAP_PRIVATE: it does not; private pages written before fork() are
# inherited, then diverge; the open file and its offset are shared.
load helper
bats_require_minimum_version 1.5.0

# fact WHAT VALUE: the program printed "  WHAT  expected VALUE, observed VALUE"
# (the padding after WHAT is squeezed before comparing).
fact() {
	local want="  $1 expected $2, observed $2"
	sed -E 's/^(  .*:) +expected /\1 expected /' <<<"$output" | grep -qxF -- "$want" ||
		fail "no line: $want"
}

# bats test_tags=points:3,exercise:4-1
@test "shared: after waitpid the parent reads the child's value; so does the file" {
	run prog fork_map shared
	assert_success
	assert_line --index 1 '  parent: before fork the mapping says "original"'
	assert_line --index 2 '  child : stored "child was here"; my mapping now says "child was here"'
	fact 'parent, after waitpid, reads:' '"child was here"'
	fact 'the file (pread) says:' '"child was here"'
	refute_output --partial UNEXPECTED
}

# bats test_tags=points:3,exercise:4-1
@test "private: the child's store stays in the child; parent and file keep the original" {
	run prog fork_map private
	assert_success
	# the child really stored (its own copy shows it) ...
	assert_line --index 2 '  child : stored "child was here"; my mapping now says "child was here"'
	# ... and the parent does not see it
	fact 'parent, after waitpid, reads:' '"original"'
	fact 'the file (pread) says:' '"original"'
	refute_output --partial UNEXPECTED
}

# bats test_tags=points:3
@test "cow: a private page written before fork is inherited, then both diverge" {
	run prog fork_cow
	assert_success
	# The pipes force this exact order of events.
	assert_line --index 1 '  parent: stored "parent, before fork" in its private mapping'
	assert_line --index 2 '  child : my mapping says "parent, before fork"'
	assert_line --index 3 '  child : stored "child, after fork"'
	assert_line --index 4 --regexp '^  parent, after the child.s store: +expected "parent, before fork", observed "parent, before fork"$'
	assert_line --index 5 '  parent: stored "parent, after fork"'
	assert_line --index 6 "  child : after the parent's store, mine still says \"child, after fork\""
	fact 'child: saw it, then kept its own:' 'yes'
	fact 'the file (pread) says:' '"original"'
}

# bats test_tags=points:2
@test "offset: the child's write() moves the parent's offset; a new open() has its own" {
	run prog fork_offset
	assert_success
	assert_line '  parent: offset before fork: 0'
	assert_line '  child : write(fd, "child\n") -> offset 6'
	assert_line '  child : a fresh open() of the same file: offset 0'
	fact "parent's offset after waitpid:" 6
	# The parent's write landed after the child's: nothing overwritten.
	fact "file after the parent's write():" '"child\nparent\n"'
}

# bats test_tags=exercise:4-1
@test "all three programs: four experiments, all as expected, temp files removed" {
	local n=0 m
	for m in "fork_map shared" "fork_map private" fork_cow fork_offset; do
		run prog $m
		assert_success
		refute_output --partial UNEXPECTED
		assert_line 'all observations as expected'
		n=$((n + $(grep -c ' expected .*, observed ' <<<"$output")))
	done
	assert_equal "$n" 9
}

@test "usage: no mode, unknown option or mode, extra arguments -> exit 2" {
	run prog fork_map
	assert_usage
	run prog fork_map --bogus
	assert_usage
	assert_output --partial 'unknown option'
	run prog fork_map sideways
	assert_usage
	assert_output --partial 'unknown mode'
	run prog fork_map shared private
	assert_usage
	run prog fork_cow extra
	assert_usage
	refute_line --regexp ' $' # usage: PROG, no trailing blank
	run prog fork_offset --bogus
	assert_usage
	assert_output --partial 'unknown option'
}

@test "a TMPDIR that does not exist -> clear message, exit 1" {
	TMPDIR=$BATS_TEST_TMPDIR/nope run prog fork_map shared
	assert_failure 1
	assert_output "fork_map: mkstemp($BATS_TEST_TMPDIR/nope): ENOENT (No such file or directory)"
	TMPDIR=$BATS_TEST_TMPDIR/nope run prog fork_offset
	assert_failure 1
	assert_output "fork_offset: mkstemp($BATS_TEST_TMPDIR/nope): ENOENT (No such file or directory)"
}
