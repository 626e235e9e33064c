/*
 * svshm_rdonly.c - Lab 9: two attaches of one segment in ONE process: two
 * virtual addresses, the same physical page - and nattch 2, because
 * shm_nattch counts attaches, not processes.  The SHM_RDONLY attach really
 * is read-only: its page-table entry has no write permission, so a store
 * raises SIGSEGV with si_code SEGV_ACCERR (mapped, but not allowed) and
 * si_addr the byte stored to, here the read-only attach address.
 *
 *   $ svshm_rdonly
 *   read-write attach at 0x7fcfe03e6000, read-only attach at 0x7fcfe03e5000
 *     7fcfe03e6000-7fcfe03e7000 rw-s 00000000 00:01 163869                     /SYSV00000000 (deleted)
 *     7fcfe03e5000-7fcfe03e6000 r--s 00000000 00:01 163869                     /SYSV00000000 (deleted)
 *   one process, two attaches: nattch 2 (shm_nattch counts attaches, not processes)
 *   read through the read-only attach: "written through the read-write attach"
 *   write through the read-only attach: SIGSEGV caught (si_code SEGV_ACCERR, si_addr 0x7fcfe03e5000)
 *   the segment is unchanged: "written through the read-write attach"
 *   removed shmid 163869
 *
 * Man pages: shmat(2), shmctl(2) (shm_nattch), sigaction(2) (si_code, si_addr).
 */
#include "svshm.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	static const char text[] = "written through the read-write attach";
	int h, id = seg_create(IPC_PRIVATE, SMALL, &h);
	char *w = shmat(id, NULL, 0);
	if (w == (void *)-1)
		die("shmat", obj_id(id));
	const char *r = shmat(id, NULL, SHM_RDONLY);
	if (r == (void *)-1)
		die("shmat", obj_id(id));

	memcpy(w, text, sizeof(text));
	printf("read-write attach at %p, read-only attach at %p\n", (void *)w,
	       (const void *)r);
	maps_print("  ", w);
	maps_print("  ", r);

	struct shmid_ds ds;
	seg_stat(id, &ds);
	printf("one process, two attaches: nattch %lu (shm_nattch counts attaches, not processes)\n",
	       (unsigned long)ds.shm_nattch);
	printf("read through the read-only attach: \"%s\"\n", r);

	siginfo_t si;
	int sig = try_write((volatile char *)r, 'X', &si);
	if (sig != SIGSEGV)
		fail("writing through the SHM_RDONLY attach did NOT raise SIGSEGV (%s)",
		     sig ? sigabbrev_np(sig) : "no fault");
	/* si_addr is the byte the store aimed at: here the attach address. */
	printf("write through the read-only attach: SIGSEGV caught (si_code %s, si_addr %p)\n",
	       si.si_code == SEGV_ACCERR ? "SEGV_ACCERR" : "other", si.si_addr);
	printf("the segment is unchanged: \"%s\"\n", w);
	CHK(shmdt(r), "shmdt", obj_id(id));
	CHK(shmdt(w), "shmdt", obj_id(id));
	seg_remove(id, h);
	printf("removed shmid %d\n", id);
	return 0;
}
