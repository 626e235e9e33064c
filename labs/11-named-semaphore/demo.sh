#!/usr/bin/env bash
# Lab 11 demo: a writer and a reader copy a file through POSIX shared
# memory, handing the buffer back and forth with two named semaphores.
# Run with `make lab-11`.  Every wait below is for an event (a FIFO
# delivering a line, a process exiting), never a sleep.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 11-named-semaphore)
P=$SHMLABS_PREFIX
T=$TMPDIR
trap 'rm -f "$T/in" "$T/out" "$T/copy"' EXIT
cmd() { printf '$ %s\n' "$*"; } # print a command the demo runs itself

step "Copy a real (binary) file: the writer program itself"
say "The reader starts in the background, the writer right after it; -v makes" \
	"both narrate on stderr.  Whoever wins shm_open(O_CREAT|O_EXCL) creates" \
	"the objects; the other waits on the 'ready' semaphore, then joins."
cmd "reader -v > copy &"
cmd "writer -v < writer"
"$B/reader" -v >"$T/copy" &
rpid=$!
"$B/writer" -v <"$B/writer"
wait "$rpid"
show cmp "$B/writer" "$T/copy"
say "cmp is silent: $(stat -c %s "$T/copy") bytes arrived unchanged, NUL bytes and all."
rm -f "$T/copy"

step "The objects are files in /dev/shm while a transfer runs"
say "This time the writer reads from a FIFO that the demo holds open, so the" \
	"transfer stays in the middle while we look.  The demo sends 'hello' and" \
	"waits until the reader has printed it."
mkfifo "$T/in" "$T/out"
"$B/reader" >"$T/out" &
rpid=$!
"$B/writer" <"$T/in" &
wpid=$!
exec {in}>"$T/in" {out}<"$T/out"
echo hello >&"$in"
read -r line <&"$out"
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
say "" "End of input: both sides exited and unlinked every name:"
cmd "ls /dev/shm | grep $P"
ls /dev/shm | grep -F -- "$P" || say "(nothing with our prefix)"

step "Kill -9 the reader in the middle of a transfer"
say "A semaphore does not know who will post it.  So every wait is a" \
	"sem_clockwait of at most 1 s, after which the waiter checks with" \
	"kill(pid, 0) whether its peer still exists (both pids are in the shm)."
"$B/reader" >"$T/out" &
rpid=$!
"$B/writer" <"$T/in" &
wpid=$!
exec {in}>"$T/in" {out}<"$T/out"
echo hello >&"$in"
read -r line <&"$out"
cmd "kill -9 $rpid   # the reader, after it printed '$line'"
status=0
# (The braces keep bash's own "Killed" job report off the screen.)
{ kill -9 "$rpid" && wait "$rpid"; } 2>/dev/null || status=$?
say "reader: exit status $status (128 + 9: SIGKILL)"
status=0
wait "$wpid" || status=$?
say "writer: exit status $status"
exec {in}>&- {out}<&-
cmd "ls /dev/shm | grep $P"
ls /dev/shm | grep -F -- "$P" || say "(nothing with our prefix: the writer removed it all)"
rm -f "$T/in" "$T/out"

step "A leftover semaphore is refused, not silently reused"
say "Pretend a killed run left can-write behind with a count of 0.  The seed's" \
	"sem_open(O_CREAT) would open it and IGNORE the initial value 1: both" \
	"sides would wait forever.  Our creator uses O_EXCL:"
cmd "head -c 32 /dev/zero > /dev/shm/sem.$P-xfer-can-write"
head -c 32 /dev/zero >"/dev/shm/sem.$P-xfer-can-write"
show "$B/writer" </dev/null || say "(exit status $?)"
show "$SHMLABS_ROOT/scripts/clean-ipc" "$P"
