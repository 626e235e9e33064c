/*
 * svshm_excl.c - Lab 9: the flags of shmget(2) and the errors they give.
 * A named key behaves like O_CREAT|O_EXCL for files.
 *
 *   $ svshm_excl
 *   shmget(0x536c15d3, 100, IPC_CREAT|IPC_EXCL|0600) -> shmid 163867 (created)
 *     shmget(0x536c15d3, 100, IPC_CREAT|IPC_EXCL)    -> EEXIST (File exists), as expected
 *     shmget(key, 100, IPC_CREAT)                    -> shmid 163867: the existing one, silently
 *     shmget(key, 0, 0)                              -> shmid 163867
 *     shmget(key, 8192, 0) on a 100-byte segment     -> EINVAL (Invalid argument), as expected
 *     shmget(0x53aa9373, 100, 0600)                  -> ENOENT (No such file or directory), as expected
 *   removed shmid 163867
 *
 * Man pages: shmget(2), svipc(7).
 */
#include "svshm.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	key_t key = ipc_key("excl"), missing = ipc_key("missing");
	char what[96];
	int h, id = seg_create(key, SMALL, &h);

	printf("shmget(0x%08x, %d, IPC_CREAT|IPC_EXCL|0600) -> shmid %d (created)\n",
	       (unsigned)key, SMALL, id);

	/* The second exclusive create must fail: this is how one of several
	 * cooperating processes learns that it is not the first. */
	snprintf(what, sizeof(what), "shmget(0x%08x, %d, IPC_CREAT|IPC_EXCL)",
		 (unsigned)key, SMALL);
	expect_errno(shmget(key, SMALL, IPC_CREAT | IPC_EXCL | 0600) == -1,
		     EEXIST, what);

	/* Seed bug: 0666|IPC_CREAT alone opens a stale segment silently (guide, lab 9) */
	int again = CHK(shmget(key, SMALL, IPC_CREAT | 0600), "shmget",
			obj_key(key));
	printf("  %-46s -> shmid %d: the existing one, silently\n",
	       "shmget(key, 100, IPC_CREAT)", again);

	/* To look a segment up, pass size 0 and no IPC_CREAT. */
	again = CHK(shmget(key, 0, 0), "shmget", obj_key(key));
	printf("  %-46s -> shmid %d\n", "shmget(key, 0, 0)", again);

	/* Asking for more than the existing segment holds is an error. */
	expect_errno(shmget(key, 8192, 0) == -1, EINVAL,
		     "shmget(key, 8192, 0) on a 100-byte segment");

	/* Without IPC_CREAT a key nobody created is simply not there. */
	snprintf(what, sizeof(what), "shmget(0x%08x, %d, 0600)",
		 (unsigned)missing, SMALL);
	expect_errno(shmget(missing, SMALL, 0600) == -1, ENOENT, what);

	seg_remove(id, h);
	printf("removed shmid %d\n", id);
	return 0;
}
