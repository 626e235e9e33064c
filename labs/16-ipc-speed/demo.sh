#!/usr/bin/env bash
# Lab 16 demo: measure the seeds' claim that shared memory is the fastest
# IPC "because it copies twice where a pipe copies four times", and see
# what really makes the difference.  Run with `make lab-16` (about 20 s).
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 16-ipc-speed)

# sweep CHUNK: one line of the chunk-size table (pipe-big against the ring)
sweep() {
	"$B/ipc_speed" -m pipe-big,ring -c "$1" -s 128M -r 3 -l 0 --csv |
		awk -F, -v c="$1" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ g[$2] = $col["gb_per_s"]; calls[$2] = $col["calls_per_mib"]
		  sl[$2] = $col["sleeps_per_mib"]; cpus[$2] = $col["cpus"] }
		END { printf "%6s %9.2f %9.2f %8.2fx %11.0f %12.1f %6.2f\n", c,
			g["pipe-big"], g["ring"], g["ring"] / g["pipe-big"],
			calls["ring"], sl["ring"], cpus["ring"] }'
}

step "The claim"
say "The seeds: shared memory is the most efficient IPC because a pipe or a" \
	"message queue copies the data four times between kernel and user space," \
	"shared memory only twice.  ipc_speed moves the same payload from a" \
	"process to its child by every method, checks every byte (stamps and a" \
	"checksum), and counts what each method does: copies, calls, sleeps."

step "Every method, with the defaults (512 MiB each, 1 MiB chunks)"
say "Read copies/B first: 2.00 for the pipe AND for the shared-memory ring." \
	"The ring copies in and copies out, just as write() and read() do." \
	"Yet the ring is several times faster: compare calls/MiB, sleeps/MiB and" \
	"CPUs (the ring's two processes copy at the same time), and remember that" \
	"the pipe's kernel does its work page by page."
show "$B/ipc_speed"

step "The hand-off size decides"
say "The same ring and the same pipe with 4 KiB, 64 KiB and 1 MiB chunks." \
	"At 4 KiB the ring makes four semaphore calls per 4 KiB and sleeps" \
	"often: waking a process on the other CPU costs far more than copying" \
	"4 KiB, and the ring loses to the pipe.  At 1 MiB those costs vanish" \
	"into the copying."
printf '%6s %9s %9s %9s %11s %12s %6s\n' chunk pipe-big ring ring/pipe \
	"calls/MiB" "sleeps/MiB" CPUs
for c in 4K 64K 1M; do sweep "$c"; done

step "The check is real"
say "--flip damages one byte as it arrives.  The run must fail (exit 1)."
if show "$B/ipc_speed" -m ring -s 16M -r 1 -l 0 --flip 123456; then
	say "it did not fail: the check is broken"
	exit 1
fi

step "Both processes on ONE CPU"
say "So far each process had a CPU of its own.  taskset -c 0 puts both on" \
	"CPU 0.  Watch the CPUs column and the ring: producer and consumer now" \
	"take turns instead of copying at the same time, and the ring loses about" \
	"half its speed.  The methods that sleep for every small hand-off get" \
	"FASTER: waking a process on the same CPU is a context switch, waking one" \
	"on another CPU an inter-processor interrupt.  The spinner now only burns" \
	"the time its peer needs (it yields after 1000 spins, so it finishes)." \
	"(--no-pin leaves the placement to the scheduler: try it a few times.)"
if command -v taskset >/dev/null; then
	show taskset -c 0 "$B/ipc_speed" -m pipe,pipe-big,ring,ring-4k,rtt \
		-s 128M -l 2000
else
	say "(taskset is not installed: skipped)"
fi

step "CSV for plotting"
show "$B/ipc_speed" -m memcpy-chunk,pipe-big,ring -s 64M -r 1 -l 0 --csv
say "" "Medians of the ratios over several runs, and the PASS/FAIL of the" \
	"performance target: scripts/bench-ipc"
