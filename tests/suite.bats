# tests/suite.bats - the suite's own machinery: the Makefile interface,
# common/ (through tests/common_selftest.c), scripts/clean-ipc,
# scripts/run-demo, scripts/setup, and every lab's `make lab-N` demo.
load helper

selftest() { timeout -k 2 "$TIMEOUT" "$BUILD/common/common_selftest" "$@"; }

# The clean-ipc test makes a segment that is not ours (the leak check does not
# see it): remove it even when the test fails half-way.
teardown() {
	[ -z "${THEIRS_ID:-}" ] || ipcrm -m "$THEIRS_ID" 2>/dev/null || true
	common_teardown
}

@test "make list: every lab 1-17 with its folder and title" {
	run make -s --no-print-directory -C "$ROOT" list
	assert_success
	assert_equal "$(awk '{print $1}' <<<"$output" | tr '\n' ' ')" \
		"1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 "
	assert_line --regexp '^ +1  01-file-mmap +[A-Z]'
	assert_line --regexp '^ +17  driver-lab +memdev'
	[ "$(awk 'NF < 3' <<<"$output")" = "" ] || fail "a lab without a title"
}

@test "make help names every target" {
	run make -s --no-print-directory -C "$ROOT" help
	assert_success
	local t
	for t in "lab-N" "list" "test" "SANITIZE=1" "lint" "clean-ipc" "handout" "grade"; do
		assert_output --partial "make $t"
	done
}

@test "common: a failed call prints PROG: CALL(OBJECT): ENAME (text), exit 1" {
	run --separate-stderr selftest die /no/such/file
	assert_failure 1
	assert_equal "$stderr" "common_selftest: open(/no/such/file): ENOENT (No such file or directory)"
	assert_equal "$output" ""
}

@test "common: a child that fails exits with _exit(1), the parent goes on" {
	run --separate-stderr selftest child-die /nope
	assert_success
	assert_equal "$output" $'buffered\nparent: child status 1'
	assert_equal "$stderr" "common_selftest: open(/nope): ENOENT (No such file or directory)"
}

@test "common: usage errors go to stderr with exit 2" {
	run --separate-stderr selftest usage
	assert_failure 2
	assert_equal "$output" ""
	assert_equal "$stderr" "common_selftest: usage test
usage: common_selftest name|key|die|child-die|usage|hold|child-exit|leave-sysv|size|maps|fault|write-all ARG"
	run selftest
	assert_usage
}

@test "common: names and keys come from SHMLABS_PREFIX" {
	run selftest name x
	assert_output "/$SHMLABS_PREFIX-x"
	SHMLABS_PREFIX=alice run selftest name x
	assert_output "/shmlabs-alice-x"
	SHMLABS_PREFIX=a/b run selftest name x
	assert_output "/shmlabs-a_b-x"
	local k1 k2 k3
	k1=$(SHMLABS_PREFIX=shmlabs-a selftest key x)
	k2=$(SHMLABS_PREFIX=shmlabs-b selftest key x)
	k3=$(SHMLABS_PREFIX=shmlabs-a selftest key x)
	assert_regex "$k1" '^0x53[0-9a-f]{6}$'
	assert_regex "$k2" '^0x53[0-9a-f]{6}$'
	assert_equal "$k1" "$k3"
	[ "$k1" != "$k2" ] || fail "two prefixes gave the same key $k1"
}

@test "common: SIGINT and SIGTERM remove registered objects and kill with the signal" {
	local sig want
	for sig in INT TERM; do
		mkfifo "$BATS_TEST_TMPDIR/out-$sig"
		timeout -k 2 "$TIMEOUT" "$BUILD/common/common_selftest" hold "h-$sig" \
			>"$BATS_TEST_TMPDIR/out-$sig" &
		local pid=$! # timeout passes the signal on to the program
		read -r -t 10 line <"$BATS_TEST_TMPDIR/out-$sig"
		assert_equal "$line" "ready"
		assert_file_exists "/dev/shm/$SHMLABS_PREFIX-h-$sig"
		kill -"$sig" "$pid"
		wait "$pid" && st=0 || st=$?
		want=$((128 + $(kill -l "$sig")))
		assert_file_not_exists "/dev/shm/$SHMLABS_PREFIX-h-$sig"
		# the program died of the signal (timeout reports 128+N)
		assert_equal "$st" "$want"
	done
}

@test "common: a child's exit() neither removes the parent's objects nor repeats output" {
	run selftest child-exit c
	assert_success
	assert_equal "$output" $'before fork\nafter child exit: still there'
	# ... and the parent removed it at its own exit
	assert_file_not_exists "/dev/shm/$SHMLABS_PREFIX-c"
}

@test "common: parse_size takes digits with K, M or G and nothing else" {
	local in want
	while read -r in want; do
		run selftest size "$in"
		assert_success
		assert_equal "$output" "$want"
	done <<'T'
4096 4096
64K 65536
16m 16777216
1G 1073741824
-1 bad
1X bad
K bad
12K3 bad
18446744073709551615 18446744073709551615
18446744073709551615K bad
T
	run selftest size " 1"
	assert_output bad
}

@test "common: maps_find finds the mapping holding an address, smaps_kb its Rss" {
	run selftest maps 4
	assert_success
	# the lookup from the LAST byte found the line of the 4-page mapping
	local range start end
	range=$(awk '/^maps /{print $2}' <<<"$output")
	start=$((16#${range%-*})) end=$((16#${range#*-}))
	assert_equal "$((end - start))" 16384
	assert_line --regexp '^maps [0-9a-f]+-[0-9a-f]+ rw-s '
	assert_line "rss 4"       # one page touched
	assert_line "missing -1"  # no such field in that entry
	assert_line "unmapped 0"  # page 0 is never mapped
}

@test "common: try_read/try_write report the fault's signal and code, and can repeat" {
	run selftest fault ro
	assert_success
	# SEGV_ACCERR = 2: the page is there, the write is not allowed
	assert_equal "$output" $'read 0 0\nwrite SEGV 2\nread 0 0\nwrite SEGV 2'
	run selftest fault none
	assert_equal "$output" $'read SEGV 2\nwrite SEGV 2\nread SEGV 2\nwrite SEGV 2'
	# a page wholly past the end of the file: SIGBUS, BUS_ADRERR = 2
	run selftest fault beyond
	assert_equal "$output" $'read BUS 2\nwrite BUS 2\nread BUS 2\nwrite BUS 2'
}

@test "common: write_all writes every byte, also into a pipe that takes less at a time" {
	selftest write-all 1000000 | cmp - <(head -c 1000000 /dev/zero | tr '\0' x)
}

# helper.bash's prog: under `run` it execs timeout in run's own subshell (one
# process less), elsewhere it forks it; the output, the merged stderr and the
# status are the same both ways.  The stand-in program prints the pid of its
# parent's parent: under `run`, the test's shell only when run's subshell
# became timeout.
@test "helper: run prog execs in run's subshell, a longer command does not, same output and status" {
	BUILD=$BATS_TEST_TMPDIR PROG_LAB=fake
	mkdir "$BUILD/fake"
	printf '%s\n' '#!/bin/sh' 'read -r _ _ _ gp _ </proc/$PPID/stat' \
		'echo "grandparent $gp"' 'echo "to stderr" >&2' 'exit 3' >"$BUILD/fake/gp"
	chmod +x "$BUILD/fake/gp"
	run prog gp
	assert_failure 3
	assert_output "grandparent $BASHPID"$'\n'"to stderr"
	run --separate-stderr prog gp
	assert_failure 3
	assert_output "grandparent $BASHPID"
	[ "$stderr" = "to stderr" ]
	twice() { prog gp; prog gp; }
	run twice
	assert_failure 3
	assert_equal "${#lines[@]}" 4
	refute_line "grandparent $BASHPID"
	run --keep-empty-lines prog gp
	assert_failure 3
	refute_line "grandparent $BASHPID"
	# Called directly, timeout is a child of this shell, which goes on.
	local rc=0
	prog gp >"$BATS_TEST_TMPDIR/out" 2>&1 || rc=$?
	assert_equal "$rc" 3
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output "grandparent $BASHPID"$'\n'"to stderr"
}

@test "clean-ipc removes this suite's leftovers and nothing else" {
	local mine="/dev/shm/$SHMLABS_PREFIX-left" other="/dev/shm/notours-$$-$RANDOM"
	: >"$mine"
	: >"$other"
	: >"/dev/shm/sem.$SHMLABS_PREFIX-sem"
	run "$ROOT/scripts/clean-ipc" --list "$SHMLABS_PREFIX"
	assert_line "$mine"
	assert_line "/dev/shm/sem.$SHMLABS_PREFIX-sem"
	refute_output --partial notours
	run "$ROOT/scripts/clean-ipc" "$SHMLABS_PREFIX"
	assert_output "clean-ipc: removed 2 object(s)"
	assert_file_not_exists "$mine"
	assert_file_exists "$other"
	rm -f "$other"

	# System V: a key of ours (0x53 in the top byte) and one that is not.
	local k_ours k_theirs id_ours id_theirs
	k_ours=$(selftest key left)
	k_theirs=$(printf '0x12%06x' $((RANDOM * 256 + RANDOM % 256)))
	id_ours=$(selftest leave-sysv "$k_ours")
	id_theirs=$(selftest leave-sysv "$k_theirs")
	THEIRS_ID=$id_theirs
	run "$ROOT/scripts/clean-ipc" --list
	assert_line "sysv m id $id_ours:$((k_ours))"
	refute_line --partial "id $id_theirs:"
	run "$ROOT/scripts/clean-ipc"
	assert_success
	run awk -v id="$id_ours" '$2 == id' /proc/sysvipc/shm
	assert_output ""
	run awk -v id="$id_theirs" '$2 == id {print "there"}' /proc/sysvipc/shm
	assert_output "there"
}

@test "run-demo fails a demo that leaves an object behind, and removes it" {
	local lab="$BATS_TEST_TMPDIR/99-leaky"
	mkdir -p "$lab"
	cat >"$lab/demo.sh" <<'DEMO'
echo "leaking $SHMLABS_PREFIX"
: >"/dev/shm/$SHMLABS_PREFIX-leak"
: >"$TMPDIR/tempfile"
DEMO
	SHMLABS_PREFIX=$SHMLABS_PREFIX-demo run timeout 20 "$ROOT/scripts/run-demo" "$lab"
	assert_failure 1
	assert_output --partial "left objects behind"
	assert_output --partial "/dev/shm/$SHMLABS_PREFIX-demo-leak"
	assert_output --partial "temporary files: tempfile"
	assert_file_not_exists "/dev/shm/$SHMLABS_PREFIX-demo-leak"
}

@test "setup --check finds everything installed" {
	run "$ROOT/scripts/setup" --check
	assert_success
	assert_output "setup: everything is installed"
}

# demo_runs N: `make lab-N` runs the narrated demo to the end, says something,
# and leaves no IPC object or temp file (scripts/run-demo fails if it does).
demo_runs() {
	run timeout 600 make -s --no-print-directory -C "$ROOT" BUILD="$BUILD" SANITIZE="${SHMLABS_SANITIZE:-}" "lab-$1"
	assert_success
	[ "${#lines[@]}" -ge 5 ] || fail "demo of lab $1 printed only: $output"
	refute_output --partial "left objects behind"
}
@test "make lab-1 runs its demo and leaves nothing behind" { demo_runs 1; }
@test "make lab-2 runs its demo and leaves nothing behind" { demo_runs 2; }
@test "make lab-3 runs its demo and leaves nothing behind" { demo_runs 3; }
@test "make lab-4 runs its demo and leaves nothing behind" { demo_runs 4; }
@test "make lab-5 runs its demo and leaves nothing behind" { demo_runs 5; }
@test "make lab-6 runs its demo and leaves nothing behind" { demo_runs 6; }
@test "make lab-7 runs its demo and leaves nothing behind" { demo_runs 7; }
@test "make lab-8 runs its demo and leaves nothing behind" { demo_runs 8; }
@test "make lab-9 runs its demo and leaves nothing behind" { demo_runs 9; }
@test "make lab-10 runs its demo and leaves nothing behind" { demo_runs 10; }
@test "make lab-11 runs its demo and leaves nothing behind" { demo_runs 11; }
@test "make lab-12 runs its demo and leaves nothing behind" { demo_runs 12; }
@test "make lab-13 runs its demo and leaves nothing behind" { demo_runs 13; }
@test "make lab-14 runs its demo and leaves nothing behind" { demo_runs 14; }
@test "make lab-15 runs its demo and leaves nothing behind" { demo_runs 15; }
@test "make lab-16 runs its demo and leaves nothing behind" { demo_runs 16; }
@test "make lab-17 runs its demo and leaves nothing behind" { demo_runs 17; }
