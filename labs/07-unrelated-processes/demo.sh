#!/usr/bin/env bash
# Lab 7 demo: a writer and a reader that are NOT parent and child exchange
# messages through a file mapped MAP_SHARED.  Run with `make lab-7`.
# Everything is ordered by events (FIFOs, wait), never by sleep.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 07-unrelated-processes)
log=$TMPDIR/messages.log

step "A reader alone never hangs"
say "Nobody creates this log: the reader waits for it (inotify on the directory," \
	"no polling), but only as long as -t allows, then says so and exits 1."
show "$B/reader" -t 1 "$TMPDIR/nobody.log" || say "(reader exit status $?)"

exercise_done 7.1 "a writer and a reader, started separately, exchanging messages through the file" || exit 0
step "Start the reader first: it waits for the file to appear"
say "The reader is started on its own, in the background.  It arms an inotify" \
	"watch on the directory and waits (with a timeout) for messages.log."
narr=$TMPDIR/reader-narration
mkfifo "$narr"
"$B/reader" -v "$log" 2>"$narr" &
rpid=$!
exec 4<"$narr"
IFS= read -r line <&4
say "reader (stderr): $line"

step "Then the writer, a separate program, sends three messages"
say "It builds the file under a temporary name, then renames it to" \
	"messages.log: the reader never sees a half-made file.  Each message is" \
	"a record (sequence number, length, data) published with a release store" \
	"and a futex wake.  The reader prints them as they come (stdout):"
show "$B/writer" -v "$log" "hello from an unrelated process" "second message" "third and last"
wait "$rpid"
say "reader (stderr):"
sed 's/^/  /' <&4
exec 4<&-
rm "$narr"

step "The data stays in the file after both have exited"
say "The header (magic shmlog1, version, header size 64, capacity, writer pid," \
	"published = 4 records) and the first records, as bytes:"
show od -A d -t x1z -N 144 "$log"
say "A reader started now replays every message:"
show "$B/reader" "$log"

exercise_done 7.2 "the reader noticing, within 200 ms, that the writer was killed" || {
	rm "$log"
	exit 0
}
step "A writer that dies does not hang the reader"
say "This writer reads messages from a pipe (a FIFO) that the demo writes to." \
	"After two messages, we kill -9 the writer, as if it crashed.  The reader" \
	"sleeps in FUTEX_WAIT for at most 200 ms at a time; after each period it" \
	"asks flock(2) whether the writer still holds its lock.  The kernel drops" \
	"the lock of a dead process, so the reader notices within one period."
log2=$TMPDIR/crash.log
in=$TMPDIR/writer-input out=$TMPDIR/reader-output
mkfifo "$in" "$out"
"$B/writer" "$log2" <"$in" &
wpid=$!
exec 5>"$in"
printf 'first line\nsecond line\n' >&5
"$B/reader" "$log2" >"$out" &
rpid=$!
exec 6<"$out"
for _ in 1 2; do
	IFS= read -r line <&6
	say "reader printed: $line"
done
show kill -KILL "$wpid"
wait "$wpid" 2>/dev/null || say "(the writer was killed: status $?)"
status=0
wait "$rpid" || status=$?
say "(reader exit status $status)"
exec 5>&- 6<&-
rm "$in" "$out" "$log" "$log2"

step "Try it in two terminals"
say "  terminal 1:  $B/reader -v /tmp/mylog" \
	"  terminal 2:  $B/writer -v /tmp/mylog" \
	"Type lines in terminal 2; each appears in terminal 1 at once.  Ctrl-D ends" \
	"both.  The log stays: run the reader again, then rm /tmp/mylog."
