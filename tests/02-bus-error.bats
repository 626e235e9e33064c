#!/usr/bin/env bats
# Lab 2: past the end of a mapped file.  EINVAL for length 0, zeros in the
# last page, SIGBUS (address and page as the kernel reported them) beyond
# it, ftruncate() growing and shrinking, and the uncaught "Bus error".
load helper
bats_require_minimum_version 1.5.0

setup() {
	common_setup
	PAGE=$(getconf PAGESIZE)
}

@test "zero: length st_size = 0 -> EINVAL; one page maps, first touch -> SIGBUS" {
	run prog bus_error zero
	assert_success
	assert_line --regexp '^  mmap\(length = st_size = 0\): +expected EINVAL, observed EINVAL$'
	assert_line --regexp '^  mmap\(length = 1 page\): +expected success, observed success$'
	assert_line --regexp '^  read byte 0: +expected SIGBUS, observed SIGBUS$'
	assert_line --regexp '^ +si_addr 0x[0-9a-f]+ = map \+ 0: page 1 of the mapping; si_code BUS_ADRERR; file size 0$'
}

# bats test_tags=points:2
@test "tail: bytes 100..page end are zero, a store there stays out of the file" {
	run prog bus_error tail
	assert_success
	assert_output --partial '[tail] a 100-byte file mapped with length 2 pages'
	assert_line --regexp "^  byte 99 \(last byte of the file\): +expected '#', observed '#'$"
	assert_line --regexp '^  bytes 100..page end: +expected all zero, observed all zero$'
	assert_line --regexp '^  store .X. at 200; pread\(\) of 300: +expected 100 bytes, observed 100 bytes$'
	assert_line --regexp '^  file size after that store: +expected 100, observed 100$'
}

# bats test_tags=points:2
@test "tail: touching page 2 raises SIGBUS at map + page size, reported as page 2" {
	run prog bus_error tail
	assert_success
	assert_line --regexp '^  read the first byte of page 2: +expected SIGBUS, observed SIGBUS$'
	assert_line --regexp "^ +si_addr 0x[0-9a-f]+ = map \\+ $PAGE: page 2 of the mapping; si_code BUS_ADRERR; file size 100\$"
	assert_line --regexp '^  read the last byte of page 2: +expected SIGBUS, observed SIGBUS$'
	# si_addr is page-aligned: the first byte of page 2.
	addr=$(sed -n 's/.*si_addr \(0x[0-9a-f]*\) = map.*/\1/p' <<<"$output")
	assert_equal "$((addr % PAGE))" 0
}

# bats test_tags=points:3,exercise:2-1
@test "grow: after ftruncate() to 2 pages the same access works and reaches the file" {
	run prog bus_error grow
	assert_success
	assert_line --regexp '^  before: read the first byte of page 2: +expected SIGBUS, observed SIGBUS$'
	assert_line "  file size is now $((2 * PAGE)) bytes"
	assert_line --regexp '^  after: read the first byte of page 2: +expected no signal, observed no signal$'
	assert_line --regexp '^  its value \(grown part of a file\): +expected 0, observed 0$'
	assert_line --regexp "^  pread\\(\\) of that file offset: +expected 'G', observed 'G'\$"
	refute_output --partial UNEXPECTED
}

# bats test_tags=points:3
@test "shrink: another process's ftruncate() makes our next access SIGBUS" {
	run prog bus_error shrink
	assert_success
	# the order of events is forced by the pipes: map+read, shrink, read
	assert_line --index 1 "  child : mapped 2 pages; read page 2: ok ('#')"
	assert_line --index 2 '  parent: ftruncate(fd, 100) while the child has it mapped'
	assert_line --index 3 '  child : read page 2 again: SIGBUS'
	assert_line --index 4 --regexp "^  child :  si_addr 0x[0-9a-f]+ = map \\+ $PAGE: page 2 of the mapping; si_code BUS_ADRERR; file size 100\$"
	assert_line --regexp "^  the child's second read of page 2: +expected SIGBUS, observed SIGBUS\$"
}

# bats test_tags=points:2,exercise:2-1
@test "all: every step, every observation as expected, exit 0" {
	run prog bus_error all
	assert_success
	for s in zero tail grow shrink; do
		assert_line --partial "[$s]"
	done
	refute_output --partial UNEXPECTED
	assert_line 'all observations as expected'
	assert_equal "$(grep -c ' expected .*, observed ' <<<"$output")" 15
}

# bats test_tags=points:2
@test "--crash: SIGBUS kills it: the shell says Bus error, status 135, no core file" {
	cd "$BATS_TEST_TMPDIR"
	ulimit -c unlimited 2>/dev/null || true
	run bash -c 'timeout -k 2 "$2" "$1" --crash; echo "status=$?"' sh "$BUILD/$LAB/bus_error" "$TIMEOUT"
	assert_line --partial '[crash] reading map + '
	assert_output --partial 'Bus error'
	assert_line 'status=135'
	refute_output --partial 'not reached'
	run prog bus_error --crash
	assert_equal "$status" 135
	assert_equal "$(kill -l $((status - 128)))" BUS
	assert_equal "$(ls core* 2>/dev/null)" ""
}

@test "usage: no argument, unknown option, unknown step, extra argument -> exit 2" {
	run prog bus_error
	assert_usage
	run prog bus_error --bogus
	assert_usage
	assert_output --partial 'unknown option'
	run prog bus_error nine
	assert_usage
	assert_output --partial 'unknown step'
	run prog bus_error tail grow
	assert_usage
}

@test "a TMPDIR that does not exist -> clear message, exit 1" {
	TMPDIR=$BATS_TEST_TMPDIR/nope run prog bus_error tail
	assert_failure 1
	assert_output --regexp "^bus_error: mkstemp\\($BATS_TEST_TMPDIR/nope\\): ENOENT \\(No such file or directory\\)\$"
}
