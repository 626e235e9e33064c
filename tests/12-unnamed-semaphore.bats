#!/usr/bin/env bats
# tests/12-unnamed-semaphore.bats - lab 12: the writer/reader transfer with
# two unnamed semaphores (sem_init, pshared = 1) inside the one POSIX shm
# object.  The shared cases (tests/transfer.bash) first, then what is
# particular to unnamed semaphores: one object only, and the init race.
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
@test "the reader may start first (it publishes, the writer joins)" { xfer_case reader-first; }
@test "the writer may start first (it publishes, the reader joins)" { xfer_case writer-first; }
# bats test_tags=points:2
@test "SIGKILL of the writer mid-transfer: the reader says the peer died" { xfer_case kill-writer; }
# bats test_tags=points:2
@test "SIGKILL of the reader mid-transfer: the writer says the peer died" { xfer_case kill-reader; }
@test "SIGINT to the writer removes the object; the reader exits" { xfer_case sigint-writer; }
@test "SIGINT to the reader removes the object; the writer exits" { xfer_case sigint-reader; }
@test "SIGKILL to both: the object stays in /dev/shm until clean-ipc removes it" { xfer_case kill-both; }
@test "a second writer is turned away; the running transfer goes on" { xfer_case second-writer; }
@test "a second reader is turned away; the running transfer goes on" { xfer_case second-reader; }
@test "two transfers with different prefixes at the same time" { xfer_case parallel; }
# (Not an exercise test: the natural race is microseconds wide, so a wrong
# publish() usually passes this one too; the init-race test below forces it.)
@test "ten transfers whose two sides start at the same moment (race to publish)" { xfer_case simultaneous; }
@test "usage errors exit 2; --chunk-size prints 4096" { xfer_case usage; }

# ---- particular to lab 12 ------------------------------------------------

# bats test_tags=points:2
@test "while it runs: ONE file in /dev/shm holds everything, no sem.* files" {
	xfer_start_held -v
	run ls /dev/shm
	assert_line "$SHMLABS_PREFIX-xfer-shm"
	refute_line --partial "sem.$SHMLABS_PREFIX"
	assert_equal "$(ls /dev/shm | grep -c -F -- "$SHMLABS_PREFIX")" 1
	# magic, 2 pids, two 32-byte sem_t, a length, 4096 data bytes.
	run stat -c %s "/dev/shm/$SHMLABS_PREFIX-xfer-shm"
	assert_output 4184
	xfer_finish_held
	assert_equal "$(cat "$XFER_DIR/out")" hello
	run ipc_leftovers
	assert_output ""
}

@test "-v narrates: built privately, sem_init with pshared=1, published; the other joins" {
	xfer_start_held -v
	xfer_finish_held
	run cat "$XFER_DIR/reader.err"
	assert_line --regexp "^reader: nothing published yet: built /$SHMLABS_PREFIX-xfer-shm\.new-[0-9]+ \(4184 bytes\) privately$"
	assert_line "reader: sem_init(&can_write, pshared=1, 1), sem_init(&can_read, pshared=1, 0)"
	assert_line --regexp "^reader: link\(/dev/shm/$SHMLABS_PREFIX-xfer-shm\.new-[0-9]+, /dev/shm/$SHMLABS_PREFIX-xfer-shm\): published, so I am first$"
	assert_line "reader: received 6 bytes in 2 chunks (the last one empty)"
	refute_output --partial "sem_destroy"
	run cat "$XFER_DIR/writer.err"
	assert_line "writer: shm_open(/$SHMLABS_PREFIX-xfer-shm): the reader published it; joined"
	refute_line --partial "sem_init"
	assert_line "writer: sem_destroy both semaphores; unlinked /$SHMLABS_PREFIX-xfer-shm"
	assert_equal "$(od -An -c "$XFER_DIR/out" | tr -s ' ')" " h e l l o \n"
}

# bats test_tags=points:3,exercise:12-1
@test "init race: the writer stops before publishing (--stop-in-init), the reader publishes first, the writer joins it" {
	local d=$BATS_TEST_TMPDIR wpid rpid wchild
	head -c $((3 * 4096 + 17)) /dev/urandom >"$d/in"
	xfer_start writer "$d/in" /dev/null "$d/writer.err" -v --stop-in-init
	wpid=$XFER_PID
	xfer_until 10 "the writer to stop itself before publishing" xfer_stopped "$wpid"
	wchild=$(xfer_child "$wpid")
	# Built and initialised, but only under its private name.
	run ls /dev/shm
	assert_line "$SHMLABS_PREFIX-xfer-shm.new-$wchild"
	refute_line "$SHMLABS_PREFIX-xfer-shm"
	xfer_start reader /dev/null "$d/out" "$d/reader.err" -v
	rpid=$XFER_PID
	xfer_until 10 "the reader to publish" test -e "/dev/shm/$SHMLABS_PREFIX-xfer-shm"
	kill -CONT "$wchild"
	xfer_finish "$wpid" "the writer"
	[ "$XFER_RC" = 0 ] || fail "writer: status $XFER_RC: $(cat "$d/writer.err")"
	xfer_finish "$rpid" "the reader"
	[ "$XFER_RC" = 0 ] || fail "reader: status $XFER_RC: $(cat "$d/reader.err")"
	xfer_cmp "$d/in" "$d/out"
	run cat "$d/writer.err"
	assert_line "writer: link(/dev/shm/$SHMLABS_PREFIX-xfer-shm.new-$wchild, /dev/shm/$SHMLABS_PREFIX-xfer-shm): EEXIST: the reader published first; discarding my copy"
	assert_line "writer: shm_open(/$SHMLABS_PREFIX-xfer-shm): the reader published it; joined"
	run cat "$d/reader.err"
	assert_line --partial "published, so I am first"
}

@test "an object under the name that was never initialised is refused" {
	# Right size, but all zero: no magic, no initialised semaphores.
	head -c 4184 /dev/zero >"/dev/shm/$SHMLABS_PREFIX-xfer-shm"
	run prog reader
	assert_failure 1
	assert_output --partial "/$SHMLABS_PREFIX-xfer-shm is not initialised"
	run "$ROOT/scripts/clean-ipc" "$SHMLABS_PREFIX"
	assert_output "clean-ipc: removed 1 object(s)"
}
