#!/usr/bin/env bash
# Lab 11 demo: a writer and a reader copy a file through POSIX shared
# memory, handing the buffer back and forth with two named semaphores.
# Run with `make lab-11`.  Every wait below is for an event (a FIFO
# delivering a line, a process stopping or exiting), never a sleep.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 11-named-semaphore)
P=$SHMLABS_PREFIX
T=$TMPDIR
trap 'rm -f "$T/in" "$T/out" "$T/copy" "$T/err" "$T/rerr"' EXIT

step "Copy a real (binary) file: the writer program itself"
say "The reader starts in the background, the writer right after it; -v makes" \
	"both narrate on stderr.  Whoever wins shm_open(O_CREAT|O_EXCL) creates" \
	"the objects; the other waits at the 'ready' semaphore, then joins."
copy_self
say "cmp is silent: $(stat -c %s "$T/copy") bytes arrived unchanged, NUL bytes and all."
rm -f "$T/copy"

step "Four files in /dev/shm while a transfer runs"
say "This time the writer reads from a FIFO that the demo holds open, so the" \
	"transfer stays in the middle while we look."
held
say "the reader printed: $line"
cmd "ls -l /dev/shm | grep $P"
ls -l /dev/shm | grep -F -- "$P"
say "" "The shm object holds two pids, a length and 4096 data bytes (4108)." \
	"Each named semaphore is a 32-byte file 'sem.NAME' that both processes" \
	"map: sem_open(\"/$P-xfer-can-read\") is /dev/shm/sem.$P-xfer-can-read." \
	"They are kernel-persistent: without sem_unlink (the seed never calls it)" \
	"they would stay until the next reboot."
exec {in}>&-
wait "$wpid" "$rpid"
exec {out}<&-
rm -f "$T/in" "$T/out"
say "" "End of input: both sides exited, and the writer unlinked every name:"
cmd "ls /dev/shm | grep $P"
ls /dev/shm | grep -F -- "$P" || say "(nothing with our prefix)"

step "The joiner waits at the 'ready' gate"
say "writer --stop-in-init creates the shm object and both semaphores, then" \
	"stops itself (SIGSTOP) before sem_post(ready).  A reader started now" \
	"finds the object (EEXIST) and sleeps in sem_wait(ready): the semaphores" \
	"it needs may not exist yet, and the object may still have 0 bytes."
printf 'through the gate\n' >"$T/in"
"$B/writer" -v --stop-in-init <"$T/in" 2>"$T/err" &
wpid=$!
# Bounded wait for the stop (the kernel's state, not a sleep).
for _ in $(seq 1000); do
	[ "$(cut -d' ' -f3 "/proc/$wpid/stat" 2>/dev/null)" = T ] && break
	sleep 0.01
done
sed 's/^/   | /' "$T/err"
cmd "reader -v > copy &"
"$B/reader" -v >"$T/copy" 2>"$T/rerr" &
rpid=$!
for _ in $(seq 1000); do grep -q 'waiting at' "$T/rerr" && break; sleep 0.01; done
sed 's/^/   | /' "$T/rerr"
say "The reader sleeps at the gate.  Let the writer go on:"
cmd "kill -CONT $wpid"
kill -CONT "$wpid"
wait "$wpid" "$rpid"
sed "s/^/   | /" "$T/err" | tail -n +5
sed 's/^/   | /' "$T/rerr" | tail -n +2
cmd "cat copy"
cat "$T/copy"
rm -f "$T/in" "$T/err" "$T/rerr" "$T/copy"

step "A leftover semaphore is refused, not silently reused"
say "Pretend a killed run left can-write behind with a count of 0.  The seed's" \
	"sem_open(O_CREAT) would open it and IGNORE the initial value 1: both" \
	"sides would wait forever.  Our creator uses O_EXCL:"
cmd "head -c 32 /dev/zero > /dev/shm/sem.$P-xfer-can-write"
head -c 32 /dev/zero >"/dev/shm/sem.$P-xfer-can-write"
show "$B/writer" </dev/null || say "(exit status $?)"
show "$SHMLABS_ROOT/scripts/clean-ipc" "$P"

step "Kill -9 the reader in the middle of a transfer"
exercise_done 11.1 "the writer noticing the dead reader and removing every object" || exit 0
say "A semaphore does not know who will post it.  So every wait gives up after" \
	"a quarter of a second, and the waiter asks with kill(pid, 0) whether its" \
	"peer still exists (both pids are in the shm object)."
held
kill_held reader
cmd "ls /dev/shm | grep $P"
ls /dev/shm | grep -F -- "$P" || say "(nothing with our prefix: the writer removed it all)"
