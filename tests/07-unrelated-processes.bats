#!/usr/bin/env bats
# tests/07-unrelated-processes.bats - lab 7: a writer and a reader, started
# separately (no fork between them), exchange messages through a file
# mapped MAP_SHARED.  Order between them is forced with FIFOs and wait,
# never with sleep.  Every program runs under timeout; background ones
# get 3>&- so bats does not wait for them.
bats_require_minimum_version 1.5.0
load helper

setup() {
	common_setup
	D=$BATS_TEST_TMPDIR/logdir # the log lives here, not in TMPDIR: it stays
	mkdir -p "$D"
	LOG=$D/messages.log
	W=$BUILD/$LAB/writer
	R=$BUILD/$LAB/reader
}

teardown() {
	exec 5>&- 6<&- 7<&-
	common_teardown
}

# Lines of many lengths (0 .. 300 bytes), with empty ones: tests the
# length field and the 8-byte padding.
varied_lines() {
	awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) {
		if (i % 50 == 0) { print ""; continue }
		s = i ":"; for (j = 0; j < i % 301; j++) s = s substr("abcdefghij", j % 10 + 1, 1)
		print s } }'
}

# The writer's -v line "writer: created PATH (N bytes), pid P, ..." -> P
pid_of_line() { sed -n 's/.*, pid \([0-9][0-9]*\),.*/\1/p' <<<"$1"; }

# bats test_tags=points:3,exercise:7-1
@test "started together: 20000 messages of many lengths, every one in order, byte for byte" {
	varied_lines 20000 >"$BATS_TEST_TMPDIR/expected"
	timeout 20 "$R" -t 10 "$LOG" >"$BATS_TEST_TMPDIR/out" 3>&- &
	local rpid=$!
	timeout 20 "$W" -c 8M "$LOG" <"$BATS_TEST_TMPDIR/expected"
	wait "$rpid"
	cmp "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/out"
}

# bats test_tags=points:2,exercise:7-1
@test "reader first: it waits for the file, then prints every message" {
	mkfifo "$BATS_TEST_TMPDIR/narration"
	timeout 20 "$R" -v -t 10 "$LOG" >"$BATS_TEST_TMPDIR/out" \
		2>"$BATS_TEST_TMPDIR/narration" 3>&- &
	local rpid=$! line
	exec 6<"$BATS_TEST_TMPDIR/narration"
	IFS= read -r -t 10 line <&6
	assert_equal "$line" "reader: waiting for $LOG to appear"
	assert_file_not_exists "$LOG"
	seq 1 3000 | timeout 20 "$W" "$LOG"
	wait "$rpid"
	cmp <(seq 1 3000) "$BATS_TEST_TMPDIR/out"
	run cat <&6
	assert_line --regexp "^reader: opened $LOG \(1048576 bytes\), written by pid [0-9]+$"
	assert_line 'reader: end marker after 3000 messages'
}

# bats test_tags=points:2,exercise:7-1
@test "writer first and gone: the data stays in the file, any later reader replays it all" {
	varied_lines 500 >"$BATS_TEST_TMPDIR/expected"
	timeout 20 "$W" "$LOG" <"$BATS_TEST_TMPDIR/expected"
	# Only the log is left: the temporary name was renamed away.
	run ls -A "$D"
	assert_output 'messages.log'
	# The file itself: magic, published = 501 records (500 + end marker),
	# and the text of the messages.
	assert_equal "$(head -c 7 "$LOG")" 'shmlog1'
	assert_equal "$(od -An -t u4 -j 28 -N 4 "$LOG" | tr -d ' ')" 501
	grep -aq '499:abcdefghij' "$LOG"
	local i
	for i in 1 2; do
		timeout 20 "$R" "$LOG" >"$BATS_TEST_TMPDIR/out$i"
		cmp "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/out$i"
	done
}

# bats test_tags=exercise:7-1
@test "writer first and still running: the reader catches up, then follows" {
	mkfifo "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/outfifo"
	timeout 20 "$W" "$LOG" <"$BATS_TEST_TMPDIR/in" 3>&- &
	local wpid=$! line i
	exec 5>"$BATS_TEST_TMPDIR/in"
	seq 1 100 >&5
	timeout 20 "$R" -t 10 "$LOG" >"$BATS_TEST_TMPDIR/outfifo" 3>&- 5>&- &
	local rpid=$!
	exec 6<"$BATS_TEST_TMPDIR/outfifo"
	for i in $(seq 1 100); do
		IFS= read -r -t 10 line <&6
		assert_equal "$line" "$i"
	done
	seq 101 200 >&5
	exec 5>&-
	for i in $(seq 101 200); do
		IFS= read -r -t 10 line <&6
		assert_equal "$line" "$i"
	done
	wait "$wpid"
	wait "$rpid"
}

# bats test_tags=exercise:7-1
@test "two readers at once both get every message" {
	seq 1 5000 >"$BATS_TEST_TMPDIR/expected"
	timeout 20 "$R" -t 10 "$LOG" >"$BATS_TEST_TMPDIR/out1" 3>&- &
	local r1=$!
	timeout 20 "$R" -t 10 "$LOG" >"$BATS_TEST_TMPDIR/out2" 3>&- &
	local r2=$!
	timeout 20 "$W" "$LOG" <"$BATS_TEST_TMPDIR/expected"
	wait "$r1"
	wait "$r2"
	cmp "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/out1"
	cmp "$BATS_TEST_TMPDIR/expected" "$BATS_TEST_TMPDIR/out2"
}

# Start a writer that reads its messages from a FIFO the test holds open
# (fd 5); its -v narration gives us its pid.  Sets WPID (the writer) and
# TPID (its timeout wrapper).
start_fifo_writer() {
	mkfifo "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/wnarr"
	timeout 20 "$W" -v "$LOG" <"$BATS_TEST_TMPDIR/in" \
		2>"$BATS_TEST_TMPDIR/wnarr" 3>&- &
	TPID=$!
	exec 5>"$BATS_TEST_TMPDIR/in"
	exec 7<"$BATS_TEST_TMPDIR/wnarr"
	local line
	IFS= read -r -t 10 line <&7
	exec 7<&-
	WPID=$(pid_of_line "$line")
	[ -n "$WPID" ]
}

# bats test_tags=points:2,exercise:7-2
@test "writer killed with SIGKILL: the reader says it died and exits 1 within seconds" {
	start_fifo_writer
	echo one >&5
	timeout 20 "$R" -t 15 "$LOG" >"$BATS_TEST_TMPDIR/out" \
		2>"$BATS_TEST_TMPDIR/err" 3>&- 5>&- &
	local rpid=$! status=0 t0=$SECONDS
	kill -KILL "$WPID"
	wait "$rpid" || status=$?
	assert_equal "$status" 1
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --regexp "^reader: the writer \(pid $WPID\) died without the end marker, after [01] messages$"
	# Noticed within a few periods, long before the 15 s timeout.
	[ $((SECONDS - t0)) -le 5 ]
	wait "$TPID" || true
}

# bats test_tags=exercise:7-1
@test "writer killed with SIGKILL: every message it published before is printed" {
	start_fifo_writer
	printf 'one\ntwo\n' >&5
	mkfifo "$BATS_TEST_TMPDIR/outfifo"
	timeout 20 "$R" -t 3 "$LOG" >"$BATS_TEST_TMPDIR/outfifo" \
		2>"$BATS_TEST_TMPDIR/err" 3>&- 5>&- &
	local rpid=$! status=0 line
	exec 6<"$BATS_TEST_TMPDIR/outfifo"
	IFS= read -r -t 10 line <&6
	assert_equal "$line" one
	IFS= read -r -t 10 line <&6
	assert_equal "$line" two
	kill -KILL "$WPID"
	wait "$rpid" || status=$?
	assert_equal "$status" 1
	run cat <&6
	assert_output ''
	wait "$TPID" || true
}

# bats test_tags=exercise:7-1
@test "log full: the writer stops with exit 1, the reader prints what fit and reports it" {
	run -1 --separate-stderr prog writer -c 4K "$LOG" < <(seq 1 100000)
	local n
	n=$(sed -n 's/.*only \([0-9][0-9]*\) messages fit.*/\1/p' <<<"$stderr")
	# 4096 - 64 header - 16 end marker, 24 bytes per record of <= 8 chars
	assert_equal "$n" 167
	assert_equal "$stderr" "writer: $LOG is full (4096 bytes): only 167 messages fit; use -c for a bigger log"
	run -1 --separate-stderr prog reader "$LOG"
	assert_equal "$output" "$(seq 1 167)"
	assert_equal "$stderr" "reader: the writer stopped early: $LOG filled up after 167 messages"
}

@test "writer usage: no PATH, empty PATH, unknown option, bad capacity -> exit 2" {
	run prog writer
	assert_usage
	run prog writer --bogus "$LOG"
	assert_usage
	local c
	for c in 0 4095 2G abc 1x ''; do
		run prog writer -c "$c" "$LOG"
		assert_usage
	done
	assert_file_not_exists "$LOG"
	run prog writer '' hello
	assert_usage
	assert_output --partial 'PATH must not be empty'
}

@test "reader usage: no PATH, empty PATH, two PATHs, unknown option, bad timeout -> exit 2" {
	run prog reader
	assert_usage
	run prog reader "$LOG" "$LOG"
	assert_usage
	run prog reader -x "$LOG"
	assert_usage
	local t
	for t in abc -1 1s '' nan; do
		run prog reader -t "$t" "$LOG"
		assert_usage
	done
	run prog reader ''
	assert_usage
	assert_output --partial 'PATH must not be empty'
}

@test "writer: an existing PATH is refused (EEXIST) and left untouched, no temporary file left" {
	echo 'precious data' >"$LOG"
	run prog writer "$LOG" hello
	assert_failure 1
	assert_output "writer: renameat2($LOG): EEXIST (File exists)"
	assert_equal "$(cat "$LOG")" 'precious data'
	run ls -A "$D"
	assert_output 'messages.log'
	# A directory as PATH: the same refusal.
	run prog writer "$D" hello
	assert_failure 1
	assert_output --partial 'EEXIST'
}

@test "writer: missing directory (ENOENT) or unwritable directory (EACCES) -> exit 1" {
	run prog writer "$D/no/such/log" hello
	assert_failure 1
	assert_output --regexp "^writer: mkstemp\($D/no/such/log\.[A-Za-z0-9]{6}\): ENOENT"
	reachable "$D" # so that only the missing write permission on $D counts
	chmod 555 "$D"
	run unprivileged timeout 20 "$W" "$D/log" hello
	chmod 755 "$D"
	assert_failure 1
	assert_output --regexp "^writer: mkstemp\($D/log\.[A-Za-z0-9]{6}\): EACCES"
	assert_file_not_exists "$D/log"
}

@test "reader: missing file times out, missing directory fails at once -> exit 1" {
	run prog reader -t 0.2 "$LOG"
	assert_failure 1
	assert_output "reader: $LOG did not appear within 0.2 s"
	run prog reader "$D/no/such/log"
	assert_failure 1
	assert_output "reader: inotify_add_watch($D/no/such): ENOENT (No such file or directory)"
}

@test "reader: directory, FIFO, empty file, short file, foreign file, unreadable file -> exit 1" {
	run prog reader "$D"
	assert_failure 1
	assert_output "reader: $D is a directory, not a message log"
	# A FIFO: opened without waiting for a peer (O_NONBLOCK), then refused.
	mkfifo "$D/fifo"
	run prog reader -t 0 "$D/fifo"
	assert_failure 1
	assert_output "reader: $D/fifo is not a regular file"
	: >"$LOG"
	run prog reader "$LOG"
	assert_failure 1
	assert_output "reader: $LOG is empty: not a message log"
	echo 'short' >"$LOG"
	run prog reader "$LOG"
	assert_failure 1
	assert_output "reader: $LOG is too small (6 bytes) to be a message log"
	head -c 8192 /dev/zero | tr '\0' 'x' >"$LOG"
	run prog reader "$LOG"
	assert_failure 1
	assert_output "reader: $LOG is not a message log (no \"shmlog1\" magic)"
	timeout 20 "$W" "$LOG.ok" hello
	reachable "$D" # only the file's own mode must count
	chmod 000 "$LOG.ok"
	run unprivileged timeout 20 "$R" "$LOG.ok"
	assert_failure 1
	assert_output "reader: open($LOG.ok): EACCES (Permission denied)"
}

@test "reader: a record with a wrong sequence number is reported as damage, not printed" {
	timeout 20 "$W" "$LOG" hello world again
	# Record 1 is at offset 64 and takes 16 + 8 bytes ("hello" padded to 8),
	# so record 2's seq field is at 88: make it 7 instead of 2.  (published,
	# at 28, is set to its value, 4, again: so this test does not depend on
	# the writer's publish(), exercise 7.1.)
	printf '\004' | dd of="$LOG" bs=1 seek=28 conv=notrunc status=none
	printf '\007' | dd of="$LOG" bs=1 seek=88 conv=notrunc status=none
	run -1 --separate-stderr prog reader "$LOG"
	assert_equal "$output" hello
	assert_equal "$stderr" "reader: $LOG is damaged at record 2: wrong sequence number"
}
