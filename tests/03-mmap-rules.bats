#!/usr/bin/env bats
# Lab 3: the rules of mmap(2), one experiment each, numbered 1-11 as in
# the guide and run by six small programs.  Each test runs the program
# that holds an experiment and asserts what that experiment observed
# (errno name, signal and si_code, file bytes), not only the PASS verdict.
load helper
bats_require_minimum_version 1.5.0

# The program of each experiment.
PROGS=(access_mode private_write offset_length munmap_pages bad_access map_after_close)
prog_of() {
	case $1 in 1 | 3) echo access_mode ;; 2) echo private_write ;; [4-6]) echo offset_length ;;
	[78]) echo munmap_pages ;; 9 | 10) echo bad_access ;; 11) echo map_after_close ;; esac
}

# section N: the lines of experiment N in $output, from "[N] " up to the
# next experiment or the summary.
section() { awk -v h="[$1] " 'index($0, h) == 1 {on = 1; print; next} /^\[|^[0-9]+ of / {on = 0} on' <<<"$output"; }

# expect N OBSERVED: run experiment N's program; N must observe OBSERVED
# and say PASS, and the program must exit 0.  $out is N's section.
expect() {
	run prog "$(prog_of "$1")"
	assert_success
	out=$(section "$1")
	[ -n "$out" ] || fail "no experiment [$1] in the output"
	grep -qxF "    expected $2, observed $2: PASS" <<<"$out" || fail "[$1] did not observe $2: $out"
	assert_line --regexp '^([0-9]+) of \1 experiments behaved as expected$'
}
# in_section LINE: experiment's section has exactly this line
in_section() { grep -qxF -- "$1" <<<"$out" || fail "no line '$1' in: $out"; }

@test "1: MAP_SHARED + PROT_WRITE on an O_RDONLY fd -> EACCES (PROT_READ alone works)" {
	expect 1 EACCES
	in_section '    (control: PROT_READ alone, MAP_SHARED: success)'
}

# bats test_tags=points:2,exercise:3-1
@test "2: MAP_PRIVATE + PROT_WRITE on an O_RDONLY fd works, the file stays unchanged" {
	expect 2 'success (file unchanged)'
	in_section "    p[0] is now 'W' in this process"
	in_section "    pread(fd, 1 byte, offset 0) -> 'a'"
}

@test "3: a write-only fd cannot be mapped, even PROT_WRITE -> EACCES" {
	expect 3 EACCES
	in_section '    fd = open(file, O_WRONLY)'
}

@test "4: offset 100 (not a page multiple) -> EINVAL" {
	expect 4 EINVAL
	in_section "    mmap(NULL, $PAGE, PROT_READ, MAP_SHARED, fd, 100)"
}

@test "5: offset = one page works and maps the file's second page" {
	expect 5 success
	in_section "    p[0] = 'b' (file byte $PAGE)"
}

@test "6: length 0 -> EINVAL" {
	expect 6 EINVAL
	in_section '    mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0)'
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
	in_section "    file byte 1, read back with pread(): 'W'"
}

# bats test_tags=points:2,exercise:3-1
@test "all six programs: eleven experiments, all PASS, exit 0, temp files removed" {
	local n=0 p
	for p in "${PROGS[@]}"; do
		run prog "$p"
		assert_success
		refute_output --partial ': FAIL'
		n=$((n + $(grep -c ': PASS$' <<<"$output")))
	done
	assert_equal "$n" 11
}

@test "the programs together run experiments 1-11, each once, each with its expectation" {
	local all= p
	for p in "${PROGS[@]}"; do
		run prog "$p"
		all+=$(grep -oE '^\[[0-9]+\]' <<<"$output" | tr -d '[]' | tr '\n' ' ')
		# every experiment ends with its verdict: as many as headings
		assert_equal "$(grep -c '^\[' <<<"$output")" "$(grep -c '^    expected .*, observed ' <<<"$output")"
	done
	assert_equal "$(tr ' ' '\n' <<<"$all" | grep . | sort -n | tr '\n' ' ')" '1 2 3 4 5 6 7 8 9 10 11 '
	run prog access_mode
	assert_line '[1] MAP_SHARED + PROT_WRITE on an O_RDONLY fd'
	run prog map_after_close
	assert_line '[11] use the mapping after close(fd)'
}

@test "the access-mode rules hold for an unprivileged user too" {
	# TMPDIR must be usable by nobody for its temp file
	d=$BATS_TEST_TMPDIR/u
	mkdir -m 1777 "$d"
	reachable "$BATS_TEST_TMPDIR"
	TMPDIR=$d run uprog access_mode
	assert_success
	assert_equal "$(grep -c '^    expected EACCES, observed EACCES: PASS$' <<<"$output")" 2
	TMPDIR=$d run uprog bad_access
	assert_success
	assert_line '    expected SIGSEGV (SEGV_ACCERR), observed SIGSEGV (SEGV_ACCERR): PASS'
	TMPDIR=$d run uprog map_after_close
	assert_success
	assert_line "    file byte 1, read back with pread(): 'W'"
	assert_line '1 of 1 experiments behaved as expected'
	assert_equal "$(ls -A "$d")" ""
}

@test "no usable TMPDIR -> clear message, exit 1, nothing reported as PASS" {
	TMPDIR=$BATS_TEST_TMPDIR/nope run prog access_mode
	assert_failure 1
	assert_output "access_mode: mkstemp($BATS_TEST_TMPDIR/nope): ENOENT (No such file or directory)"
	refute_output --partial PASS
}

@test "usage: any argument or option -> exit 2" {
	local p
	for p in "${PROGS[@]}"; do
		run prog "$p" 1
		assert_usage
		refute_line --regexp ' $' # usage: PROG, no trailing blank
		assert_output --partial 'no arguments expected'
	done
	run prog bad_access --bogus
	assert_usage
	assert_output --partial 'unknown option'
}
