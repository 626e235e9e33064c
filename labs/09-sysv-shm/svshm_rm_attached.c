/*
 * svshm_rm_attached.c - Lab 9: IPC_RMID while attached.  It only marks
 * the segment for destruction (SHM_DEST, "dest" in ipcs).  From then on
 * its key is 0 (IPC_PRIVATE): shmget can no longer find it, and the key
 * is free for a new segment.  The memory stays valid for those attached,
 * and goes away at the last shmdt (or exit).
 *
 *   $ svshm_rm_attached
 *   before: shmid 163871 key 0x53871ec1 mode 0600 status - nattch 1
 *     /proc/sysvipc/shm: key=0x53871ec1 shmid=163871 perms=600 size=100 ... nattch=1 uid=0 rss=4096 swap=0
 *   after IPC_RMID: shmid 163871 key 0x00000000 mode 0600 status dest nattch 1
 *     /proc/sysvipc/shm: key=0x00000000 shmid=163871 perms=1600 size=100 ... nattch=1 uid=0 rss=4096 swap=0
 *   still readable: "written before IPC_RMID"
 *   still writable: "written after IPC_RMID"
 *     shmget(old key, 0, 0)                          -> ENOENT (No such file or directory), as expected
 *     shmget(old key, 100, IPC_CREAT|IPC_EXCL)       -> shmid 163872: a new segment
 *   shmat by id after IPC_RMID (Linux only): same bytes, nattch 2
 *     shmctl(IPC_STAT) after the last shmdt          -> EINVAL (Invalid argument), as expected
 *   the segment is gone
 *
 * perms 1600 in /proc/sysvipc/shm: SHM_DEST is bit 01000 of the mode.
 * Man pages: shmctl(2), shmat(2), proc(5) (/proc/sysvipc/shm).
 */
#include "svshm.h"

#include <stdio.h>
#include <string.h>

static void state(const char *when, int id);

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	key_t key = ipc_key("rmid");
	int h, id = seg_create(key, SMALL, &h);
	char *p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		die("shmat", obj_id(id));
	strcpy(p, "written before IPC_RMID");
	state("before", id);

	seg_remove(id, h); /* IPC_RMID; the registry can forget it */
	state("after IPC_RMID", id);
	printf("still readable: \"%s\"\n", p);
	strcpy(p, "written after IPC_RMID");
	printf("still writable: \"%s\"\n", p);

	expect_errno(shmget(key, 0, 0) == -1, ENOENT, "shmget(old key, 0, 0)");
	int h2, id2 = seg_create(key, SMALL, &h2);
	printf("  %-46s -> shmid %d: a new segment\n",
	       "shmget(old key, 100, IPC_CREAT|IPC_EXCL)", id2);
	seg_remove(id2, h2);

	/* Linux only: attaching a "dest" segment by id still works (other
	 * systems refuse).  Portable code must not rely on it. */
	const char *p2 = shmat(id, NULL, SHM_RDONLY);
	if (p2 == (void *)-1)
		die("shmat", obj_id(id));
	struct shmid_ds ds;
	seg_stat(id, &ds);
	printf("shmat by id after IPC_RMID (Linux only): %s, nattch %lu\n",
	       strcmp(p2, p) == 0 ? "same bytes" : "DIFFERENT",
	       (unsigned long)ds.shm_nattch);
	CHK(shmdt(p2), "shmdt", obj_id(id));
	CHK(shmdt(p), "shmdt", obj_id(id));
	expect_errno(shmctl(id, IPC_STAT, &ds) == -1, EINVAL,
		     "shmctl(IPC_STAT) after the last shmdt");
	printf("the segment is gone\n");
	return 0;
}

/* Key, mode, status and nattch, then the /proc/sysvipc/shm row. */
static void state(const char *when, int id)
{
	struct shmid_ds ds;

	seg_stat(id, &ds);
	printf("%s: shmid %d key 0x%08x mode %04o status %s nattch %lu\n", when,
	       id, (unsigned)ds.shm_perm.__key, ds.shm_perm.mode & 0777u,
	       status_str(ds.shm_perm.mode), (unsigned long)ds.shm_nattch);
	print_proc_row(id);
}
