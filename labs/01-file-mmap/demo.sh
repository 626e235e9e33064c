#!/usr/bin/env bash
# Lab 1 demo: map a file, edit it through a pointer, MAP_SHARED vs MAP_PRIVATE.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 01-file-mmap)
f=$TMPDIR/notes.txt
trap 'rm -f "$f"' EXIT

step "What cannot be mapped"
: >"$f"
say "An empty file: mapping its size (0 bytes) would fail with EINVAL."
show "$B/file_mmap" "$f" 2>&1 || say "(exit status $?)"

exercise_done 1.1 "an edit made through the pointer reaching the file (MAP_SHARED) or staying in the process (MAP_PRIVATE)" || exit 0

step "A small text file"
printf 'hello, mapped world\nline two\n' >"$f"
show cat "$f"

step "MAP_SHARED: the edit made through the pointer reaches the file"
say "file_mmap maps the file, closes the fd at once (the mapping survives:" \
	"fcntl says EBADF, /proc/self/maps still lists it, with 's' = shared)," \
	"uppercases the letters through the pointer, msyncs, unmaps, and reads" \
	"the file back with read(2)."
show "$B/file_mmap" "$f"
show cat "$f"

step "MAP_PRIVATE: the same edit stays inside the process"
printf 'hello again, private world\n' >"$f"
say "The mapping itself changes (see 'mapping now'), the file does not." \
	"Note the 'p' in the maps line and that O_RDONLY was enough."
show "$B/file_mmap" --private "$f"
show cat "$f"
