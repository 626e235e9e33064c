#!/usr/bin/env bash
# Lab 10 demo: POSIX shared memory, step by step.  Run with `make lab-10`.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 10-posix-shm)
FILE=/dev/shm/$SHMLABS_PREFIX-persist

# Whatever happens (an error, Ctrl-C, a missing exercise): unlink the
# persistent object.
trap '"$B/pshm_unlink" >/dev/null 2>&1 || true' EXIT

step "Names: what shm_open accepts"
say "POSIX promises portability only for '/name' (one leading slash, no other)." \
	"Watch what glibc does with the other forms."
show "$B/pshm_names"

step "O_CREAT|O_EXCL, a missing name, and the umask"
show "$B/pshm_excl"

step "Forgetting ftruncate: SIGBUS"
show "$B/pshm_nosize"

step "shm_unlink while mapped"
say "shm_unlink removes the name, like unlink(2): whoever has the object" \
	"mapped keeps using it ('(deleted)' in /proc/self/maps), and the same" \
	"name then makes a new, different object (another inode)."
show "$B/pshm_unlink_mapped"

step "Persistence: the creator exits, the object stays"
say "pshm_create makes the object, sizes it with ftruncate, writes through a" \
	"mapping and exits without shm_unlink."
show "$B/pshm_create" persistent-hello
say "" "It is a file in the tmpfs mounted on /dev/shm:"
show ls -l "$FILE"
show cat "$FILE"
show "$B/pshm_info"

step "A new process opens it by name, learns the size with fstat, maps it"
exercise_done 10.1 "pshm_read finding the object's size and printing its bytes" || exit 0
show "$B/pshm_read"
show "$B/pshm_unlink"
show ls "$FILE" || say "(gone: shm_unlink removed the file)"
