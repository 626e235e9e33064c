#!/usr/bin/env bash
# Lab 16 demo: measure the seeds' claim that shared memory is the fastest
# IPC "because it copies twice where a pipe copies four times", and see
# what this machine says.  Run with `make lab-16` (about a minute).
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 16-ipc-speed)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/shmlabs-lab16.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

step "The claim"
say "The seeds: shared memory is the most efficient IPC because a pipe or a" \
	"message queue copies the data four times between kernel and user space," \
	"shared memory only twice.  This lab measures instead of counting.  The" \
	"figures below are THIS machine's; another machine gives others."
grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/^/  /'

step "The seeds' own scenario: file -> IPC -> file"
say "relay copies a 128 MiB file to another through a second process:" \
	"through a pipe (read, write, read, write: 4 copies per byte) and through" \
	"shared memory (read into the slot, write from it: 2).  cmp checks both."
head -c 128M /dev/urandom >"$tmp/in"
for m in pipe shm; do
	show "$B/relay" -m "$m" "$tmp/in" "$tmp/out"
	cmp "$tmp/in" "$tmp/out" && say "  cmp: identical"
done
say "copies/B is the program's own count (true by construction); the time," \
	"the CPU split and the sleeps are measured.  Compare the sys times: both" \
	"spend most of their CPU in the kernel, in read(2) and write(2)."

step "The check is real"
say "ipc_speed moves a payload from a process to its child by every method and" \
	"checks every byte (stamps and a checksum).  --flip damages one byte as it" \
	"arrives: the run must fail (exit 1)."
if show "$B/ipc_speed" -m ring -s 16M -r 1 -l 0 --flip 123456; then
	say "it did not fail: the check is broken"
	exit 1
fi

exercise_done 16.1 "pipe-big, the pipe enlarged to 1 MiB, against the shared-memory ring" || exit 0
exercise_done 16.2 "the zero-copy ring against the copying ring" || exit 0

step "Every method, 256 MiB each in 1 MiB chunks"
say "Read copies/B first: 2.00 for the pipe AND for the copying ring (COUNTED)." \
	"Then the measured columns: GB/s, CPUs (both processes busy: 2.00) and" \
	"sys%, the share of their CPU time spent in the kernel."
show "$B/ipc_speed" -s 256M -l 2000

step "Where the pipe's time goes: measured, not assumed"
say "sys% above comes from getrusage.  strace -c counts the system calls of" \
	"both processes (compare with calls/MiB, the program's own tally):"
if command -v strace >/dev/null; then
	strace -f -c -e trace=read,write "$B/ipc_speed" -m pipe-big -s 64M -r 1 -l 0 \
		2>&1 >/dev/null | sed -n 1,8p # not head: its early exit would SIGPIPE strace
else
	say "(strace is not installed: skipped)"
fi
if perf record -q -e cpu-clock -o "$tmp/perf.data" true >/dev/null 2>&1; then
	say "" "perf samples where the CPUs were (perf record -e cpu-clock):"
	perf record -q -e cpu-clock -o "$tmp/perf.data" -- \
		"$B/ipc_speed" -m pipe-big -s 512M -r 1 -l 0 >/dev/null 2>&1
	perf report -i "$tmp/perf.data" --stdio --sort symbol 2>/dev/null |
		awk '$1 ~ /%$/ && n++ < 12 { printf "  %8s %s %s\n", $1, $2, $3 }' # reads it all: no SIGPIPE
	say "The two copy functions (_copy_from_iter on write, _copy_to_iter on" \
		"read) against the rest: the pipe's locking, its buffers, interrupts."
else
	say "(perf record does not work here: see the guide for what it shows)"
fi

step "The hand-off size decides: a chunk-size sweep"
say "The same methods with chunks from 4 KiB to 4 MiB.  The program names where" \
	"each peaks and where the ring crosses the pipe ON THIS MACHINE."
show "$B/ipc_speed" --sweep -s 64M -r 2

step "Both processes on ONE CPU"
say "taskset -c 0 puts both on CPU 0: producer and consumer now take turns" \
	"(CPUs 1.00), and the methods that sleep for every small hand-off get" \
	"faster: waking a process on the same CPU is a context switch, on another" \
	"CPU an inter-processor interrupt.  The spinner yields after 1000 spins."
if command -v taskset >/dev/null; then
	show taskset -c 0 "$B/ipc_speed" -m pipe,pipe-big,ring,ring-4k,rtt \
		-s 128M -l 2000
else
	say "(taskset is not installed: skipped)"
fi

step "CSV for plotting"
show "$B/ipc_speed" -m memcpy-chunk,pipe-big,ring -s 64M -r 1 -l 0 --csv
say "" "Medians of the ratios over several runs: scripts/bench-ipc"
