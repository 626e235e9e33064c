/*
 * svshm_hold.c - Lab 9: stay attached to the persistent segment until EOF
 * on stdin, so that another terminal (or a test) can look at it, remove
 * it, and watch a removed segment live on while someone is attached.
 *
 *   $ svshm_hold                       # terminal 1
 *   hold: attached shmid 32783 at 0x7f5368f3a000 (pid 16136); detaching at EOF on stdin
 *                                      # terminal 2: svshm_rm; ipcs -m
 *   ^D
 *   hold: EOF; key now 0x00000000, status dest, nattch 1
 *   hold: the segment still reads: hello
 *   hold: detached
 *
 * Man pages: shmat(2), shmdt(2), shmctl(2).
 */
#include "svshm.h"

#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	int id = persist_id();
	const char *p = shmat(id, NULL, SHM_RDONLY);
	if (p == (void *)-1)
		die("shmat", obj_id(id));
	printf("hold: attached shmid %d at %p (pid %ld); detaching at EOF on stdin\n",
	       id, (const void *)p, (long)getpid());

	char buf[256];
	while (CHK(read(0, buf, sizeof(buf)), "read", "stdin") > 0)
		continue;

	/* Still attached: after IPC_RMID the id still works for us. */
	struct shmid_ds ds;
	seg_stat(id, &ds);
	printf("hold: EOF; key now 0x%08x, status %s, nattch %lu\n",
	       (unsigned)ds.shm_perm.__key, status_str(ds.shm_perm.mode),
	       (unsigned long)ds.shm_nattch);
	printf("hold: the segment still reads: %.*s", (int)ds.shm_segsz, p);
	if (ds.shm_segsz == 0 || p[ds.shm_segsz - 1] != '\n')
		printf("\n");
	CHK(shmdt(p), "shmdt", obj_id(id));
	printf("hold: detached\n");
	return 0;
}
