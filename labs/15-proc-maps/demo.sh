#!/usr/bin/env bash
# Lab 15 demo: /proc/PID/maps read, classified, summed and drawn; then the
# tour, which maps each kind of shared memory and shows the lines it adds.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 15-proc-maps)

step "A process's areas: one line of /proc/self/maps per vm_area_struct"
say "Each row: [vm_start, vm_end), size, rwx + s/p, file offset, device (hex!)," \
	"inode, what kind of area it is, and the path.  The total sums the sizes."
show "$B/proc_maps" --table

step "The same address space as a picture (log2 bars, gaps included)"
say "A few MiB used in 128 TiB: the gaps dwarf the areas.  [vsyscall] sits" \
	"alone in the kernel half, past the non-canonical hole."
show "$B/proc_maps" --map

step "Another process: this demo's own shell (pid $$)"
say "Allowed because it is ours; another user's process gives EACCES."
show "$B/proc_maps" --map "$$"

step "Crafted and old lines: the parser on its own"
cd "$SHMLABS_ROOT/labs/15-proc-maps" || exit 1
say "A 32-bit process from the 2.6 era: 8-digit addresses, a SysV segment," \
	"and anonymous areas whose offset column still showed vm_pgoff."
show "$B/proc_maps" --parse samples/old-i386.maps
say "" "Broken lines are rejected one by one, with the line number and why;" \
	"the good ones still make the table (exit status 1):"
show "$B/proc_maps" --table --parse samples/bad.maps || say "(exit status $?)"

step "The tour: one shared mapping at a time, only the lines that change"
exercise_done 15.1 "each shared mapping labelled sysv-shm, posix-shm, anon-shared or dev-zero" || exit 0
show "$B/maps_tour"
