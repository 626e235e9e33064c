/*
 * svshm_addr.c - Lab 9: shmat(2)'s address argument.  NULL lets the
 * kernel choose, which is what portable code does.  A non-NULL address is
 * always used; it must be a multiple of SHMLBA (EINVAL otherwise) unless
 * SHM_RND asks the kernel to round it DOWN to one.
 *
 *   $ svshm_addr
 *   SHMLBA 4096 (page size 4096)
 *   shmat(shmid 163873, NULL, 0) -> 0x7f29c7a1c000 (kernel's choice, aligned)
 *     shmat(shmid, addr + 1, 0)                      -> EINVAL (Invalid argument), as expected
 *     shmat(shmid, addr + 1, SHM_RND)                -> 0x7f29c7a1c000 (rounded down: yes)
 *   removed shmid 163873
 *
 * Man pages: shmat(2).
 */
#include "svshm.h"

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	int h, id = seg_create(IPC_PRIVATE, SMALL, &h);
	long page = CHK(sysconf(_SC_PAGESIZE), "sysconf", "_SC_PAGESIZE");
	char *p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		die("shmat", obj_id(id));

	printf("SHMLBA %ld (page size %ld)\n", (long)SHMLBA, page);
	printf("shmat(shmid %d, NULL, 0) -> %p (kernel's choice, %s)\n", id,
	       (void *)p,
	       (uintptr_t)p % (uintptr_t)SHMLBA ? "UNALIGNED" : "aligned");
	CHK(shmdt(p), "shmdt", obj_id(id));

	/* Seed bug: shmaddr is used without SHM_RND too (guide, lab 9) */
	char *odd = p + 1; /* the range is free again: ask for it, 1 off */
	expect_errno(shmat(id, odd, 0) == (void *)-1, EINVAL,
		     "shmat(shmid, addr + 1, 0)");
	char *q = shmat(id, odd, SHM_RND);
	if (q == (void *)-1)
		die("shmat", obj_id(id));
	printf("  %-46s -> %p (rounded down: %s)\n",
	       "shmat(shmid, addr + 1, SHM_RND)", (void *)q,
	       q == p ? "yes" : "NO");
	CHK(shmdt(q), "shmdt", obj_id(id));
	seg_remove(id, h);
	printf("removed shmid %d\n", id);
	return 0;
}
