/*
 * svshm_read.c - Lab 9: attach the segment svshm_create left behind
 * (read-only) and copy its bytes to stdout.  A later process finds it by
 * KEY: the key is the rendezvous, the id what the calls use.
 *
 *   $ svshm_create hello; svshm_read
 *   created shmid 32783, key 0x534a7f83, 6 bytes, by pid 16123; exiting without IPC_RMID
 *   svshm_read: shmid 32783: 6 bytes, created by pid 16123; nattch while I am attached: 1
 *   hello
 *
 * The data go to stdout untouched (svshm_read | cmp - FILE works), the
 * narration to stderr.  Man pages: shmget(2), shmat(2), shmctl(2).
 */
#include "svshm.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	int id = persist_id();
	const char *p = shmat(id, NULL, SHM_RDONLY);
	if (p == (void *)-1) /* shmat's failure value */
		die("shmat", obj_id(id));

	/* How many bytes?  shm_segsz: the size the creator asked for.  The
	 * mapping itself is whole pages (svshm_size). */
	struct shmid_ds ds;
	seg_stat(id, &ds);
	fprintf(stderr,
		"%s: shmid %d: %zu bytes, created by pid %ld; nattch while I am attached: %lu\n",
		lab_prog, id, (size_t)ds.shm_segsz, (long)ds.shm_cpid,
		(unsigned long)ds.shm_nattch);
	write_all(1, p, ds.shm_segsz, "stdout");
	CHK(shmdt(p), "shmdt", obj_id(id));
	return 0;
}
