#!/usr/bin/env bats
# Lab 2: past the end of a mapped file.  EINVAL for length 0, zeros in the
# last page, SIGBUS (address and page as the kernel reported them) beyond
# it, ftruncate() growing and shrinking, the uncaught "Bus error", what a
# store past EOF leaves behind on each filesystem, and a seal against
# shrinking.
load helper
bats_require_minimum_version 1.5.0

@test "map_empty: length st_size = 0 -> EINVAL; one page maps, first touch -> SIGBUS" {
	run prog map_empty
	assert_success
	assert_line --regexp '^  mmap\(length = st_size = 0\): +expected EINVAL, observed EINVAL$'
	assert_line --regexp '^  mmap\(length = 1 page\): +expected success, observed success$'
	assert_line --regexp '^  read byte 0: +expected SIGBUS, observed SIGBUS$'
	assert_line --regexp '^ +si_addr 0x[0-9a-f]+ = map \+ 0: page 1 of the mapping; si_code BUS_ADRERR; file size 0$'
}

# bats test_tags=points:2
@test "map_past_eof: zeros after the data, a store there stays out of the file, SIGBUS at map + page size" {
	run prog map_past_eof
	assert_success
	assert_output --partial '[map_past_eof] a 100-byte file mapped with length 2 pages'
	assert_line --regexp "^  byte 99 \(last byte of the file\): +expected '#', observed '#'$"
	assert_line --regexp '^  bytes 100..page end: +expected all zero, observed all zero$'
	assert_line --regexp '^  store .X. at 200; pread\(\) of 300: +expected 100 bytes, observed 100 bytes$'
	assert_line --regexp '^  file size after that store: +expected 100, observed 100$'
	assert_line --regexp '^  read the first byte of page 2: +expected SIGBUS, observed SIGBUS$'
	assert_line --regexp "^ +si_addr 0x[0-9a-f]+ = map \\+ $PAGE: page 2 of the mapping; si_code BUS_ADRERR; file size 100\$"
	assert_line --regexp '^  read the last byte of page 2: +expected SIGBUS, observed SIGBUS$'
	# si_addr is page-aligned: the first byte of page 2.
	addr=$(sed -n 's/.*si_addr \(0x[0-9a-f]*\) = map.*/\1/p' <<<"$output")
	assert_equal "$((addr % PAGE))" 0
}

# bats test_tags=points:3,exercise:2-1
@test "grow_file: after ftruncate() to 2 pages the same access works and reaches the file" {
	run prog grow_file
	assert_success
	assert_line --regexp '^  before: read the first byte of page 2: +expected SIGBUS, observed SIGBUS$'
	assert_line "  file size is now $((2 * PAGE)) bytes"
	assert_line --regexp '^  after: read the first byte of page 2: +expected no signal, observed no signal$'
	assert_line --regexp '^  its value \(grown part of a file\): +expected 0, observed 0$'
	assert_line --regexp "^  pread\\(\\) of that file offset: +expected 'G', observed 'G'\$"
	refute_output --partial UNEXPECTED
}

# bats test_tags=points:3
@test "shrink_file: another process's ftruncate() makes our next access SIGBUS" {
	run prog shrink_file
	assert_success
	# the order of events is forced by the pipes: map+read, shrink, read
	assert_line --index 1 "  child : mapped 2 pages; read page 2: ok ('#')"
	assert_line --index 2 '  parent: ftruncate(fd, 100) while the child has it mapped'
	assert_line --index 3 '  child : read page 2 again: SIGBUS'
	assert_line --index 4 --regexp "^  child :  si_addr 0x[0-9a-f]+ = map \\+ $PAGE: page 2 of the mapping; si_code BUS_ADRERR; file size 100\$"
	assert_line --regexp "^  the child's second read of page 2: +expected SIGBUS, observed SIGBUS\$"
}

# bats test_tags=points:2,exercise:2-1
@test "all four fault programs: every observation as expected, exit 0" {
	local n=0 p
	for p in map_empty map_past_eof grow_file shrink_file; do
		run prog "$p"
		assert_success
		assert_line --partial "[$p]"
		refute_output --partial UNEXPECTED
		assert_line 'all observations as expected'
		n=$((n + $(grep -c ' expected .*, observed ' <<<"$output")))
	done
	assert_equal "$n" 15
}

# bats test_tags=points:2
@test "bus_crash: SIGBUS kills it: the shell says Bus error, status 135, no core file" {
	cd "$BATS_TEST_TMPDIR"
	ulimit -c unlimited 2>/dev/null || true
	run bash -c 'timeout -k 2 "$2" "$1"; echo "status=$?"' sh "$BUILD/$LAB/bus_crash" "$TIMEOUT"
	assert_line --partial '[bus_crash] reading map + '
	assert_output --partial 'Bus error'
	assert_line 'status=135'
	refute_output --partial 'not reached'
	run prog bus_crash
	assert_equal "$status" 135
	assert_equal "$(kill -l $((status - 128)))" BUS
	assert_equal "$(ls core* 2>/dev/null)" ""
}

# eof_trials DIR: the two trial lines the last run printed for DIR.
eof_trials() { awk -v h="[$1] " 'index($0, h) == 1 {on = 1; next} /^\[/ {on = 0} on && /pread\(byte 200\)/' <<<"$output"; }

@test "eof_store: a store past EOF survives growth on tmpfs; other filesystems report consistently" {
	d=$BATS_TEST_TMPDIR
	run prog eof_store /dev/shm "$d"
	assert_success
	for dir in /dev/shm "$d"; do
		# the f_type printed is statfs's, as stat -f sees it
		assert_line --regexp "^\\[$dir\\] .* \\(f_type 0x0*$(stat -f -c %t "$dir")\\)\$"
	done
	assert_line --regexp '^\[/dev/shm\] tmpfs '
	# tmpfs: no writeback, the page is the file: 'X' is still there,
	# with msync and without
	assert_equal "$(eof_trials /dev/shm | grep -c "= 'X': the store past EOF survived\$")" 2
	# any other filesystem: each trial is one of the two outcomes, and a
	# second run on the same folder reports the same
	first=$(eof_trials "$d")
	assert_equal "$(grep -cE "= ('X': the store past EOF survived|0: zeroed)\$" <<<"$first")" 2
	if [ "$(stat -f -c %T "$d")" = tmpfs ]; then
		assert_equal "$(grep -c "survived" <<<"$first")" 2
	fi
	run prog eof_store "$d"
	assert_success
	assert_equal "$(eof_trials "$d")" "$first"
	# without arguments: /dev/shm and the program's own (build) folder,
	# where the build folder is writable (a grader may mount it read-only)
	if [ -w "$BUILD/$LAB" ]; then
		run prog eof_store
		assert_success
		assert_line --index 0 --regexp '^\[/dev/shm\] tmpfs '
		assert_line --index 3 --regexp "^\\[$(cd "$BUILD/$LAB" && pwd -P)\\] "
	fi
	[ ! -e "$d"/shmlabs* ]
}

@test "seal_shrink: flock cannot stop another process's ftruncate; F_SEAL_SHRINK can (EPERM), growing works" {
	run prog seal_shrink
	assert_success
	assert_line --regexp '^  another process: flock\(LOCK_NB\): +expected EAGAIN, observed EAGAIN$'
	assert_line --regexp '^  another process: ftruncate\(100\) anyway: +expected success, observed success$'
	assert_line --regexp '^  our read of page 2: +expected SIGBUS, observed SIGBUS$'
	assert_line --regexp '^  fcntl\(F_GET_SEALS\): +expected F_SEAL_SHRINK, observed F_SEAL_SHRINK$'
	assert_line --regexp '^  another process: ftruncate\(100\): +expected EPERM, observed EPERM$'
	assert_line --regexp '^  another process: ftruncate\(3 pages\): +expected success, observed success$'
	assert_line --regexp '^  our read of page 2: +expected no signal, observed no signal$'
	refute_output --partial UNEXPECTED
	assert_line 'all observations as expected'
}

@test "usage: any argument to the fixed experiments, an option to eof_store -> exit 2" {
	local p
	for p in map_empty map_past_eof grow_file shrink_file bus_crash seal_shrink; do
		run prog "$p" extra
		assert_usage
		refute_line --regexp ' $' # usage: PROG, no trailing blank
	done
	run prog eof_store --bogus
	assert_usage
	assert_output --partial 'unknown option'
}

@test "a TMPDIR that does not exist -> clear message, exit 1" {
	TMPDIR=$BATS_TEST_TMPDIR/nope run prog map_past_eof
	assert_failure 1
	assert_output --regexp "^map_past_eof: mkstemp\\($BATS_TEST_TMPDIR/nope\\): ENOENT \\(No such file or directory\\)\$"
	run prog eof_store "$BATS_TEST_TMPDIR/nope"
	assert_failure 1
	assert_output "eof_store: statfs($BATS_TEST_TMPDIR/nope): ENOENT (No such file or directory)"
}
