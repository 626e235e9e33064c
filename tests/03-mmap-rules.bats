#!/usr/bin/env bats
# Lab 3: the rules of mmap(2), one experiment each.  Each test runs one
# experiment by number and asserts the observed result (errno name, signal
# and si_code, file bytes), not only the PASS verdict.
load helper
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	PAGE=$(getconf PAGESIZE)
}

# expect N OBSERVED: run experiment N alone; it must observe OBSERVED,
# say PASS, and exit 0.
expect() {
	run prog mmap_rules "$1"
	assert_success
	assert_line --index 0 --regexp "^\\[$1\\] "
	assert_line "    expected $2, observed $2: PASS"
	assert_line '1 of 1 experiments behaved as expected'
}

@test "1: MAP_SHARED + PROT_WRITE on an O_RDONLY fd -> EACCES (PROT_READ alone works)" {
	expect 1 EACCES
	assert_line '    (control: PROT_READ alone, MAP_SHARED: success)'
}

# bats test_tags=points:2,exercise:3-1
@test "2: MAP_PRIVATE + PROT_WRITE on an O_RDONLY fd works, the file stays unchanged" {
	expect 2 'success (file unchanged)'
	assert_line "    p[0] is now 'W' in this process"
	assert_line "    pread(fd, 1 byte, offset 0) -> 'a'"
}

@test "3: a write-only fd cannot be mapped, even PROT_WRITE -> EACCES" {
	expect 3 EACCES
	assert_line '    fd = open(file, O_WRONLY)'
}

@test "4: offset 100 (not a page multiple) -> EINVAL" {
	expect 4 EINVAL
	assert_line "    mmap(NULL, $PAGE, PROT_READ, MAP_SHARED, fd, 100)"
}

@test "5: offset = one page works and maps the file's second page" {
	expect 5 success
	assert_line "    p[0] = 'b' (file byte $PAGE)"
}

@test "6: length 0 -> EINVAL" {
	expect 6 EINVAL
}

@test "7: munmap(p + 1) -> EINVAL" {
	expect 7 EINVAL
}

@test "8: munmap() of a page-aligned part punches a hole; the rest stays" {
	expect 8 'success (page 1 kept, page 2 gone: SIGSEGV)'
}

@test "9: a store into a PROT_READ mapping -> SIGSEGV, SEGV_ACCERR (caught)" {
	expect 9 'SIGSEGV (SEGV_ACCERR)'
}

@test "10: touching memory after munmap() -> SIGSEGV, SEGV_MAPERR (caught)" {
	expect 10 'SIGSEGV (SEGV_MAPERR)'
}

@test "11: the mapping works after close(fd) and its stores reach the file" {
	expect 11 'success (file changed)'
	assert_line "    file byte 1, read back with pread(): 'W'"
}

# bats test_tags=points:2,exercise:3-1
@test "all: eleven experiments, all PASS, exit 0, temp file removed" {
	run prog mmap_rules all
	assert_success
	assert_equal "$(grep -c ': PASS$' <<<"$output")" 11
	refute_output --partial ': FAIL'
	assert_line '11 of 11 experiments behaved as expected'
	# several numbers at once, in order, duplicates run once
	run prog mmap_rules 10 3 3
	assert_success
	assert_equal "$(grep -E '^\[[0-9]+\]' <<<"$output" | cut -d' ' -f1 | tr '\n' ' ')" '[3] [10] '
}

@test "the access-mode rules hold for an unprivileged user too" {
	# TMPDIR must be usable by nobody for its temp file
	d=$BATS_TEST_TMPDIR/u
	mkdir -m 1777 "$d"
	reachable "$BATS_TEST_TMPDIR"
	TMPDIR=$d run unprivileged timeout -k 2 "$TIMEOUT" "$BUILD/$LAB/mmap_rules" 1 3 9 11
	assert_success
	assert_equal "$(grep -c '^    expected EACCES, observed EACCES: PASS$' <<<"$output")" 2
	assert_line '    expected SIGSEGV (SEGV_ACCERR), observed SIGSEGV (SEGV_ACCERR): PASS'
	assert_line "    file byte 1, read back with pread(): 'W'"
	assert_line '4 of 4 experiments behaved as expected'
	assert_equal "$(ls -A "$d")" ""
}

@test "no usable TMPDIR -> clear message, exit 1, nothing reported as PASS" {
	TMPDIR=$BATS_TEST_TMPDIR/nope run prog mmap_rules 1
	assert_failure 1
	assert_output "mmap_rules: mkstemp($BATS_TEST_TMPDIR/nope): ENOENT (No such file or directory)"
	refute_output --partial PASS
}

@test "--list names all eleven experiments with their expectation" {
	run prog mmap_rules --list
	assert_success
	assert_equal "${#lines[@]}" 11
	assert_line --regexp '^ 1  MAP_SHARED \+ PROT_WRITE on an O_RDONLY fd +expected EACCES$'
	assert_line --regexp '^11  use the mapping after close\(fd\) +expected success \(file changed\)$'
}

@test "usage: no argument, unknown option, bad numbers -> exit 2" {
	run prog mmap_rules
	assert_usage
	run prog mmap_rules --bogus
	assert_usage
	assert_output --partial 'unknown option'
	for bad in 0 12 x 1x ''; do
		run prog mmap_rules "$bad"
		assert_usage
		assert_output --partial 'no such experiment'
	done
}
