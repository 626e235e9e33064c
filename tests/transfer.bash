# tests/transfer.bash - the cases every writer/reader transfer lab (11-14)
# must pass, and the helpers the four .bats files use for their own tests.
# Load it after the helper:
#
#   load helper
#   load transfer
#   @test "empty input" { xfer_case empty; }
#
# xfer_case NAME runs one whole case against $BUILD/$LAB/writer and
# $BUILD/$LAB/reader and asserts its facts.  Every program runs under
# `timeout`; order is forced with events (an object appeared, the reader
# produced output, a line of -v narration, a process exited), each waited
# for with a deadline, never with a fixed sleep.  Test files live in
# $BATS_TEST_TMPDIR, so the programs' $TMPDIR stays empty for the helper's
# leak check.
#
# The cases (NAME: what is asserted)
#   empty, one-byte (a single NUL byte), one-chunk (exactly `writer
#   --chunk-size` bytes), chunk-plus-one, random-5mib (head -c 5242880
#   /dev/urandom), lines-10000 ("line 1".."line 10000", and the output
#   has 10000 lines ending with "line 10000"):
#       one side starts alone (the writer for empty, one-chunk and
#       lines-10000, the reader for the others), the other once the first
#       has created its objects (as in reader-first/writer-first); both
#       exit 0 with nothing on stderr (no -v); the reader's stdout is
#       byte-identical (cmp) to the writer's stdin.
#   reader-first, writer-first: that side starts alone; the test waits
#       until it has created an object (see "created" below), checks it is
#       still running (waiting for its peer) and, for the reader, that it
#       has output nothing yet; then it starts the other side; both exit 0,
#       silent, cmp-exact (3 chunks + 17 bytes of random data).
#   simultaneous (not required by the spec; labs 11 and 12 use it): ten
#       transfers of 3 chunks + 17 bytes, each with its own prefix, the
#       writer and the reader of each started back to back, so the two
#       sides race to create the objects; all exit 0, silent, cmp-exact.
#   kill-writer, kill-reader: the writer's stdin is a FIFO the test keeps
#       open (so the transfer cannot end) and feeds 1 MiB of random data;
#       once the reader has written output, SIGKILL the victim program (not
#       its `timeout`).  The victim's status must be 137; the survivor must
#       exit with status 1 within 5 s of the kill, its stderr containing
#       "peer" and "died".  (After killing the reader the test feeds the
#       writer another 1 MiB, so a writer that only notices at its next
#       hand-off also gets there.)  Then scripts/clean-ipc "$SHMLABS_PREFIX"
#       runs and the helper's teardown proves nothing is left.
#   kill-both: the same transfer, then SIGKILL to both programs: nobody can
#       clean up.  Something must be left (kernel persistence: that is what
#       `make clean-ipc` is for), and everything left must be listed by
#       `scripts/clean-ipc --list`; removing it the way clean-ipc does
#       (the prefix's POSIX names, the listed System V ids) must leave
#       nothing.
#   sigint-writer, sigint-reader: as kill-*, with SIGINT.  The victim must
#       die of SIGINT (status 130) and, as soon as it is gone, no IPC object
#       of the test may remain (it removed every one, whatever the survivor
#       does); the survivor exits 1 within 5 s with "peer" and "died".
#       No clean-ipc here.
#   second-writer, second-reader: while a transfer runs (the writer reads a
#       FIFO held by the test, "hello" has arrived), a second program of
#       that side is started: it must exit 1 saying "another writer (pid
#       N) is already using" (or reader), N being the pid of the running
#       one, and leave the transfer alone: "world" still arrives, both
#       exit 0, and the second reader has output nothing.
#   parallel: two transfers of 1 MiB (different random data), prefixes
#       "$SHMLABS_PREFIX-a" and "-b", run at the same time (both readers
#       first, then both writers); both are cmp-exact.
#   usage: writer/reader with --bogus, -h or an extra argument exit 2 with
#       "usage:"; `writer --chunk-size` prints exactly "4096" and exits 0
#       at once (a writer that touched IPC would wait for a reader); no
#       object is left.
#
# "created": a side has created its objects when a /dev/shm entry whose
# name contains the transfer's prefix exists (POSIX shm and named
# semaphores), or a System V segment exists whose creator pid (cpid in
# /proc/sysvipc/shm) is that side's program.
#
# Helpers for the labs' own tests (the programs run with this test's
# SHMLABS_PREFIX; every `timeout` pid lands in XFER_PID and is stopped by
# the teardown defined here if the test fails half way):
#   xfer_start PROG STDIN STDOUT STDERR [ARGS...]   start $BUILD/$LAB/PROG
#   xfer_finish TPID WHO     wait (bounded) until it exits; status in XFER_RC
#   xfer_reap TPID           collect the status of an ended one into XFER_RC
#   xfer_await_created TPID WHO ERRFILE     it created an object, still runs
#   xfer_await_output FILE TPID WHO ERRFILE FILE is not empty
#   xfer_await_line FILE REGEX [TPID]       FILE has a line matching REGEX
#   xfer_field FILE REGEX    the first capture group of REGEX in FILE
#   xfer_until SECONDS WHAT CMD...          retry CMD until it succeeds
#   xfer_gone TPID, xfer_child TPID (the program's pid),
#   xfer_stopped TPID (the program is stopped, state T)
#   xfer_cmp IN OUT          byte-exact, with a readable failure
#   xfer_start_held [ARGS...] a running transfer (ARGS, e.g. -v, go to both
#                            sides): the writer reads the FIFO $XFER_DIR/in
#                            held open on fd $XFER_HOLD, and "hello" has
#                            reached $XFER_DIR/out; pids in XFER_RPID and
#                            XFER_WPID, stderr in $XFER_DIR/reader.err and
#                            writer.err
#   xfer_finish_held         close the FIFO; both must exit 0
#
# A .bats file that defines its own teardown must call xfer_teardown (stops
# whatever a failed case left running) and then common_teardown.

bats_require_minimum_version 1.5.0 # run --separate-stderr

XFER_PIDS=()     # background jobs this test started (pids of `timeout`)
XFER_PID=        # the one started last
XFER_RC=         # exit status collected by xfer_reap
XFER_EVENT=10    # seconds to wait for an event (object created, output)
XFER_RUN=15      # seconds a whole transfer may take
XFER_NOTICE=5    # seconds a survivor may take to notice that its peer died

# ---- time and events ----------------------------------------------------
# The loops below poll every 10 ms, so each round must be cheap: nap (the
# helper's sleep without a process), /proc read with `read`, no $(...).  On
# a small VM a fork costs milliseconds, and a poll that forks slows down the
# very programs it waits for.

# _xfer_us VAR: VAR = now, in microseconds (the digits of EPOCHREALTIME,
# whatever the locale's decimal point).
_xfer_us() { printf -v "$1" %s "${EPOCHREALTIME//[!0-9]/}"; }

# _xfer_until_by END_US WHAT CMD... : retry CMD until it succeeds; fail
# when the clock passes END_US.
_xfer_until_by() {
	local end=$1 what=$2 now
	shift 2
	until "$@"; do
		_xfer_us now
		if ((now > end)); then
			fail "timed out waiting for $what"
			return 1
		fi
		nap 0.01
	done
}

# xfer_until SECONDS WHAT CMD...
xfer_until() {
	local s=$1 now
	shift
	_xfer_us now
	_xfer_until_by $((now + s * 1000000)) "$@"
}

# xfer_gone PID: the process is gone or a zombie (the helper's alive).
xfer_gone() { ! alive "$1"; }

# xfer_stopped TPID: the program under `timeout` TPID is stopped (state T),
# e.g. by its own --stop-in-init.
xfer_stopped() {
	local c s
	children "$1" c || return 1
	read -r _ _ s _ 2>/dev/null <"/proc/${c%% *}/stat" || return 1
	[ "$s" = T ]
}

# xfer_child TPID: print the pid of the program that `timeout` (TPID) runs.
xfer_child() {
	local kids
	children "$1" kids || return 1
	echo "${kids%% *}"
}

# _xfer_created PREFIX TPID: see "created" above.
_xfer_created() {
	local f kids cpid
	for f in /dev/shm/*"$1"*; do
		[ -e "$f" ] && return 0
	done
	children "$2" kids || return 1
	{
		read -r _ # the header
		# key shmid perms size cpid ...
		while read -r _ _ _ _ cpid _; do
			[[ " $kids " != *" $cpid "* ]] || return 0
		done
	} </proc/sysvipc/shm
	return 1
}

# _xfer_has_line FILE REGEX: FILE has a line matching the extended REGEX.
_xfer_has_line() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		[[ ! $line =~ $2 ]] || return 0
	done 2>/dev/null <"$1"
	return 1
}

# _xfer_await_created PREFIX TPID WHO ERRFILE
_xfer_await_created() {
	local pfx=$1 pid=$2 who=$3 err=$4 end now
	_xfer_us end
	((end += XFER_EVENT * 1000000))
	until _xfer_created "$pfx" "$pid"; do
		if xfer_gone "$pid"; then
			xfer_reap "$pid"
			fail "$who exited (status $XFER_RC) before creating any object"$'\n'"stderr: $(cat "$err")"
			return 1
		fi
		_xfer_us now
		if ((now > end)); then
			fail "$who created no object within ${XFER_EVENT}s (no /dev/shm/*$pfx*, no System V segment with its pid)"
			return 1
		fi
		nap 0.01
	done
	if xfer_gone "$pid"; then
		fail "$who exited instead of waiting for its peer"$'\n'"stderr: $(cat "$err")"
		return 1
	fi
}

# xfer_await_output FILE TPID WHO ERRFILE: FILE is not empty.
xfer_await_output() {
	local file=$1 pid=$2 who=$3 err=$4 end now
	_xfer_us end
	((end += XFER_EVENT * 1000000))
	until [ -s "$file" ]; do
		if xfer_gone "$pid"; then
			xfer_reap "$pid"
			fail "$who exited (status $XFER_RC) before writing any output"$'\n'"stderr: $(cat "$err")"
			return 1
		fi
		_xfer_us now
		if ((now > end)); then
			fail "$who wrote no output within ${XFER_EVENT}s"$'\n'"stderr: $(cat "$err")"
			return 1
		fi
		nap 0.01
	done
}

# xfer_await_created TPID WHO ERRFILE: the program under TPID (started by
# xfer_start) has created an object of this test's prefix, and still runs.
xfer_await_created() {
	_xfer_await_created "$SHMLABS_PREFIX" "$@"
}

# xfer_await_line FILE REGEX [TPID]: wait (XFER_EVENT s at most) until FILE
# has a line matching the extended REGEX; fail at once if TPID has ended.
xfer_await_line() {
	local file=$1 re=$2 pid=${3:-} end now
	_xfer_us end
	((end += XFER_EVENT * 1000000))
	until _xfer_has_line "$file" "$re"; do
		if [ -n "$pid" ] && xfer_gone "$pid"; then
			fail "the program ended before printing /$re/: $(cat "$file")"
			return 1
		fi
		_xfer_us now
		if ((now > end)); then
			fail "timed out waiting for /$re/ in: $(cat "$file")"
			return 1
		fi
		nap 0.01
	done
}

# xfer_field FILE REGEX: the first capture group of REGEX in FILE's first
# matching line.
xfer_field() {
	sed -nE "s/.*$2.*/\\1/p" "$1" | head -n 1
}

# ---- processes ----------------------------------------------------------

# _xfer_start PREFIX SIDE STDIN STDOUT STDERR [ARGS...]: start
# $BUILD/$LAB/SIDE in the background under timeout (pid in XFER_PID).  A
# FIFO as STDIN blocks the start until the test opens its other end.
_xfer_start() {
	local pfx=$1 side=$2 in=$3 out=$4 err=$5
	shift 5
	if [ ! -x "$BUILD/$LAB/$side" ]; then
		fail "$BUILD/$LAB/$side is not built"
		return 1
	fi
	SHMLABS_PREFIX=$pfx timeout -k 2 "$TIMEOUT" "$BUILD/$LAB/$side" "$@" \
		<"$in" >"$out" 2>"$err" 3>&- &
	XFER_PID=$!
	XFER_PIDS+=("$XFER_PID")
}

# xfer_start PROG STDIN STDOUT STDERR [ARGS...]: the same with this test's
# prefix (PROG may be any program of the lab).
xfer_start() {
	_xfer_start "$SHMLABS_PREFIX" "$@"
}

# _xfer_feed FD BYTES: write BYTES random bytes to FD in the background.
_xfer_feed() {
	timeout -k 2 "$TIMEOUT" head -c "$2" /dev/urandom >&"$1" 2>/dev/null 3>&- &
	XFER_PIDS+=("$!")
}

# xfer_reap PID: collect its exit status into XFER_RC.
xfer_reap() {
	XFER_RC=0
	wait "$1" || XFER_RC=$?
}

# xfer_finish PID WHO: wait (at most XFER_RUN s) for a side to exit.
xfer_finish() {
	xfer_until "$XFER_RUN" "$2 to finish" xfer_gone "$1"
	xfer_reap "$1"
}

# xfer_expect_ok WHO ERRFILE: exit 0 (XFER_RC) and a silent stderr.
xfer_expect_ok() {
	if [ "$XFER_RC" != 0 ]; then
		fail "$1 exited with status $XFER_RC"$'\n'"stderr: $(cat "$2")"
		return 1
	fi
	if [ -s "$2" ]; then
		fail "$1 wrote to stderr without -v: $(head -c 2000 "$2")"
		return 1
	fi
}

# xfer_cmp IN OUT
xfer_cmp() {
	if ! cmp -s -- "$1" "$2"; then
		fail "output differs from input: $(cmp -- "$1" "$2" 2>&1) (input $(stat -c %s "$1") bytes, output $(stat -c %s "$2") bytes)"
		return 1
	fi
}

# What the test's prefix left behind, temporary files excepted.
# A System V segment removed with IPC_RMID stays listed in /proc/sysvipc/shm,
# marked SHM_DEST (01000 in its mode), until the LAST process detaches.  Right
# after the victim of sigint-* removed everything the survivor may still be
# attached for a moment: that segment is not "left behind" (it goes with the
# survivor, and the teardown leak check looks again after that).
_xfer_ipc_left() {
	local dest
	dest=$(awk 'NR > 1 && int($3 / 1000) % 2 == 1 { print "sysv shm " $2 }' \
		/proc/sysvipc/shm)
	ipc_leftovers | grep -v '^tmp ' | grep -vxF -f <(printf '%s\n' "$dest") || true
}

# Stop whatever a failed case left running (SIGTERM lets the programs clean
# up; timeout forwards it, adds SIGCONT, and SIGKILLs after 2 s).
xfer_teardown() {
	local p
	for p in "${XFER_PIDS[@]}"; do
		alive "$p" && kill -TERM "$p" 2>/dev/null
	done
	for p in "${XFER_PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	XFER_PIDS=()
}

teardown() {
	xfer_teardown
	common_teardown
}

# ---- building blocks of the cases ---------------------------------------

# _xfer_chunk: the writer's chunk payload (must be 4096) into XFER_CHUNK.
_xfer_chunk() {
	XFER_CHUNK=$(timeout -k 2 10 "$BUILD/$LAB/writer" --chunk-size </dev/null 3>&-) ||
		{
			fail "writer --chunk-size failed"
			return 1
		}
	if [ "$XFER_CHUNK" != 4096 ]; then
		fail "writer --chunk-size printed '$XFER_CHUNK', expected 4096"
		return 1
	fi
}

# _xfer_pair IN ORDER TAG [PREFIX]: transfer the file IN; ORDER is
# reader-first or writer-first.  Output in $BATS_TEST_TMPDIR/TAG.out.
_xfer_pair() {
	local in=$1 order=$2 tag=$3 pfx=${4:-$SHMLABS_PREFIX}
	local d=$BATS_TEST_TMPDIR wpid rpid
	local out=$d/$tag.out rerr=$d/$tag.reader.err werr=$d/$tag.writer.err
	case $order in
	reader-first)
		_xfer_start "$pfx" reader /dev/null "$out" "$rerr"
		rpid=$XFER_PID
		_xfer_await_created "$pfx" "$rpid" "the reader (started alone)" "$rerr"
		if [ -s "$out" ]; then
			fail "the reader wrote output before any writer ran"
			return 1
		fi
		_xfer_start "$pfx" writer "$in" /dev/null "$werr"
		wpid=$XFER_PID
		;;
	writer-first)
		_xfer_start "$pfx" writer "$in" /dev/null "$werr"
		wpid=$XFER_PID
		_xfer_await_created "$pfx" "$wpid" "the writer (started alone)" "$werr"
		_xfer_start "$pfx" reader /dev/null "$out" "$rerr"
		rpid=$XFER_PID
		;;
	esac
	xfer_finish "$wpid" "the writer"
	xfer_expect_ok "the writer" "$werr"
	xfer_finish "$rpid" "the reader"
	xfer_expect_ok "the reader" "$rerr"
	xfer_cmp "$in" "$out"
}

# _xfer_interrupt SIGNAL VICTIM: see kill-* and sigint-* above.
_xfer_interrupt() {
	local sig=$1 victim=$2 d=$BATS_TEST_TMPDIR fd rpid wpid vpid spid
	local survivor vchild t0 expect left err
	_xfer_start_flowing 1048576
	rpid=$XFER_RPID wpid=$XFER_WPID fd=$XFER_HOLD

	if [ "$victim" = writer ]; then
		vpid=$wpid spid=$rpid survivor=reader
	else
		vpid=$rpid spid=$wpid survivor=writer
	fi
	err=$d/$survivor.err
	vchild=$(xfer_child "$vpid") || {
		fail "cannot find the $victim program under timeout (pid $vpid)"
		return 1
	}
	_xfer_us t0
	kill -s "$sig" "$vchild"
	xfer_until "$XFER_NOTICE" "the $victim to die of SIG$sig" xfer_gone "$vpid"
	xfer_reap "$vpid"
	case $sig in KILL) expect=137 ;; INT) expect=130 ;; esac
	if [ "$XFER_RC" != "$expect" ]; then
		fail "the $victim: status $XFER_RC after SIG$sig, expected $expect"$'\n'"stderr: $(cat "$d/$victim.err")"
		return 1
	fi
	if [ "$sig" = INT ]; then
		left=$(_xfer_ipc_left)
		if [ -n "$left" ]; then
			fail "the $victim died of SIGINT but left objects behind:"$'\n'"$left"
			return 1
		fi
	fi
	# A writer that waits on its stdin notices a dead reader at its next
	# hand-off at the latest: give it data to hand off.
	if [ "$victim" = reader ]; then
		_xfer_feed "$fd" 1048576
	fi

	_xfer_until_by $((t0 + XFER_NOTICE * 1000000)) \
		"the $survivor to notice that its peer died (within ${XFER_NOTICE}s)" \
		xfer_gone "$spid"
	xfer_reap "$spid"
	exec {fd}>&-
	if [ "$XFER_RC" != 1 ]; then
		fail "the $survivor exited with status $XFER_RC, expected 1"$'\n'"stderr: $(cat "$err")"
		return 1
	fi
	if ! grep -qi peer "$err" || ! grep -qi died "$err"; then
		fail "the $survivor's stderr does not say that the peer died: $(cat "$err")"
		return 1
	fi
	if [ "$sig" = KILL ]; then
		"$ROOT/scripts/clean-ipc" "$SHMLABS_PREFIX" >/dev/null
	else
		left=$(_xfer_ipc_left)
		if [ -n "$left" ]; then
			fail "objects left after SIGINT to the $victim:"$'\n'"$left"
			return 1
		fi
	fi
}

# xfer_start_held [ARGS...]: see the header; ARGS (e.g. -v) go to both.
xfer_start_held() { _xfer_start_flowing 0 "$@"; }

# _xfer_start_flowing BYTES [ARGS...]: the reader, then the writer on a FIFO
# the test holds open (XFER_HOLD), BYTES random bytes fed into it (0: one
# line), and wait until the reader has output some: the transfer is under way
# and cannot complete.  Sets XFER_DIR, XFER_RPID, XFER_WPID, XFER_HOLD.
_xfer_start_flowing() {
	local bytes=$1
	shift
	XFER_DIR=$BATS_TEST_TMPDIR
	mkfifo "$XFER_DIR/in"
	xfer_start reader /dev/null "$XFER_DIR/out" "$XFER_DIR/reader.err" "$@"
	XFER_RPID=$XFER_PID
	xfer_await_created "$XFER_RPID" "the reader" "$XFER_DIR/reader.err"
	xfer_start writer "$XFER_DIR/in" /dev/null "$XFER_DIR/writer.err" "$@"
	XFER_WPID=$XFER_PID
	# Opening the write end lets the writer start; the test holds it, so the
	# writer never sees end-of-file.
	exec {XFER_HOLD}>"$XFER_DIR/in"
	if [ "$bytes" = 0 ]; then
		echo hello >&"$XFER_HOLD"
	else
		_xfer_feed "$XFER_HOLD" "$bytes"
	fi
	xfer_await_output "$XFER_DIR/out" "$XFER_RPID" "the reader" \
		"$XFER_DIR/reader.err"
}

xfer_finish_held() {
	exec {XFER_HOLD}>&-
	xfer_finish "$XFER_WPID" "the writer"
	if [ "$XFER_RC" != 0 ]; then
		fail "the writer: status $XFER_RC: $(cat "$XFER_DIR/writer.err")"
		return 1
	fi
	xfer_finish "$XFER_RPID" "the reader"
	if [ "$XFER_RC" != 0 ]; then
		fail "the reader: status $XFER_RC: $(cat "$XFER_DIR/reader.err")"
		return 1
	fi
}

# _xfer_second SIDE: see second-writer and second-reader above.
_xfer_second() {
	local side=$1 tpid pid
	xfer_start_held
	if [ "$side" = writer ]; then tpid=$XFER_WPID; else tpid=$XFER_RPID; fi
	pid=$(xfer_child "$tpid") || {
		fail "cannot find the running $side under timeout (pid $tpid)"
		return 1
	}
	run --separate-stderr timeout -k 2 "$TIMEOUT" "$BUILD/$LAB/$side" </dev/null
	if [ "$status" != 1 ]; then
		fail "a second $side: status $status, expected 1 (stderr: $stderr)"
		return 1
	fi
	if [[ $stderr != *"another $side (pid $pid) is already using"* ]]; then
		fail "a second $side must say 'another $side (pid $pid) is already using ...', said: $stderr"
		return 1
	fi
	if [ -n "$output" ]; then
		fail "the second $side wrote to stdout: $output"
		return 1
	fi
	# The running transfer did not notice.
	echo world >&"$XFER_HOLD"
	xfer_finish_held
	if [ "$(cat "$XFER_DIR/out")" != $'hello\nworld' ]; then
		fail "the transfer was disturbed: the reader wrote $(od -An -c "$XFER_DIR/out")"
		return 1
	fi
}

# _xfer_kill_both: see kill-both above.
_xfer_kill_both() {
	local d=$BATS_TEST_TMPDIR fd rpid wpid p c kids=() left listed line missing=
	_xfer_start_flowing 1048576
	rpid=$XFER_RPID wpid=$XFER_WPID fd=$XFER_HOLD
	# Stop both first, so that neither can see the other die (and clean
	# up) in the moment between the two kills.
	for p in "$wpid" "$rpid"; do
		c=$(xfer_child "$p") || {
			fail "cannot find the program under timeout (pid $p)"
			return 1
		}
		kill -STOP "$c"
		kids+=("$c")
	done
	kill -KILL "${kids[@]}"
	for p in "$wpid" "$rpid"; do
		xfer_finish "$p" "a SIGKILLed side"
		if [ "$XFER_RC" != 137 ]; then
			fail "status $XFER_RC after SIGKILL, expected 137"
			return 1
		fi
	done
	exec {fd}>&-
	left=$(_xfer_ipc_left)
	if [ -z "$left" ]; then
		fail "nothing left after SIGKILL to both sides: kernel-persistent objects expected"
		return 1
	fi
	# `make clean-ipc` (no prefix) must find every one of them ...
	listed=$("$ROOT/scripts/clean-ipc" --list)
	while read -r line; do
		case $line in
		/dev/*) grep -qxF -- "$line" <<<"$listed" ;;
		"sysv shm "*) grep -q "^sysv m id ${line#sysv shm }:" <<<"$listed" ;;
		"sysv sem "*) grep -q "^sysv s id ${line#sysv sem }:" <<<"$listed" ;;
		"sysv msg "*) grep -q "^sysv q id ${line#sysv msg }:" <<<"$listed" ;;
		*) false ;;
		esac || missing+=$line$'\n'
	done <<<"$left"
	if [ -n "$missing" ]; then
		fail "left behind and not listed by clean-ipc --list:"$'\n'"$missing"
		return 1
	fi
	# ... and remove them.  Here only ours: with a prefix clean-ipc takes
	# that prefix's POSIX names; the listed System V ids go the way it
	# removes them (without a prefix it would also take other runs').
	"$ROOT/scripts/clean-ipc" "$SHMLABS_PREFIX" >/dev/null
	while read -r line; do
		case $line in
		"sysv shm "*) ipcrm -m "${line#sysv shm }" ;;
		"sysv sem "*) ipcrm -s "${line#sysv sem }" ;;
		"sysv msg "*) ipcrm -q "${line#sysv msg }" ;;
		esac
	done <<<"$left"
	left=$(_xfer_ipc_left)
	if [ -n "$left" ]; then
		fail "still there after clean-ipc:"$'\n'"$left"
		return 1
	fi
}

# ---- the cases ----------------------------------------------------------

_xfer_case_empty() {
	: >"$BATS_TEST_TMPDIR/in"
	_xfer_pair "$BATS_TEST_TMPDIR/in" writer-first pair
}

_xfer_case_one_byte() {
	printf '\0' >"$BATS_TEST_TMPDIR/in"
	_xfer_pair "$BATS_TEST_TMPDIR/in" reader-first pair
}

_xfer_case_one_chunk() {
	_xfer_chunk
	head -c "$XFER_CHUNK" /dev/urandom >"$BATS_TEST_TMPDIR/in"
	_xfer_pair "$BATS_TEST_TMPDIR/in" writer-first pair
}

_xfer_case_chunk_plus_one() {
	_xfer_chunk
	head -c $((XFER_CHUNK + 1)) /dev/urandom >"$BATS_TEST_TMPDIR/in"
	_xfer_pair "$BATS_TEST_TMPDIR/in" reader-first pair
}

_xfer_case_random_5mib() {
	head -c 5242880 /dev/urandom >"$BATS_TEST_TMPDIR/in"
	_xfer_pair "$BATS_TEST_TMPDIR/in" reader-first pair
}

_xfer_case_lines_10000() {
	local out
	seq -f 'line %g' 1 10000 >"$BATS_TEST_TMPDIR/in"
	_xfer_pair "$BATS_TEST_TMPDIR/in" writer-first pair
	out=$BATS_TEST_TMPDIR/pair.out
	[ "$(wc -l <"$out")" -eq 10000 ] || fail "expected 10000 lines"
	[ "$(tail -n 1 "$out")" = "line 10000" ] || fail "last line is not 'line 10000'"
}

_xfer_case_reader_first() {
	_xfer_chunk
	head -c $((3 * XFER_CHUNK + 17)) /dev/urandom >"$BATS_TEST_TMPDIR/in"
	_xfer_pair "$BATS_TEST_TMPDIR/in" reader-first pair
}

_xfer_case_writer_first() {
	_xfer_chunk
	head -c $((3 * XFER_CHUNK + 17)) /dev/urandom >"$BATS_TEST_TMPDIR/in"
	_xfer_pair "$BATS_TEST_TMPDIR/in" writer-first pair
}

_xfer_case_simultaneous() {
	local d=$BATS_TEST_TMPDIR i pids=() who=() errs=()
	_xfer_chunk
	for i in 0 1 2 3 4 5 6 7 8 9; do
		head -c $((3 * XFER_CHUNK + 17)) /dev/urandom >"$d/$i.in"
	done
	for i in 0 1 2 3 4 5 6 7 8 9; do
		_xfer_start "$SHMLABS_PREFIX-s$i" writer "$d/$i.in" /dev/null "$d/$i.writer.err"
		pids+=("$XFER_PID") who+=("writer $i") errs+=("$d/$i.writer.err")
		_xfer_start "$SHMLABS_PREFIX-s$i" reader /dev/null "$d/$i.out" "$d/$i.reader.err"
		pids+=("$XFER_PID") who+=("reader $i") errs+=("$d/$i.reader.err")
	done
	for i in "${!pids[@]}"; do
		xfer_finish "${pids[i]}" "${who[i]}"
		xfer_expect_ok "${who[i]}" "${errs[i]}"
	done
	for i in 0 1 2 3 4 5 6 7 8 9; do
		xfer_cmp "$d/$i.in" "$d/$i.out"
	done
}

_xfer_case_kill_writer() { _xfer_interrupt KILL writer; }
_xfer_case_kill_reader() { _xfer_interrupt KILL reader; }
_xfer_case_sigint_writer() { _xfer_interrupt INT writer; }
_xfer_case_sigint_reader() { _xfer_interrupt INT reader; }
_xfer_case_kill_both() { _xfer_kill_both; }
_xfer_case_second_writer() { _xfer_second writer; }
_xfer_case_second_reader() { _xfer_second reader; }

_xfer_case_parallel() {
	local d=$BATS_TEST_TMPDIR s i pids=() who=() errs=()
	for s in a b; do
		head -c 1048576 /dev/urandom >"$d/$s.in"
	done
	if cmp -s "$d/a.in" "$d/b.in"; then
		fail "the two inputs must differ"
		return 1
	fi
	for s in a b; do
		_xfer_start "$SHMLABS_PREFIX-$s" reader /dev/null "$d/$s.out" "$d/$s.reader.err"
		pids+=("$XFER_PID") who+=("reader $s") errs+=("$d/$s.reader.err")
	done
	for i in 0 1; do
		_xfer_await_created "${SHMLABS_PREFIX}-${who[i]#reader }" "${pids[i]}" \
			"${who[i]}" "${errs[i]}"
	done
	for s in a b; do
		_xfer_start "$SHMLABS_PREFIX-$s" writer "$d/$s.in" /dev/null "$d/$s.writer.err"
		pids+=("$XFER_PID") who+=("writer $s") errs+=("$d/$s.writer.err")
	done
	for i in 0 1 2 3; do
		xfer_finish "${pids[i]}" "${who[i]}"
		xfer_expect_ok "${who[i]}" "${errs[i]}"
	done
	xfer_cmp "$d/a.in" "$d/a.out"
	xfer_cmp "$d/b.in" "$d/b.out"
}

_xfer_case_usage() {
	local side left
	for side in writer reader; do
		run prog "$side" --bogus
		assert_usage
		run prog "$side" -h
		assert_usage
		run prog "$side" extra-argument
		assert_usage
	done
	run --separate-stderr timeout -k 2 5 "$BUILD/$LAB/writer" --chunk-size </dev/null
	assert_success
	assert_output 4096
	[ -z "$stderr" ] || fail "writer --chunk-size wrote to stderr: $stderr"
	left=$(_xfer_ipc_left)
	[ -z "$left" ] || fail "the usage checks left objects behind: $left"
}

# xfer_case NAME: run one case (names above).
xfer_case() {
	local fn=_xfer_case_${1//-/_}
	if [ $# -ne 1 ] || ! declare -F "$fn" >/dev/null; then
		fail "xfer_case: unknown case '$*'"
		return 1
	fi
	"$fn"
}
