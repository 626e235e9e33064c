#!/usr/bin/env bats
# Lab 14: the transfer through POSIX shared memory, synchronised with
# signals.  The shared cases come from tests/transfer.bash; the lab's own
# tests force a SIGUSR1 into the test-then-pause() window (lost_wakeup
# --racy must be caught by its alarm, the sigsuspend version must not lose
# it), count lost wake-ups over many round trips, and check the pids in the
# shared memory, the blocked SIGUSR1 and the handling of stray signals.
load helper
load transfer

now_ms() { echo $((${EPOCHREALTIME/[.,]/} / 1000)); }

# ---- the shared transfer cases (tests/transfer.bash) -------------------

@test "transfer: empty input" { xfer_case empty; }
@test "transfer: one byte" { xfer_case one-byte; }
@test "transfer: exactly one chunk" { xfer_case one-chunk; }
@test "transfer: one chunk plus one byte" { xfer_case chunk-plus-one; }
# bats test_tags=points:2
@test "transfer: 5 MiB of random bytes" { xfer_case random-5mib; }
@test "transfer: 10000 numbered lines in order" { xfer_case lines-10000; }
@test "transfer: reader started first" { xfer_case reader-first; }
@test "transfer: writer started first" { xfer_case writer-first; }
# bats test_tags=points:2
@test "transfer: SIGKILL to the writer, the reader notices" { xfer_case kill-writer; }
# bats test_tags=points:2
@test "transfer: SIGKILL to the reader, the writer notices" { xfer_case kill-reader; }
@test "transfer: SIGINT to the writer removes everything" { xfer_case sigint-writer; }
@test "transfer: SIGINT to the reader removes everything" { xfer_case sigint-reader; }
@test "transfer: SIGKILL to both leaves objects; clean-ipc finds and removes them" { xfer_case kill-both; }
@test "transfer: a second writer is refused; the transfer goes on" { xfer_case second-writer; }
@test "transfer: a second reader is refused; the transfer goes on" { xfer_case second-reader; }
@test "transfer: two prefixes at once do not interfere" { xfer_case parallel; }
@test "transfer: usage errors and --chunk-size" { xfer_case usage; }

# ---- lost wake-ups ------------------------------------------------------

# woke_ms: the "waiter: woke after N ms" of lost_wakeup's $output.  The
# program times its own sleep (CLOCK_MONOTONIC), so a busy machine that is
# slow to start it cannot change the figure.
woke_ms() {
	sed -n 's/^waiter: woke after \([0-9]*\) ms;.*/\1/p' <<<"$output"
}

# bats test_tags=points:3
@test "lost_wakeup --racy: the signal lands before pause(); the alarm reports it" {
	local ms
	run prog lost_wakeup --racy --alarm 1
	assert_failure 1
	# The forced window: the handler ran before the sleep, nothing pending.
	assert_line "waiter: back in the window: SIGUSR1 handler has run 1 time(s); SIGUSR1 pending: no"
	assert_line "waiter: pause()"
	assert_output --partial "lost wake-up: would have blocked forever"
	# It slept until the 1 s alarm - not less (woken by nothing else), and
	# not much more (bounded).
	ms=$(woke_ms)
	[ -n "$ms" ] || fail "no 'woke after' line: $output"
	((ms >= 990 && ms < 3000)) || fail "woke after ${ms} ms, expected about 1000"
}

# bats test_tags=points:3,exercise:14-1
@test "lost_wakeup: with SIGUSR1 blocked the signal waits, sigsuspend takes it at once" {
	local ms
	run prog lost_wakeup --alarm 10
	assert_success
	# Same window, but the signal is pending instead of handled ...
	assert_line "waiter: back in the window: SIGUSR1 handler has run 0 time(s); SIGUSR1 pending: yes"
	# ... and its handler ran once the waiter slept: woken by SIGUSR1.
	assert_line "result: woken by SIGUSR1 (handler ran 1 time(s)), flag == 1, no wake-up lost"
	refute_output --partial "lost wake-up"
	ms=$(woke_ms)
	[ -n "$ms" ] || fail "no 'woke after' line: $output"
	((ms < 10000)) || fail "woke after ${ms} ms: by the alarm, not by SIGUSR1"
	# And the wait left the signal mask as it found it.
	assert_line --partial "SIGUSR1 blocked now: no"
}

# Part of exercise 14.1.  The natural window is a few instructions wide, so
# the handout's pause() loses a wake-up here only now and then: more often
# on a busy machine, which preempts inside the window.  A test that passed
# or failed by chance would make the same code score differently, so it
# first asks the forced window (the test above), which fails every time
# until the exercise is done.
# bats test_tags=points:1,exercise:14-1
@test "lost_wakeup --rounds 20000: no wake-up lost over many round trips" {
	run prog lost_wakeup --alarm 2
	assert_success # the forced window: sigsuspend is in place
	# Each round trip waits for the scheduler twice: on a busy machine
	# 20000 of them can take longer than the usual limit.
	TIMEOUT=100 run prog lost_wakeup --rounds 20000 --alarm 10
	assert_success
	assert_output "20000 round trips (20000 signals each way), 0 lost wake-ups"
}

@test "lost_wakeup: bad options are usage errors" {
	run prog lost_wakeup --bogus
	assert_usage
	run prog lost_wakeup --rounds 0
	assert_usage
	run prog lost_wakeup --rounds many
	assert_usage
	run prog lost_wakeup --alarm
	assert_usage
	run prog lost_wakeup extra
	assert_usage
}

# ---- the transfer's signals ---------------------------------------------

# reader_alone: a reader -v waiting alone; its timeout's pid in RPID, its
# own pid (as it narrates it) in PID, its stderr in $BATS_TEST_TMPDIR/rerr.
reader_alone() {
	local d=$BATS_TEST_TMPDIR
	xfer_start reader /dev/null "$d/out" "$d/rerr" -v
	RPID=$XFER_PID
	xfer_await_line "$d/rerr" 'my pid [0-9]+ is in slot 1' "$RPID"
	PID=$(xfer_field "$d/rerr" 'my pid ([0-9]+)')
}

# writer_joins IN [ARGS...]: a writer sends IN to the reader_alone; both
# must exit 0, and the reader's output must be IN.
writer_joins() {
	local d=$BATS_TEST_TMPDIR in=$1
	shift
	xfer_start writer "$in" /dev/null "$d/werr" "$@"
	xfer_finish "$XFER_PID" "the writer"
	assert_equal "$XFER_RC" 0
	xfer_finish "$RPID" "the reader"
	assert_equal "$XFER_RC" 0
	cmp "$in" "$d/out"
}

# bats test_tags=points:2
@test "5 MiB in 1281 hand-offs: every sleep ended by the peer's signal, none lost" {
	local d=$BATS_TEST_TMPDIR rpid wpid
	head -c 5242880 /dev/urandom >"$d/in"
	xfer_start reader /dev/null "$d/out" "$d/rerr" -v
	rpid=$XFER_PID
	xfer_start writer "$d/in" /dev/null "$d/werr" -v
	wpid=$XFER_PID
	xfer_finish "$wpid" "the writer"
	assert_equal "$XFER_RC" 0
	xfer_finish "$rpid" "the reader"
	assert_equal "$XFER_RC" 0
	cmp "$d/in" "$d/out"
	grep -q 'sent 5242880 bytes in 1281 chunks' "$d/werr"
	grep -q 'received 5242880 bytes in 1281 chunks' "$d/rerr"
	grep -Eq '[0-9]+ sleeps, [0-9]+ wake-up signals from the peer, 0 stray signals ignored, [0-9]+ timeouts, 0 lost wake-ups' "$d/werr" ||
		fail "writer: $(cat "$d/werr")"
	grep -Eq '[0-9]+ sleeps, [0-9]+ wake-up signals from the peer, 0 stray signals ignored, [0-9]+ timeouts, 0 lost wake-ups' "$d/rerr" ||
		fail "reader: $(cat "$d/rerr")"
}

# bats test_tags=points:2
@test "the pids are exchanged through the shared memory; nobody waits for an initialiser" {
	local d=$BATS_TEST_TMPDIR obj slots wpid
	reader_alone
	obj=/dev/shm/$SHMLABS_PREFIX-xfer-shm
	assert_file_exists "$obj"
	# struct shared: pid[0] (writer), pid[1] (reader), full, len, data.
	assert_equal "$(stat -c %s "$obj")" 4112
	slots=$(od -An -t d4 -N 12 "$obj" | xargs)
	assert_equal "$slots" "0 $PID 0"

	printf 'x%.0s' {1..5000} >"$d/in"
	writer_joins "$d/in" -v
	# The writer found the reader's pid in its slot and took slot 0.
	grep -q 'opened .* my pid [0-9]* is in slot 0' "$d/werr"
	assert_file_not_exists "$obj"

	# No init race: a creator stopped before its ftruncate leaves an
	# object of 0 bytes; a reader that comes now sizes it itself (zeros
	# are the initial state) and waits for its turn as usual.
	xfer_start writer "$d/in" /dev/null "$d/werr2" -v --stop-in-init
	wpid=$XFER_PID
	xfer_await_line "$d/werr2" 'stops before ftruncate' "$wpid"
	assert_equal "$(stat -c %s "$obj")" 0
	# Empty the first reader's files: the new reader starts in the
	# background, and its "my pid" line must not be found in the old one.
	: >"$d/out"
	: >"$d/rerr"
	reader_alone
	assert_equal "$(stat -c %s "$obj")" 4112
	grep -q "opened /$SHMLABS_PREFIX-xfer-shm" "$d/rerr"
	kill -CONT "$(xfer_child "$wpid")"
	xfer_finish "$wpid" "the stopped writer"
	assert_equal "$XFER_RC" 0
	xfer_finish "$RPID" "the reader"
	assert_equal "$XFER_RC" 0
	cmp "$d/in" "$d/out"
}

# bats test_tags=points:2
@test "a stray SIGUSR1 neither kills the waiting reader nor counts as a wake-up" {
	local d=$BATS_TEST_TMPDIR cgt
	reader_alone
	# No handler for SIGUSR1 (SigCgt bit 9 clear): its default action would
	# kill the reader.  It survives only because the signal is blocked and
	# taken by sigtimedwait().  (SigBlk shows it clear while the reader is
	# inside sigtimedwait: the kernel unblocks the awaited set meanwhile.)
	cgt=$(awk '/^SigCgt:/ { print $2 }' /proc/"$PID"/status)
	(((0x$cgt & 0x200) == 0)) || fail "SigCgt $cgt: a SIGUSR1 handler is installed"
	kill -USR1 "$PID"
	xfer_await_line "$d/rerr" "ignored SIGUSR1 from pid $BASHPID \\(not the writer\\)" "$RPID"
	alive "$RPID" || fail "the reader died of SIGUSR1"
	[ ! -s "$d/out" ] || fail "the stray signal made the reader output data"

	printf 'after the stray signal\n' >"$d/in"
	writer_joins "$d/in"
	grep -Eq ', 1 stray signals ignored, ' "$d/rerr"
}
