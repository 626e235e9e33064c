#!/usr/bin/env bash
# Lab 14 demo: signals as the synchronisation of a shared-memory transfer.
# First the lost wake-up of pause(), forced and caught by an alarm, and its
# fix with sigprocmask + sigsuspend; then the writer/reader pair, the pids
# in the shared memory, a stray signal, and a dead peer.  Every wait below
# is for an event (a line of narration read from a FIFO, a process exit).
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 14-signal-sync)
in_tmpdir

step "The lost wake-up: while (!flag) pause();"
say "The poster's SIGUSR1 is forced (by a pipe handshake, not by timing)" \
	"into the window between the waiter's test and its pause().  The" \
	"handler runs in the window, pause() then waits for a signal that" \
	"never comes; alarm(2) ends it after 1 s and reports it."
show "$B/lost_wakeup" --racy --alarm 1 || say "(exit status $?: caught)"

step "The transfer: the reader starts alone"
say "reader -v > copy   (in the background; its narration is shown with '|')"
bg_reader r1 copy 'my pid [0-9]+ is in slot 1'
obj=$(grab 'created [^ ]+ \((/dev/shm/[^)]+)\)')
say "The object, and its first 12 bytes: pid[writer], pid[reader], full:"
show ls -l "$obj"
show od -An -t d4 -N 12 "$obj"
say "A stray SIGUSR1 from this shell: the reader has no handler for it (the" \
	"default action would kill it), but the signal is blocked and taken by" \
	"sigtimedwait(), which sees it is not from the writer:"
show kill -USR1 "$rpid"
upto 'ignored SIGUSR1'

step "The writer joins: 3000 lines, each hand-off a flag plus a SIGUSR1"
copy_input
say "cmp is silent: byte-identical.  '0 lost wake-ups': every sleep ended" \
	"by the peer's signal.  Sleeps and signals need not be equal in number:" \
	"a signal sent while its receiver was busy stays pending and is taken" \
	"(and found stale) at its next wait - the flag, not the signal, is the" \
	"truth."

step "A dead peer is noticed"
bg_reader r2 /dev/null 'my pid [0-9]+ is in slot 1'
say "kill -KILL the waiting reader: it cannot clean up, the object stays:"
kill_reader
show ls -l "$obj"
say "A writer joins and hands over a chunk: the doorbell, sent through a pidfd" \
	"of the reader (pidfd_send_signal(2)), fails with ESRCH, and it removes" \
	"the object.  (A writer already asleep would find the pidfd readable -" \
	"the process has ended - after its quarter-second sigtimedwait.)"
show "$B/writer" <input || say "(writer exit status $?)"
show ls "$obj" 2>&1 || true

step "The fix: block SIGUSR1, test, then sigsuspend()"
exercise_done 14.1 "the same forced window with SIGUSR1 blocked: the signal waits, pending, and sigsuspend() takes it at once" || exit 0
say "Same window.  This time the signal stays PENDING (blocked), and" \
	"sigsuspend() unblocks and sleeps in one step: it returns at once."
show "$B/lost_wakeup"

step "Many round trips, each wait bounded by the alarm"
show "$B/lost_wakeup" --rounds 100000
say "(--racy --rounds usually loses nothing either: the window is a few" \
	"instructions wide.  That is why this bug survives testing.)"
