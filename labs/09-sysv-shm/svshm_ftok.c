/*
 * svshm_ftok.c - Lab 9: the key ftok(3) makes from a file, taken apart.
 * A key is only a number two programs agree on; ftok derives it from an
 * existing file's identity (device and inode) and a one-byte proj_id.
 *
 *   $ svshm_ftok /tmp/keyfile
 *   file /tmp/keyfile: st_dev 0xfe00, st_ino 10955153 (0xa72991)
 *   ftok(path, 'S') = 0x53002991
 *     rebuilt from stat(2): 0x53002991 (matches)
 *     weakness: every file on a device whose low byte is 0x00 and whose inode ends in 0x2991 gets this key
 *   shmget(0x53002991, 100, IPC_CREAT|IPC_EXCL|0600) -> shmid 32774
 *     /proc/sysvipc/shm: key=0x53002991 shmid=32774 perms=600 size=100 cpid=16111 lpid=0 nattch=0 uid=0 rss=0 swap=0
 *   removed shmid 32774
 *
 * Without PATH it makes (and removes) a new file in $TMPDIR.  proj_id is
 * 'S' (0x53): ipc_key() in common/ puts 0x53 in the top byte of every key
 * of this suite, and `make clean-ipc` finds leftovers by that byte, so an
 * ftok segment is found too.  Any other proj_id would hide it.
 * Man pages: ftok(3), stat(2), shmget(2).
 */
#include "svshm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] = "[PATH]   (default: a new file in $TMPDIR)";

static const char *make_keyfile(int *handle);

/* The key ftok(3) would make for a file with status ST and PROJ; -1 while
 * exercise 9.1 is not done. */
static long rebuild_key(const struct stat *st, int proj)
{
	/* BEGIN EXERCISE 9.1: Return the key glibc's ftok() computes for a
	 * file whose stat(2) result is ST, with proj_id PROJ (main() then
	 * compares it with the real ftok).  Hint: the NOTES of ftok(3) say
	 * which bits of the inode number, of the device number and of
	 * proj_id survive, and where each lands in the 32-bit key. */
	unsigned long key = ((unsigned long)proj & 0xffu) << 24 |
			    ((unsigned long)st->st_dev & 0xffu) << 16 |
			    ((unsigned long)st->st_ino & 0xffffu);
	return (long)key;
	/* STUB
	(void)st;
	(void)proj;
	return -1;
	*/
	/* END EXERCISE */
}

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	if (argc > 2)
		usage_error(usage, "one PATH at most");

	const char *path = argv[1];
	int path_h = -1;
	if (path && !*path) /* ftok("") would report ENOENT about "" */
		fail("ftok: the PATH is an empty string: name an existing file");
	if (!path)
		path = make_keyfile(&path_h);

	/* ftok fails exactly when stat(2) does: it needs only the inode, so
	 * a directory, an empty or an unreadable file are all fine. */
	key_t key = CHK(ftok(path, 'S'), "ftok", path);
	struct stat st;
	CHK(stat(path, &st), "stat", path);
	printf("file %s: st_dev 0x%llx, st_ino %llu (0x%llx)\n", path,
	       (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
	       (unsigned long long)st.st_ino);
	printf("ftok(path, 'S') = 0x%08x\n", (unsigned)key);

	long built = rebuild_key(&st, 'S');
	if (built < 0)
		printf("  rebuilt from stat(2): (exercise 9.1 is not done yet)\n");
	else
		printf("  rebuilt from stat(2): 0x%08lx (%s)\n", built,
		       built == (long)(unsigned)key ? "matches"
						    : "DIFFERS from ftok");
	printf("  weakness: every file on a device whose low byte is 0x%02x and whose inode ends in 0x%04x gets this key\n",
	       ((unsigned)key >> 16) & 0xffu, (unsigned)key & 0xffffu);

	/* IPC_EXCL turns a silent collision into a visible error. */
	int id = shmget(key, SMALL, IPC_CREAT | IPC_EXCL | 0600);
	if (id == -1 && errno == EEXIST)
		fail("key 0x%08x is already in use: another file with the same 24 bits (ftok's weakness) or a leftover (make clean-ipc)",
		     (unsigned)key);
	if (id == -1)
		die("shmget", obj_key(key));
	int seg_h = cleanup_add(CL_SYSV_SHM, NULL, id);
	printf("shmget(0x%08x, %d, IPC_CREAT|IPC_EXCL|0600) -> shmid %d\n",
	       (unsigned)key, SMALL, id);
	print_proc_row(id);
	seg_remove(id, seg_h);
	printf("removed shmid %d\n", id);
	if (path_h >= 0) {
		CHK(unlink(path), "unlink", path);
		cleanup_done(path_h);
	}
	return 0;
}

/* A fresh empty file in $TMPDIR, removed at exit (and on Ctrl-C). */
static const char *make_keyfile(int *handle)
{
	static char tmpl[4096];
	const char *dir = getenv("TMPDIR");

	snprintf(tmpl, sizeof(tmpl), "%s/sysv-ftok.XXXXXX",
		 dir && *dir ? dir : "/tmp");
	int fd = CHK(mkstemp(tmpl), "mkstemp", tmpl);
	*handle = cleanup_add(CL_PATH, tmpl, -1);
	CHK(close(fd), "close", tmpl);
	return tmpl;
}
