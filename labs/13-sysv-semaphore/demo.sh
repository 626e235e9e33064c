#!/usr/bin/env bash
# Lab 13 demo: the transfer through System V shared memory guarded by a set
# of two System V semaphores; the init race and its fix; SEM_UNDO; a dead
# peer.  Every wait below is for an event (a line of narration read from a
# FIFO, a process exit), never for time to pass.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 13-sysv-semaphore)
in_tmpdir

step "The reader starts alone: it creates and initialises the objects"
say "reader -v > copy   (in the background; its -v narration is shown with '|')"
bg_reader r1 copy 'initialised:'
semid=$(grab 'semaphore set key 0x[0-9a-f]+ id ([0-9]+)')
shmid=$(grab 'segment key 0x[0-9a-f]+ id ([0-9]+)')
say "While it waits for a writer: one set of 2 semaphores, sem_otime set by" \
	"the creator's first semop, values CAN_READ 0 and CAN_WRITE 1 ..."
show ipcs -s -i "$semid"
say "... and one segment of 4108 bytes (two pids, a length, 4096 data" \
	"bytes), attached once:"
show ipcs -m -i "$shmid"

step "The writer joins; 3000 lines travel in 4096-byte chunks"
copy_input
say "cmp is silent: the copy is byte-identical.  The writer, the last user," \
	"removed the set and the segment."

step "Why there is no SEM_UNDO in a hand-off"
show "$B/semdemo" undo

step "A dead peer is noticed: the segment's attach count drops"
bg_reader r3 /dev/null 'initialised:'
semkey=$(grab 'semaphore set key (0x[0-9a-f]+)')
shmkey=$(grab 'segment key (0x[0-9a-f]+)')
say "kill -KILL the waiting reader: it cannot clean up, the objects stay" \
	"(kernel persistence).  ipcs rows: key, id, owner, perms, then nsems for" \
	"the set; bytes and nattch (now 0, yet not removed) for the segment:"
kill_reader
keyrows() { # the ipcs rows of this demo's set and segment
	printf '$ ipcs -s | grep %s; ipcs -m | grep %s\n' "$semkey" "$shmkey"
	{ ipcs -s | grep -- "$semkey"; ipcs -m | grep -- "$shmkey"; } ||
		say "(no rows: both are gone)"
}
keyrows
say "A writer joins, hands over one chunk, waits in semtimedop(2) for the" \
	"buffer, times out after a quarter of a second, and reads the segment's" \
	"attach count: 1, only itself, although the reader's pid is in the" \
	"segment.  The kernel detached the reader when it died.  It removes both:"
show "$B/writer" <input || say "(writer exit status $?)"
keyrows

step "The init race, frozen: the creator stops between SETALL and its first semop"
exercise_done 13.1 "a late reader waiting for sem_otime != 0, and semdemo replaying the race with and without that wait" || exit 0
say "writer --stop-in-init raises SIGSTOP right after semctl(SETALL), before its" \
	"first semop."
start w2 "$B/writer" -v --stop-in-init <input
wpid=$LAST
upto 'stops before its first semop'
semid=$(grab 'semaphore set key 0x[0-9a-f]+ id ([0-9]+)')
say "semctl(SETALL) leaves sem_otime alone: 'otime = Not set' says the set" \
	"is not ready, although both values are already 0."
show ipcs -s -i "$semid"
say "A reader started now finds the set, sees sem_otime == 0, and waits:"
W_NARR=$NARR
start r2 "$B/reader" -v >copy
rpid=$LAST
upto 'waiting for the creator'
say "Let the creator go on: it creates the segment and makes its first semop."
show kill -CONT "$wpid"
wait "$wpid" "$rpid"
rest
NARR=$W_NARR
rest
show cmp input copy

step "Why the wait matters: the same race without it and with it (semdemo)"
show "$B/semdemo" naive-init
show "$B/semdemo" safe-init

