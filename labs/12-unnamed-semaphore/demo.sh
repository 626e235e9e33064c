#!/usr/bin/env bash
# Lab 12 demo: the lab 11 transfer again, but the two semaphores are
# unnamed (sem_init, pshared = 1) and live inside the one shared memory
# object.  Run with `make lab-12`.  Every wait below is for an event (a
# FIFO delivering a line, a process exiting or stopping), never a sleep.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 12-unnamed-semaphore)
P=$SHMLABS_PREFIX
T=$TMPDIR
trap 'rm -f "$T/in" "$T/out" "$T/copy"' EXIT

# stopped PID: the kernel reports PID as stopped (state T in /proc/PID/stat).
stopped() {
	local s
	read -r _ _ s _ <"/proc/$1/stat" && [ "$s" = T ]
}

# Every transfer below needs 12.1: two sides that start together both build
# an object, and only link(2) lets exactly one of them publish it.
exercise_done 12.1 "a file copied through one object that holds its own unnamed semaphores, published with link(2) so two sides starting at once agree on one object" || exit 0

step "Copy a real (binary) file: the writer program itself"
say "The reader starts in the background, the writer right after it; -v makes" \
	"both narrate on stderr.  Whoever finds no published object builds one" \
	"privately, runs sem_init(pshared = 1) on the two semaphores inside it and" \
	"publishes it with link(2); the other side opens the published object."
copy_self
say "cmp is silent: $(stat -c %s "$T/copy") bytes arrived unchanged."
rm -f "$T/copy"

step "One object holds everything: no sem.* files this time"
say "The writer reads from a FIFO that the demo holds open, so the transfer" \
	"stays in the middle while we look (lab 11 showed four files here: the object and three sem.*)."
held
say "the reader printed: $line"
cmd "ls -l /dev/shm | grep $P"
ls -l /dev/shm | grep -F -- "$P"
say "" "4184 bytes: a magic number, two pids, two 32-byte sem_t, a length and" \
	"4096 data bytes.  A sem_t is just memory: here it is memory that both" \
	"processes map, so a sem_post in one wakes a sem_wait in the other."
exec {in}>&-
wait "$wpid" "$rpid"
exec {out}<&-
rm -f "$T/in" "$T/out"
cmd "ls /dev/shm | grep $P"
ls /dev/shm | grep -F -- "$P" || say "(nothing with our prefix: the writer ran sem_destroy and shm_unlink)"

step "Kill -9 the writer in the middle of a transfer"
say "As in lab 11, every wait gives up after a quarter of a second; then the" \
	"waiter polls a pidfd of its peer (pidfd_open(2) of the pid in the object):" \
	"readable means the process has ended."
held
kill_held writer
rm -f "$T/in" "$T/out"
cmd "ls /dev/shm | grep $P"
ls /dev/shm | grep -F -- "$P" || say "(nothing with our prefix: the reader removed the object)"

step "The init race, slowed down: --stop-in-init"
exercise_done 12.1 "two builders racing to publish, and the loser joining the winner's object" || exit 0
say "sem_init must run exactly once, before anyone uses the semaphores.  So" \
	"an object is only given its real name once it is complete.  Watch two" \
	"builders race: the writer builds, then stops itself (SIGSTOP) just" \
	"before link(2); the reader finds nothing published and builds its own."
cmd "writer -v --stop-in-init < writer &"
"$B/writer" -v --stop-in-init <"$B/writer" &
wpid=$!
# Bounded wait for the stop (the kernel's state, not a sleep).
for _ in $(seq 1000); do stopped "$wpid" && break; sleep 0.01; done
stopped "$wpid" || { echo "demo: the writer did not stop" >&2; exit 1; }
cmd "ls /dev/shm | grep $P"
ls /dev/shm | grep -F -- "$P"
say "(only the writer's private copy: nothing is published yet)"
cmd "reader -v > copy &"
"$B/reader" -v >"$T/copy" &
rpid=$!
# Bounded wait until the reader's object is published and its private
# name gone: then /dev/shm holds exactly two of our entries.
published() {
	[ -e "/dev/shm/$P-xfer-shm" ] && [ "$(ls /dev/shm | grep -c -F -- "$P")" = 2 ]
}
for _ in $(seq 1000); do published && break; sleep 0.01; done
cmd "ls /dev/shm | grep $P"
ls /dev/shm | grep -F -- "$P"
say "(the reader published first; its copy is now /$P-xfer-shm)"
cmd "kill -CONT $wpid"
kill -CONT "$wpid"
wait "$wpid" "$rpid"
show cmp "$B/writer" "$T/copy"
say "The writer's link(2) failed with EEXIST: it destroyed its semaphores," \
	"removed its copy and joined the reader's object.  rename(2) instead of" \
	"link(2) would have replaced the reader's object without a word, leaving" \
	"each side alone with its own semaphores (exercise 12.1)."
rm -f "$T/copy"

