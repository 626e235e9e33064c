/*
 * svshm_rm.c - Lab 9: shmctl(IPC_RMID) on the persistent segment, and
 * what became of it: destroyed at once, or only marked for destruction.
 *
 *   $ svshm_rm                         (nobody attached)
 *   removed shmid 32783 (key 0x534a7f83)
 *   nobody was attached: it is gone
 *   $ svshm_rm                         (while svshm_hold is attached)
 *   removed shmid 32784 (key 0x534a7f83)
 *   still attached: nattch 1 (attaches, not processes); it lives on as key 0x00000000, status dest, until the last shmdt
 *
 * IPC_RMID needs the owner, the creator or CAP_SYS_ADMIN (else EPERM).
 * shm_nattch is the "No. of current attaches" (shmctl(2)): one process
 * that attached twice counts 2 (see svshm_rdonly).
 * Man pages: shmctl(2), ipcrm(1).
 */
#include "svshm.h"

#include <errno.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	int id = persist_id();
	CHK(shmctl(id, IPC_RMID, NULL), "shmctl", obj_ctl(id, "IPC_RMID"));
	printf("removed shmid %d (key 0x%08x)\n", id, (unsigned)persist_key());

	/* IPC_STAT tells the two outcomes apart: EINVAL means destroyed at
	 * once (nobody attached); success means it lives on, SHM_DEST set. */
	struct shmid_ds ds;
	if (shmctl(id, IPC_STAT, &ds) == -1) {
		if (errno != EINVAL)
			die("shmctl", obj_ctl(id, "IPC_STAT"));
		printf("nobody was attached: it is gone\n");
		return 0;
	}
	printf("still attached: nattch %lu (attaches, not processes); it lives on as key 0x%08x, status %s, until the last shmdt\n",
	       (unsigned long)ds.shm_nattch, (unsigned)ds.shm_perm.__key,
	       status_str(ds.shm_perm.mode));
	return 0;
}
