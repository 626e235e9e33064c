/*
 * svshm_size.c - Lab 9: memory comes in pages.  Ask for 100 bytes: the
 * segment remembers 100 (shm_segsz, the "bytes" column of ipcs), but the
 * object behind it, and every mapping of it, is a whole page.
 *
 *   $ svshm_size
 *   shmget(IPC_PRIVATE, 100, 0600) -> shmid 163868
 *   shm_segsz 100
 *   shmat(shmid 163868, NULL, 0) -> 0x7f7221ccd000
 *   mapping 4096 bytes (1 page(s) of 4096)
 *     /proc/self/maps: 7f7221ccd000-7f7221cce000 rw-s 00000000 00:01 163868                     /SYSV00000000 (deleted)
 *     (the path is the segment's file in the kernel's internal shm filesystem, its inode number is the shmid)
 *   wrote p[0] and p[4095]: byte 4095 is past the 100 asked for, still inside the page, no fault
 *     /proc/sysvipc/shm: key=0x00000000 shmid=163868 perms=600 size=100 cpid=21627 lpid=21627 nattch=1 uid=0 rss=4096 swap=0
 *   removed shmid 163868
 *
 * Man pages: shmget(2), shmat(2), proc(5) (/proc/PID/maps, smaps,
 * /proc/sysvipc/shm).
 */
#include "svshm.h"

#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	long page = CHK(sysconf(_SC_PAGESIZE), "sysconf", "_SC_PAGESIZE");
	int h, id = seg_create(IPC_PRIVATE, SMALL, &h);
	struct shmid_ds ds;

	seg_stat(id, &ds);
	printf("shmget(IPC_PRIVATE, %d, 0600) -> shmid %d\n", SMALL, id);
	printf("shm_segsz %zu\n", (size_t)ds.shm_segsz);

	char *p = shmat(id, NULL, 0);
	if (p == (void *)-1) /* not NULL: shmat's failure value */
		die("shmat", obj_id(id));
	printf("shmat(shmid %d, NULL, 0) -> %p\n", id, (void *)p);

	/* Seed bug: the size need not be a multiple of 1024 or 4K (guide, lab 9) */
	char line[512];
	long kb = smaps_kb(p, "Size"); /* the whole mapping, in kB */
	if (kb < 0 || !maps_find(p, line, sizeof(line)))
		fail("the attach at %p is not in /proc/self/maps", (void *)p);
	printf("mapping %ld bytes (%ld page(s) of %ld)\n", kb * 1024,
	       kb * 1024 / page, page);
	printf("  /proc/self/maps: %s\n", line);
	printf("  (the path is the segment's file in the kernel's internal shm filesystem, its inode number is the shmid)\n");

	/* The first and the last byte of the page are both ours. */
	p[0] = 'a';
	p[page - 1] = 'z';
	printf("wrote p[0] and p[%ld]: byte %ld is past the 100 asked for, still inside the page, no fault\n",
	       page - 1, page - 1);
	print_proc_row(id); /* rss: one page is now resident */
	CHK(shmdt(p), "shmdt", obj_id(id));
	seg_remove(id, h);
	printf("removed shmid %d\n", id);
	return 0;
}
