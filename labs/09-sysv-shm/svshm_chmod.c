/*
 * svshm_chmod.c - Lab 9: shmctl(IPC_SET) changes the persistent segment's
 * permission bits, as chmod(1) does a file's.
 *
 *   $ svshm_chmod 640; ipcs -m
 *   shmid 32783: mode 0600 -> 0640
 *   key        shmid      owner      perms      bytes      nattch     status
 *   0x534a7f83 32783      root       640        6          0
 *
 * IPC_SET copies shm_perm.uid, .gid and the low 9 bits of .mode into the
 * kernel's copy, and updates ctime.  Only the owner, the creator or a
 * process with CAP_SYS_ADMIN may do it (else EPERM): a matter of
 * ownership, not of mode bits.  The umask plays no part (unlike files).
 * Man pages: shmctl(2), svipc(7).
 */
#include "svshm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static const char usage[] = "MODE   (octal permission bits, e.g. 640)";

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	if (argc != 2)
		usage_error(usage, "one MODE expected");

	char *end;
	long val = strtol(argv[1], &end, 8);
	if (!*argv[1] || *end || val < 0 || val > 0777)
		usage_error(usage, "MODE must be octal permission bits, 0-777");
	unsigned mode = (unsigned)val;

	int id = persist_id();
	struct shmid_ds ds;
	seg_stat(id, &ds); /* IPC_SET takes a whole shmid_ds */
	unsigned before = ds.shm_perm.mode & 0777u;

	/* BEGIN EXERCISE 9.2: Give the segment the permission bits MODE with
	 * shmctl(2) IPC_SET.  DS already holds what IPC_STAT said.  Hint:
	 * shmctl(2) says which fields of shm_perm IPC_SET copies in; change
	 * only the permission bits of the mode, keep the rest as it was. */
	ds.shm_perm.mode = (ds.shm_perm.mode & ~0777u) | mode;
	CHK(shmctl(id, IPC_SET, &ds), "shmctl", obj_ctl(id, "IPC_SET"));
	/* STUB
	(void)mode;
	fail("exercise 9.2 is not done yet: the mode is unchanged");
	*/
	/* END EXERCISE */

	/* Read it back.  IPC_STAT needs read permission, and the mode binds
	 * the owner too: after `svshm_chmod 000` (or 200) even the owner gets
	 * EACCES from IPC_STAT and shmat - unless it has CAP_IPC_OWNER, as
	 * root does.  IPC_SET and IPC_RMID still work (ownership, not mode
	 * bits), so the owner can always repair the mode or remove it. */
	if (shmctl(id, IPC_STAT, &ds) == -1) {
		if (errno != EACCES)
			die("shmctl", obj_ctl(id, "IPC_STAT"));
		printf("shmid %d: mode %04o -> ?: IPC_STAT now fails with EACCES, the owner has no read bit either\n",
		       id, before);
		return 0;
	}
	printf("shmid %d: mode %04o -> %04o\n", id, before,
	       ds.shm_perm.mode & 0777u);
	return 0;
}
