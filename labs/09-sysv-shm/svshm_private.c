/*
 * svshm_private.c - Lab 9: IPC_PRIVATE is not "private".  It means "no
 * key: always a new segment".  Anybody who learns the id (and has
 * permission) can attach; usually the id reaches a child through fork(2),
 * which inherits the attachment anyway.  IPC_CREAT is not needed with it.
 *
 *   $ svshm_private
 *   shmget(IPC_PRIVATE, 100, 0600) -> shmid 163865, key 0x00000000
 *   shmget(IPC_PRIVATE, 100, 0600) -> shmid 163866, key 0x00000000
 *   two calls, two different segments: yes
 *     /proc/sysvipc/shm: key=0x00000000 shmid=163865 perms=600 size=100 cpid=21620 lpid=0 nattch=0 uid=0 rss=0 swap=0
 *     /proc/sysvipc/shm: key=0x00000000 shmid=163866 perms=600 size=100 cpid=21620 lpid=0 nattch=0 uid=0 rss=0 swap=0
 *   removed both
 *
 * Man pages: shmget(2), svipc(7), proc(5) (/proc/sysvipc/shm).
 */
#include "svshm.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	int h1, h2;
	int a = seg_create(IPC_PRIVATE, SMALL, &h1);
	int b = seg_create(IPC_PRIVATE, SMALL, &h2);
	struct shmid_ds da, db;

	seg_stat(a, &da);
	seg_stat(b, &db);
	printf("shmget(IPC_PRIVATE, %d, 0600) -> shmid %d, key 0x%08x\n", SMALL,
	       a, (unsigned)da.shm_perm.__key);
	printf("shmget(IPC_PRIVATE, %d, 0600) -> shmid %d, key 0x%08x\n", SMALL,
	       b, (unsigned)db.shm_perm.__key);
	printf("two calls, two different segments: %s\n",
	       a != b ? "yes" : "NO");
	print_proc_row(a);
	print_proc_row(b);
	seg_remove(a, h1);
	seg_remove(b, h2);
	printf("removed both\n");
	return 0;
}
