# tests/helper.bash - shared by every tests/NN-topic.bats:  load helper
#
# Gives each test:
#   * $ROOT (the repository), $PAGE (the page size) and $BUILD (where
#     `make` put the programs; SHMLABS_BUILD overrides it, `make SANITIZE=1
#     test` sets it);
#   * a unique SHMLABS_PREFIX, so IPC names and keys never collide with
#     another test or another run;
#   * an empty TMPDIR for the programs' temporary files, its own per test
#     file;
#   * a leak check in teardown: the test fails if it left a /dev/shm entry,
#     a message queue, a System V object or a temporary file behind.
# and the functions prog (run a lab program under timeout), uprog (the same as
# an ordinary user), bg_start (in the background, line by line), need (a
# dependency: skip, or fail when CI=true), unprivileged, reachable,
# ipc_leftovers, nap (sleep without a process), children (a process's
# child pids) and alive (a process that is not a zombie).
bats_require_minimum_version 1.5.0 # run --separate-stderr, run -N

# bats-support, bats-assert and bats-file, loaded with bats_load_library.
# bats evaluates this file again for every test, and the libraries' load.bash
# files run `dirname` 17 times, a fifth of an empty test's cost.  So the first
# test of a run saves the functions the libraries define, and the later tests
# of that run source the saved copy (the libraries set no variables).
# scripts/grade runs one bats per lab, so it saves that copy once, before the
# labs, and names it in SHMLABS_BATS_LIBS (read-only to the labs): that
# spares each lab's file the first load, 0.4 s on a small VM.
_libs=${BATS_RUN_TMPDIR:-/nonexistent}/shmlabs-bats-libs.bash
if [ -f "${SHMLABS_BATS_LIBS:-}" ]; then
	source "$SHMLABS_BATS_LIBS"
elif [ -f "$_libs" ]; then
	source "$_libs"
else
	declare -A _had=()
	for _f in $(compgen -A function); do _had[$_f]=1; done
	bats_load_library bats-support
	bats_load_library bats-assert
	bats_load_library bats-file
	if [ -d "${BATS_RUN_TMPDIR:-}" ]; then
		for _f in $(compgen -A function); do
			[ -n "${_had[$_f]:-}" ] || declare -f "$_f"
		done >"$_libs.$$" && mv -f "$_libs.$$" "$_libs"
	fi
	unset _had
fi
unset _libs _f

# (Parameter expansion, not $(cd ..; pwd) or $(basename): on a busy VM a
# subshell costs milliseconds, and this file runs again for every test.)
if [[ $BATS_TEST_DIRNAME == /?*/tests ]]; then
	ROOT=${BATS_TEST_DIRNAME%/tests}
else
	ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
fi
BUILD=${SHMLABS_BUILD:-$ROOT/build}
: "${TIMEOUT:=20}"   # seconds any single program may run in a test

if [ "${SHMLABS_SANITIZE:-}" = 1 ]; then
	# Let the labs' own SIGSEGV/SIGBUS handlers (and deliberate crashes)
	# work under AddressSanitizer.
	export ASAN_OPTIONS=handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1:detect_leaks=0
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
fi

# PAGE: the page size.  The first evaluation of a test file (bats does it
# once per file, in the process that then starts each test) asks getconf
# and exports it, so the tests inherit it instead of forking getconf each.
if [[ ! ${SHMLABS_PAGE:-} =~ ^[0-9]+$ ]]; then
	SHMLABS_PAGE=$(getconf PAGESIZE)
	export SHMLABS_PAGE
fi
PAGE=$SHMLABS_PAGE

# bats --timing reads the clock with `date +%s%N`, twice per test
# (get_mills_since_epoch, bats-exec-test); bash has the clock built in.
if declare -F get_mills_since_epoch >/dev/null; then
	get_mills_since_epoch() {
		local us=${EPOCHREALTIME//[!0-9]/}
		printf '%d\n' "$((10#$us / 1000))"
	}
fi

# The lab under test: tests/05-anonymous-mapping.bats -> 05-anonymous-mapping
LAB=${BATS_TEST_FILENAME##*/}
LAB=${LAB%.bats}

# prog NAME ARGS... : run $BUILD/$LAB/NAME under timeout (use with `run`).
# PROG_LAB=other-lab picks a program of another lab.
prog() {
	local p=$BUILD/${PROG_LAB:-$LAB}/$1
	shift
	# 3>&- : fd 3 is bats's result stream; a program under test never gets it.
	if run_tail; then
		exec timeout -k 2 "$TIMEOUT" "$p" "$@" 3>&-
	fi
	timeout -k 2 "$TIMEOUT" "$p" "$@" 3>&-
}

# run_tail: true when the function calling it is the whole command of a
# bats `run`, inside the subshell that `run` captures.  That subshell would
# fork once more for the command; the caller can exec it instead, one
# process less per `run prog` (on a small VM a fork costs more than most
# checks).  It names the two helpers Debian's bats 1.8 runs the command in
# (FUNCNAME: run_tail, the caller, that helper, run); where a bats has
# others it is false, and only the cost changes.  `run --keep-empty-lines`
# runs a printf after the command, so it keeps the fork (keep_empty_lines
# is a local of run, seen from here).
run_tail() {
	((BASH_SUBSHELL > 0)) && [ -z "${keep_empty_lines:-}" ] &&
		[ "${FUNCNAME[3]:-}" = run ] &&
		[[ ${FUNCNAME[2]:-} == bats_merge_stdout_and_stderr ||
			${FUNCNAME[2]:-} == bats_redirect_stderr_into_file ]]
}

# uprog NAME ARGS... : the lab program NAME as an ordinary user (nobody when
# root: root's capabilities would bypass every permission check), under timeout.
uprog() { unprivileged timeout -k 2 "$TIMEOUT" "$BUILD/${PROG_LAB:-$LAB}/$1" "${@:2}" 3>&-; }

# bg_start NAME ARGS... : start the lab program NAME in the background, its
# stdin and stdout (with stderr) on FIFOs, and read its first line into
# BG_LINE.  BG_PID is the pid of the `timeout` around it.  bg_line reads the
# next line, bg_eof closes its stdin.  Reads are bounded (10 s), so a program
# that hangs fails the test instead of hanging the suite.
bg_start() {
	local d=$BATS_TEST_TMPDIR
	mkfifo "$d/bg.in" "$d/bg.out"
	timeout -k 2 "$TIMEOUT" "$BUILD/${PROG_LAB:-$LAB}/$1" "${@:2}" \
		<"$d/bg.in" >"$d/bg.out" 2>&1 3>&- &
	BG_PID=$!
	# <> opens a FIFO without waiting for the other end.
	exec {BG_IN}<>"$d/bg.in" {BG_OUT}<>"$d/bg.out"
	bg_line
}
bg_line() {
	BG_LINE=
	read -t 10 -r BG_LINE <&"$BG_OUT" || fail "no line from the program"
}
bg_eof() { exec {BG_IN}>&-; }

# need CMD... : the test needs these commands.  Skip without them, but under
# CI=true a missing dependency is a failure.
need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 && continue
		if [ "${CI:-}" = true ]; then
			fail "missing dependency: $c (CI=true: no skips)"
		fi
		skip "needs $c"
	done
}

# sysv_scan VAR: set VAR to the System V ids that may be ours, "kind id" per
# line: keys from ipc_key() (0x53 in the top byte) and IPC_PRIVATE (key 0).
# Plain bash, no subprocess: it runs twice in every test.
sysv_scan() {
	local -n _ids=$1
	local f key id rest
	_ids=
	for f in shm sem msg; do
		[ -r /proc/sysvipc/$f ] || continue
		{
			read -r rest # the header line
			while read -r key id rest; do
				if ((key == 0 || key >> 24 == 0x53)); then
					_ids+="$f $id"$'\n'
				fi
			done
		} </proc/sysvipc/$f
	done
}

# leftovers VAR: set VAR to what this test's prefix left, one line each
# (empty = nothing): POSIX objects, System V objects created since setup,
# files in the test's TMPDIR.  Also plain bash.
leftovers() {
	local -n _left=$1
	local f now line
	local -A before=()
	_left=
	for f in /dev/shm/*"$SHMLABS_PREFIX"* /dev/mqueue/*"$SHMLABS_PREFIX"*; do
		if [ -e "$f" ]; then _left+="$f"$'\n'; fi
	done
	while read -r line; do
		if [ -n "$line" ]; then before[$line]=1; fi
	done <<<"$SYSV_BEFORE"
	sysv_scan now
	while read -r line; do
		if [ -n "$line" ] && [ -z "${before[$line]:-}" ]; then
			_left+="sysv $line"$'\n'
		fi
	done <<<"$now"
	for f in "$TMPDIR"/* "$TMPDIR"/.[!.]* "$TMPDIR"/..?*; do
		if [ -e "$f" ] || [ -L "$f" ]; then _left+="tmp ${f##*/}"$'\n'; fi
	done
}

# ipc_leftovers: print what this test's prefix left (empty = nothing).
ipc_leftovers() {
	local left
	leftovers left
	printf '%s' "$left"
}

# nap SECONDS: sleep without starting a process.  `read -t` on a FIFO that
# nobody writes times out after SECONDS; opened read-write (<>), the open
# does not wait for a writer.  The polling loops of the tests use it: a
# `sleep 0.01` is a fork and an exec, and on a small VM those cost more
# than the check they wait for.  (The FIFO is made once per test file.)
NAP_FIFO=${BATS_FILE_TMPDIR:-${BATS_RUN_TMPDIR:?tests/helper.bash runs under bats}}/.shmlabs-nap
if [ ! -p "$NAP_FIFO" ]; then mkfifo "$NAP_FIFO" 2>/dev/null || :; fi
nap() {
	local rc=0
	read -r -t "$1" _ 2>/dev/null <>"$NAP_FIFO" || rc=$?
	# Above 128: timed out, as meant.  Anything else (no FIFO, or somebody
	# wrote a line into it) must not cut the nap short: the watchdog naps.
	((rc > 128)) || sleep "$1"
}

# children PID VAR: VAR = PID's child pids, space-separated, read from
# /proc without starting a process (polls and the watchdog use it); false
# when there are none.
children() {
	local -n _c=$2
	_c=
	read -r _c 2>/dev/null <"/proc/$1/task/$1/children" || :
	[ -n "$_c" ]
}

# alive PID: the process exists and is not a zombie.  (A killed orphan
# stays in /proc as a zombie until whoever inherited it reaps it: outside a
# PID namespace that is the machine's init, which may take a second.)
alive() {
	local s
	read -r s 2>/dev/null <"/proc/$1/stat" || return 1
	s=${s##*) } # after "PID (COMM) ": the state
	[ "${s%% *}" != Z ]
}

# A per-test time limit (scripts/grade sets SHMLABS_TEST_TIMEOUT): a test that
# runs longer is killed, with its children, and counts as failed.  One
# background subshell per test, asleep in nap; stopping it is one kill.
# disown takes it out of the job table, so a bare `wait` in a test does not
# wait for it.
watchdog_start() {
	[ -n "${SHMLABS_TEST_TIMEOUT:-}" ] || return 0
	local me=$BASHPID limit=$SHMLABS_TEST_TIMEOUT
	(
		exec 2>/dev/null </dev/null >/dev/null
		nap "$limit"
		echo "# watchdog: test exceeded ${limit}s" >&3
		# The test's children first (so that its `wait` returns), all
		# but this watchdog, which is one of them; then the test.
		# (bats runs tests under set -e: every step here must succeed.)
		local kids k
		children "$me" kids || :
		for k in $kids; do
			[ "$k" = "$BASHPID" ] || kill -KILL "$k" || :
		done
		kill -TERM "$me"
	) &
	WATCHDOG_PID=$!
	disown "$WATCHDOG_PID"
}
watchdog_stop() {
	[ -z "${WATCHDOG_PID:-}" ] || kill "$WATCHDOG_PID" 2>/dev/null || :
	WATCHDOG_PID=
}

common_setup() {
	# bats runs a DEBUG trap before every command (bash's set -T passes it
	# into every function called) to remember the line to report when the
	# test fails.  On a small VM that trap costs about 0.3 ms a command, so
	# a test spent more time in it than in the programs it tests.  set +T:
	# from here on the functions the test calls (run, assert_*, this
	# helper) run without it; the test's own lines keep it, and a failure
	# is reported at the line of the test that failed, which is what a
	# student needs.  (Measured: labs 1-16 went from 116 to 96 s.)
	set +T
	watchdog_start
	export SHMLABS_PREFIX="shmlabs-t$$-${BATS_TEST_NUMBER}-$RANDOM"
	# One folder per test file, made by its first test (a mkdir per test is
	# a fork and an exec): the tests of a file run one after the other, and
	# the teardown proves it empty after each one.
	export TMPDIR="$BATS_FILE_TMPDIR/progtmp"
	[ -d "$TMPDIR" ] || mkdir -p "$TMPDIR"
	sysv_scan SYSV_BEFORE
}

common_teardown() {
	# The folder where `unprivileged` copied programs: its name follows from
	# the test's prefix, so it is found even when `run` (a subshell) made it.
	local left kind id u=/tmp/shmlabs-unpriv.$SHMLABS_PREFIX
	watchdog_stop
	if [ -e "$u" ]; then rm -rf "$u"; fi
	leftovers left
	[ -n "$left" ] || return 0
	"$ROOT/scripts/clean-ipc" "$SHMLABS_PREFIX" >/dev/null 2>&1 || true
	while read -r kind id; do
		[ "$kind" = sysv ] || continue
		read -r kind id <<<"$id"
		case $kind in shm) ipcrm -m "$id" ;; sem) ipcrm -s "$id" ;;
		msg) ipcrm -q "$id" ;; esac 2>/dev/null || true
	done <<<"$left"
	rm -rf "${TMPDIR:?}"/* "$TMPDIR"/.[!.]* "$TMPDIR"/..?* 2>/dev/null
	fail "test left objects behind:"$'\n'"${left%$'\n'}"
}

# Default hooks; a .bats file that defines its own setup/teardown must call
# common_setup / common_teardown itself.
setup() { common_setup; }
teardown() { common_teardown; }

# usage_tests-style helper: assert a usage error (stderr has "usage:", exit 2).
assert_usage() {
	assert_failure 2
	assert_output --partial "usage:"
}

# unprivileged CMD ARGS... : run CMD as an ordinary user.  As root it runs as
# nobody (setpriv), so permission tests (EACCES on an unreadable file) mean the
# same as root and as a student.  Nobody may not be able to reach $BUILD (a
# checkout under /root, a grader's private folder), so every argument that is
# a program under $BUILD is run from a copy in a world-readable folder.
unprivileged() {
	if [ "$EUID" != 0 ]; then
		"$@"
		return
	fi
	local args=() a rel d=/tmp/shmlabs-unpriv.$SHMLABS_PREFIX
	for a in "$@"; do
		if [[ $a == "$BUILD"/* && -f $a && -x $a ]]; then
			rel=${a#"$BUILD"/}
			# mkdir, not mkdir -p: a name planted in /tmp by someone else
			# (a file, a link, a folder of another user) is refused.
			if [ ! -d "$d" ] || [ -L "$d" ] || [ ! -O "$d" ]; then
				mkdir -m 755 "$d" || fail "unprivileged: cannot make $d"
			fi
			if [ ! -x "$d/$rel" ]; then # once per program and test
				mkdir -p -m 755 "$d/${rel%/*}"
				cp "$a" "$d/$rel"
				chmod 755 "$d/$rel"
			fi
			a=$d/$rel
		fi
		args+=("$a")
	done
	setpriv --reuid=65534 --regid=65534 --clear-groups -- "${args[@]}"
}

# reachable DIR : let other users traverse the path down to DIR (bats makes its
# temp folders 0700), so that a permission test run as nobody fails on the file
# it means to test, not on a parent folder.
reachable() {
	local d=$1 up=()
	[ -d "$d" ] || fail "reachable: no folder $d"
	[[ $d == /* ]] || d=$PWD/$d
	d=${d%/}
	while [ -n "$d" ]; do # (parameter expansion, not dirname: no process)
		up+=("$d")
		[ "$d" = "${BATS_RUN_TMPDIR%/}" ] && break
		d=${d%/*}
	done
	chmod o+x "${up[@]}" 2>/dev/null || true # one chmod for the whole path
}
