#!/usr/bin/env bats
# Lab 13: the transfer through System V shared memory and a set of two
# System V semaphores.  The shared cases come from tests/transfer.bash; the
# lab's own tests assert what `ipcs` shows, the sem_otime logic of the init
# race (with the writer frozen inside the window by --stop-in-init), and
# semdemo's replays of the init race and of SEM_UNDO.
load helper
load transfer

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

# ---- lab 13 -------------------------------------------------------------

# bats test_tags=points:2
@test "ipcs shows the set (nsems 2, 600) and the segment while the reader waits" {
	local d=$BATS_TEST_TMPDIR semkey semid shmkey shmid rpid wpid row
	xfer_start reader /dev/null "$d/out" "$d/rerr" -v
	rpid=$XFER_PID
	xfer_await_line "$d/rerr" 'initialised: CAN_READ 0, CAN_WRITE 1' "$rpid"
	semkey=$(xfer_field "$d/rerr" 'semaphore set key (0x[0-9a-f]{8})')
	semid=$(xfer_field "$d/rerr" 'semaphore set key 0x[0-9a-f]{8} id ([0-9]+)')
	shmkey=$(xfer_field "$d/rerr" 'segment key (0x[0-9a-f]{8})')
	shmid=$(xfer_field "$d/rerr" 'segment key 0x[0-9a-f]{8} id ([0-9]+)')

	# ipcs -s: key semid owner perms nsems
	row=$(ipcs -s | awk -v k="$semkey" '$1 == k')
	[ -n "$row" ] || fail "ipcs -s does not list key $semkey: $(ipcs -s)"
	read -r _ id _ perms nsems <<<"$row"
	assert_equal "$id" "$semid"
	assert_equal "$perms" 600
	assert_equal "$nsems" 2
	# The creator's first semop stamped sem_otime; values CAN_READ 0, CAN_WRITE 1.
	run ipcs -s -i "$semid"
	assert_success
	refute_output --partial "otime = Not set"
	assert_line --regexp '^0 +0 +'
	assert_line --regexp '^1 +1 +'
	# ipcs -m: key shmid owner perms bytes nattch; 8 bytes of pids, 4 of
	# length, 4096 of data; only the reader is attached.
	row=$(ipcs -m | awk -v k="$shmkey" '$1 == k')
	read -r _ id _ perms bytes nattch _ <<<"$row"
	assert_equal "$id" "$shmid"
	assert_equal "$bytes" 4108
	assert_equal "$nattch" 1

	printf 'one\ntwo\n' >"$d/in"
	xfer_start writer "$d/in" /dev/null "$d/werr"
	wpid=$XFER_PID
	xfer_finish "$wpid" "the writer"
	assert_equal "$XFER_RC" 0
	xfer_finish "$rpid" "the reader"
	assert_equal "$XFER_RC" 0
	cmp "$d/in" "$d/out"
	# Removed by the writer at the end.
	[ -z "$(ipcs -s | awk -v id="$semid" '$2 == id')" ] || fail "set $semid left"
	[ -z "$(ipcs -m | awk -v id="$shmid" '$2 == id')" ] || fail "segment $shmid left"
}

# bats test_tags=points:3,exercise:13-1
@test "init race: SETALL leaves sem_otime 0, the late reader waits for it, then all goes through" {
	local d=$BATS_TEST_TMPDIR wpid rpid pid semid state
	seq 1 2000 >"$d/in"
	xfer_start writer "$d/in" /dev/null "$d/werr" -v --stop-in-init
	wpid=$XFER_PID
	xfer_await_line "$d/werr" 'stops before its first semop' "$wpid"
	pid=$(xfer_field "$d/werr" 'pid ([0-9]+) stops')
	semid=$(xfer_field "$d/werr" 'semaphore set key 0x[0-9a-f]{8} id ([0-9]+)')
	# The writer is stopped (state T) right after semctl(SETALL).
	read -r _ _ state _ </proc/"$pid"/stat
	assert_equal "$state" T
	run ipcs -s -i "$semid"
	assert_output --partial "otime = Not set"
	assert_line --regexp '^0 +0 +'
	assert_line --regexp '^1 +0 +'

	xfer_start reader /dev/null "$d/out" "$d/rerr" -v
	rpid=$XFER_PID
	xfer_await_line "$d/rerr" 'sem_otime == 0: waiting' "$rpid"
	# It waits: still running, no data yet, and it has not touched the set.
	alive "$rpid" || fail "the reader gave up: $(cat "$d/rerr")"
	[ ! -s "$d/out" ] || fail "the reader wrote data before initialisation"
	run ipcs -s -i "$semid"
	assert_output --partial "otime = Not set"

	kill -CONT "$pid"
	xfer_finish "$wpid" "the writer"
	assert_equal "$XFER_RC" 0
	xfer_finish "$rpid" "the reader"
	assert_equal "$XFER_RC" 0
	cmp "$d/in" "$d/out"
	grep -q 'sem_otime != 0: the set is initialised' "$d/rerr"
}

# bats test_tags=points:2,exercise:13-1
@test "init race: a creator that dies inside the window makes the late-comer give up, bounded" {
	local d=$BATS_TEST_TMPDIR wpid rpid pid semid t0 ms
	xfer_start writer /dev/null /dev/null "$d/werr" -v --stop-in-init
	wpid=$XFER_PID
	xfer_await_line "$d/werr" 'stops before its first semop' "$wpid"
	pid=$(xfer_field "$d/werr" 'pid ([0-9]+) stops')
	semid=$(xfer_field "$d/werr" 'semaphore set key 0x[0-9a-f]{8} id ([0-9]+)')
	xfer_start reader /dev/null "$d/out" "$d/rerr" -v
	rpid=$XFER_PID
	xfer_await_line "$d/rerr" 'sem_otime == 0: waiting' "$rpid"
	t0=${EPOCHREALTIME/[.,]/}
	kill -KILL "$pid"
	xfer_finish "$wpid" "the writer"
	assert_equal "$XFER_RC" 137
	xfer_finish "$rpid" "the reader"
	ms=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
	assert_equal "$XFER_RC" 1
	grep -q "was never initialised (sem_otime still 0 after 2000 ms)" "$d/rerr" ||
		fail "reader stderr: $(cat "$d/rerr")"
	((ms < 5000)) || fail "the reader took ${ms} ms to give up"
	# The dead creator's half-made set is still there (nobody may safely
	# remove it); `make clean-ipc` finds it by its 0x53 key.
	run "$ROOT/scripts/clean-ipc" --list
	assert_output --partial "sysv s id $semid:"
	ipcrm -s "$semid"
}

@test "semdemo naive-init: the late-comer's V() before SETALL is lost" {
	run prog semdemo naive-init
	assert_success
	assert_line --index 2 --partial "late-comer: V(CAN_READ)"
	assert_line --index 2 --partial "sem_otime was still 0"
	assert_line --index 3 --partial "already posted) now SETALL"
	assert_output --partial "result: CAN_READ = 0 after one V(): the post was LOST"
}

# bats test_tags=points:2,exercise:13-1
@test "semdemo safe-init: the late-comer waits for sem_otime, its V() survives" {
	run prog semdemo safe-init
	assert_success
	assert_line --index 2 "late-comer: sem_otime == 0: not initialised yet, waiting"
	assert_line --index 3 --partial "not posted: it waits) now SETALL"
	assert_line --index 4 --partial "sem_otime was set"
	assert_output --partial "result: CAN_READ = 1 after one V(): the post survived"
}

@test "semdemo undo: SEM_UNDO withdraws a V() and gives back a P() at exit" {
	run prog semdemo undo
	assert_success
	assert_line --regexp '^writer P\(CAN_WRITE\) V\(CAN_READ\), exits: +CAN_READ = 1, CAN_WRITE = 0$'
	assert_line --regexp '^reader P\(CAN_READ\) V\(CAN_WRITE\), exits: +CAN_READ = 0, CAN_WRITE = 1$'
	assert_line --regexp 'V\(CAN_READ\) with SEM_UNDO, exits: +CAN_READ = 0, CAN_WRITE = 0  <- sum != 1'
	assert_line --regexp 'P\(CAN_READ\) with SEM_UNDO \.\.\., exits: +CAN_READ = 1, CAN_WRITE = 1  <- sum != 1'
}

@test "semdemo: no argument or an unknown demo is a usage error" {
	run prog semdemo
	assert_usage
	run prog semdemo frobnicate
	assert_usage
	run prog semdemo undo extra
	assert_usage
}
