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
@test "while it runs: four files in /dev/shm, the shm object and three sem.* semaphores" {
	xfer_start_held -v
	run ls /dev/shm
	assert_line "$SHMLABS_PREFIX-xfer-shm"
	assert_line "sem.$SHMLABS_PREFIX-xfer-can-write"
	assert_line "sem.$SHMLABS_PREFIX-xfer-can-read"
	assert_line "sem.$SHMLABS_PREFIX-xfer-ready"
	assert_equal "$(ls /dev/shm | grep -c -F -- "$SHMLABS_PREFIX")" 4
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

@test "-v narrates: the creator makes the semaphores, the joiner waits at the ready gate; names with a leading '/'" {
	local d=$BATS_TEST_TMPDIR wpid rpid
	printf 'hello\n' >"$d/in"
	# The writer creates everything, then stops before it opens the gate.
	xfer_start writer "$d/in" /dev/null "$d/writer.err" -v --stop-in-init
	wpid=$XFER_PID
	xfer_until 10 "the writer to stop before sem_post(ready)" xfer_stopped "$wpid"
	xfer_start reader /dev/null "$d/out" "$d/reader.err" -v
	rpid=$XFER_PID
	xfer_await_line "$d/reader.err" 'waiting at /' "$rpid"
	# At the gate: still running, nothing read, the semaphores not opened.
	alive "$rpid" || fail "the reader gave up: $(cat "$d/reader.err")"
	run cat "$d/reader.err"
	refute_output --partial "passed the gate"
	kill -CONT "$(xfer_child "$wpid")"
	xfer_finish "$wpid" "the writer"
	assert_equal "$XFER_RC" 0
	xfer_finish "$rpid" "the reader"
	assert_equal "$XFER_RC" 0
	run cat "$d/writer.err"
	assert_line "writer: shm_open(/$SHMLABS_PREFIX-xfer-shm, O_CREAT|O_EXCL): created, so I am first"
	assert_line "writer: sem_open(/$SHMLABS_PREFIX-xfer-can-write, O_CREAT|O_EXCL, 0600, 1): created"
	assert_line "writer: sem_open(/$SHMLABS_PREFIX-xfer-can-read, O_CREAT|O_EXCL, 0600, 0): created"
	assert_line "writer: sem_post(/$SHMLABS_PREFIX-xfer-ready): the gate is open"
	assert_line "writer: chunk 1: 6 bytes, passing the turn"
	assert_line "writer: sent 6 bytes in 2 chunks (the last one empty)"
	assert_line "writer: unlinked /$SHMLABS_PREFIX-xfer-shm and the three semaphores"
	run cat "$d/reader.err"
	assert_line "reader: shm_open(/$SHMLABS_PREFIX-xfer-shm, O_CREAT|O_EXCL): EEXIST, so the writer was first; waiting at /$SHMLABS_PREFIX-xfer-ready"
	assert_line "reader: passed the gate: opened /$SHMLABS_PREFIX-xfer-shm and the semaphores"
	assert_line "reader: chunk 1: 6 bytes -> stdout"
	assert_line "reader: received 6 bytes in 2 chunks (the last one empty)"
	refute_output --partial "created"
	# stdout carried the data and nothing else.
	assert_equal "$(od -An -c "$d/out" | tr -s ' ')" " h e l l o \n"
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
