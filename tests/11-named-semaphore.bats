#!/usr/bin/env bats
# tests/11-named-semaphore.bats - lab 11: the writer/reader transfer through
# POSIX shm and two named POSIX semaphores.  The shared cases (tests/
# transfer.bash) first, then what is particular to named semaphores.
bats_require_minimum_version 1.5.0
load helper
load transfer

@test "empty input: only the end marker travels" { xfer_case empty; }
@test "one NUL byte arrives intact" { xfer_case one-byte; }
@test "exactly one chunk (4096 bytes)" { xfer_case one-chunk; }
@test "one chunk plus one byte" { xfer_case chunk-plus-one; }
# bats test_tags=points:2
@test "5 MiB of random binary data, byte-exact" { xfer_case random-5mib; }
@test "10000 numbered lines, in order" { xfer_case lines-10000; }
@test "the reader may start first (it creates, the writer joins)" { xfer_case reader-first; }
@test "the writer may start first (it creates, the reader joins)" { xfer_case writer-first; }
# bats test_tags=points:2,exercise:11-1
@test "SIGKILL of the writer mid-transfer: the reader says the peer died" { xfer_case kill-writer; }
# bats test_tags=points:2,exercise:11-1
@test "SIGKILL of the reader mid-transfer: the writer says the peer died" { xfer_case kill-reader; }
# bats test_tags=exercise:11-1
@test "SIGINT to the writer removes every object; the reader exits" { xfer_case sigint-writer; }
# bats test_tags=exercise:11-1
@test "SIGINT to the reader removes every object; the writer exits" { xfer_case sigint-reader; }
@test "SIGKILL to both: the names stay in /dev/shm until clean-ipc removes them" { xfer_case kill-both; }
@test "a second writer is turned away; the running transfer goes on" { xfer_case second-writer; }
@test "a second reader is turned away; the running transfer goes on" { xfer_case second-reader; }
@test "two transfers with different prefixes at the same time" { xfer_case parallel; }
@test "ten transfers whose two sides start at the same moment (race to create)" { xfer_case simultaneous; }
@test "usage errors exit 2; --chunk-size prints 4096" { xfer_case usage; }

# ---- particular to lab 11 ------------------------------------------------

# bats test_tags=points:2
@test "while it runs: the shm object and the named semaphores are files in /dev/shm" {
	xfer_start_held -v
	run ls /dev/shm
	assert_line "$SHMLABS_PREFIX-xfer-shm"
	assert_line "sem.$SHMLABS_PREFIX-xfer-can-write"
	assert_line "sem.$SHMLABS_PREFIX-xfer-can-read"
	assert_line "sem.$SHMLABS_PREFIX-xfer-ready"
	# A named semaphore is a small file that both processes map.
	run stat -c %s "/dev/shm/sem.$SHMLABS_PREFIX-xfer-can-read"
	assert_output 32
	# The shm object: two pids, a length and 4096 bytes of data.
	run stat -c %s "/dev/shm/$SHMLABS_PREFIX-xfer-shm"
	assert_output 4108
	xfer_finish_held
	assert_equal "$(cat "$XFER_DIR/out")" hello
	run ipc_leftovers
	assert_output ""
}

@test "-v narrates on stderr: who created, who joined, names with a leading '/'" {
	xfer_start_held -v
	xfer_finish_held
	# The reader started alone, so it created; the writer joined.
	run cat "$XFER_DIR/reader.err"
	assert_line "reader: shm_open(/$SHMLABS_PREFIX-xfer-shm, O_RDWR|O_CREAT|O_EXCL, 0600): created, so I am first and initialise everything"
	assert_line "reader: sem_open(/$SHMLABS_PREFIX-xfer-can-write, O_CREAT|O_EXCL, 0600, 1): created"
	assert_line "reader: sem_open(/$SHMLABS_PREFIX-xfer-can-read, O_CREAT|O_EXCL, 0600, 0): created"
	assert_line "reader: chunk 1: 6 bytes -> write(stdout)"
	assert_line "reader: end of data: 6 bytes in 1 chunks"
	run cat "$XFER_DIR/writer.err"
	assert_line --partial "writer: shm_open(/$SHMLABS_PREFIX-xfer-shm, O_CREAT|O_EXCL): EEXIST, so the reader was first"
	assert_line "writer: the reader took the end marker: 6 bytes in 1 chunks"
	refute_output --partial "created, so I am first"
	# stdout carried the data and nothing else.
	assert_equal "$(od -An -c "$XFER_DIR/out" | tr -s ' ')" " h e l l o \n"
}

# bats test_tags=points:2
@test "a stale semaphore from a killed run is refused (EEXIST), not silently reused" {
	# A leftover can-write semaphore whose count is 0: the seed's
	# sem_open(O_CREAT) would open it, ignore the initial value 1, and
	# both sides would wait forever.
	head -c 32 /dev/zero >"/dev/shm/sem.$SHMLABS_PREFIX-xfer-can-write"
	run prog writer </dev/null
	assert_failure 1
	assert_output --partial "sem_open(/$SHMLABS_PREFIX-xfer-can-write, O_CREAT|O_EXCL): EEXIST"
	assert_output --partial "make clean-ipc"
	# It removed what it had created itself, and only that.
	run ls /dev/shm
	refute_line "$SHMLABS_PREFIX-xfer-shm"
	refute_line "sem.$SHMLABS_PREFIX-xfer-ready"
	assert_line "sem.$SHMLABS_PREFIX-xfer-can-write"
	run "$ROOT/scripts/clean-ipc" "$SHMLABS_PREFIX"
	assert_output "clean-ipc: removed 1 object(s)"
}
