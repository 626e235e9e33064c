#!/usr/bin/env bash
# Lab 10 demo: POSIX shared memory, step by step.  Run with `make lab-10`.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 10-posix-shm)
P=$B/posix_shm
FILE=/dev/shm/$SHMLABS_PREFIX-persist

# Whatever happens (an error, Ctrl-C): unlink the persistent object.
trap '"$P" remove >/dev/null 2>&1 || true' EXIT

step "Names: what shm_open accepts"
say "POSIX promises portability only for '/name' (one leading slash, no other)." \
	"Watch what glibc does with the other forms."
show "$P" names

step "O_CREAT|O_EXCL, a missing name, and the umask"
show "$P" excl

step "Forgetting ftruncate: SIGBUS"
show "$P" nosize

step "Persistence: the creator exits, the object stays"
say "create makes the object, sizes it with ftruncate, writes through a" \
	"mapping and exits without shm_unlink."
show "$P" create persistent-hello
say "" "It is a file in the tmpfs mounted on /dev/shm:"
show ls -l "$FILE"
show cat "$FILE"
say "" "A new process opens it by name, learns the size with fstat, maps it:"
show "$P" read
show "$P" info
show "$P" remove
show ls "$FILE" || say "(gone: shm_unlink removed the file)"

step "shm_unlink while mapped"
say "shm_unlink removes the name, like unlink(2): whoever has the object" \
	"mapped keeps using it ('(deleted)' in /proc/self/maps), and the same" \
	"name then makes a new, different object (another inode)."
show "$P" unlink
