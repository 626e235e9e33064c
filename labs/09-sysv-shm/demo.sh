#!/usr/bin/env bash
# Lab 9 demo: System V shared memory, step by step.  Run with `make lab-9`.
. "$SHMLABS_ROOT/scripts/demo-lib.bash"
B=$(labbin 09-sysv-shm)
keyfile=$TMPDIR/keyfile
hold_pid=

# Whatever happens (an error, Ctrl-C), leave nothing behind: release the
# holder, remove the persistent segment if it is still there, delete the
# ftok file.
finish() {
	[ -n "${hold_in:-}" ] && exec {hold_in}>&- 2>/dev/null
	[ -n "$hold_pid" ] && wait "$hold_pid" 2>/dev/null
	"$B/svshm_rm" >/dev/null 2>&1 || true
	rm -f "$keyfile" "$TMPDIR/other" "$TMPDIR/hold.in" "$TMPDIR/hold.out"
}
trap finish EXIT

# The ipcs -m header and the row of one segment (by shmid: after IPC_RMID
# the key becomes 0, so the key is no good for finding it).
ipcs_id() {
	printf '$ ipcs -m | (header and shmid %s)\n' "$1"
	ipcs -m | awk -v id="$1" 'NR == 3 || $2 == id'
}

step "IPC_PRIVATE: no key, a new segment on every call"
say "IPC_PRIVATE does not mean 'private' - any process that knows the id and" \
	"has permission may attach.  It means: no key, always a new segment."
show "$B/svshm_private"

step "IPC_CREAT|IPC_EXCL, a missing key, a size too large"
show "$B/svshm_excl"

step "100 bytes asked, one page used"
say "shm_segsz keeps 100; the mapping and the resident memory (rss) are a page." \
	"Note the path of the mapping: /SYSV<key> in the kernel's shm file system," \
	"with the shmid as its inode number."
show "$B/svshm_size"

step "shmat(NULL) and an explicit address"
show "$B/svshm_addr"

step "SHM_RDONLY: a write through it is SIGSEGV; two attaches, nattch 2"
say "One process attaches twice: nattch counts attaches, not processes."
show "$B/svshm_rdonly"

step "IPC_STAT while two processes attach and detach"
show "$B/svshm_nattch"

step "IPC_RMID while attached"
show "$B/svshm_rm_attached"

step "Kernel persistence: the creator exits, the segment stays"
show "$B/svshm_create" persistent-hello
id=$("$B/svshm_info" | awk '$1 == "id" {print $2}')
ipcs_id "$id"
say "" "/proc/sysvipc/shm is where ipcs gets this (key in decimal):"
printf '$ cat /proc/sysvipc/shm | (header and shmid %s)\n' "$id"
awk -v id="$id" 'NR == 1 || $2 == id' /proc/sysvipc/shm
say "" "A new process finds it by key and reads the bytes:"
show "$B/svshm_read"
show "$B/svshm_info"

step "Remove it while another process is attached"
say "svshm_hold attaches and waits for EOF on its stdin."
mkfifo "$TMPDIR/hold.in" "$TMPDIR/hold.out"
"$B/svshm_hold" <"$TMPDIR/hold.in" >"$TMPDIR/hold.out" 2>&1 &
hold_pid=$!
exec {hold_in}<>"$TMPDIR/hold.in" {hold_out}<>"$TMPDIR/hold.out"
read -t 10 -r line <&"$hold_out"
# hold has opened both FIFOs (it wrote a line): the names can go now.
rm -f "$TMPDIR/hold.in" "$TMPDIR/hold.out"
printf '%s\n' "$line"
show "$B/svshm_read"
ipcs_id "$id"
show "$B/svshm_rm"
ipcs_id "$id"
say "" "Close hold's stdin: it reads the segment once more and detaches."
exec {hold_in}>&-
hold_in=
for _ in 1 2 3; do
	read -t 10 -r line <&"$hold_out"
	printf '%s\n' "$line"
done
wait "$hold_pid"
hold_pid=
ipcs_id "$id"
say "(no row: the last detach destroyed it)"

step "ftok: a key made from a file's inode"
exercise_done 9.1 "ftok's key rebuilt from stat(2), and why two files can share it" || exit 0
say "ftok(3) packs proj_id, 8 bits of st_dev and 16 bits of st_ino into a key." \
	"We use proj_id 'S' so the key starts with 0x53, like every key of this" \
	"suite, and 'make clean-ipc' can find a leftover."
: >"$keyfile"
show "$B/svshm_ftok" "$keyfile"
say "" "Delete and recreate the file: the key follows the inode, not the path," \
	"so it may change - and a restarted program would miss the old segment."
rm -f "$keyfile"
: >"$TMPDIR/other" # take the old inode number, if the file system reuses it
: >"$keyfile"
rm -f "$TMPDIR/other"
show "$B/svshm_ftok" "$keyfile"
rm -f "$keyfile"

step "IPC_SET: change the mode"
exercise_done 9.2 "shmctl(IPC_SET) turning mode 0600 into 0640, as ipcs -m shows" || exit 0
show "$B/svshm_create" mode-test
id=$("$B/svshm_info" | awk '$1 == "id" {print $2}')
show "$B/svshm_chmod" 640
ipcs_id "$id"
show "$B/svshm_rm"
