/*
 * svshm_info.c - Lab 9: shmctl(IPC_STAT) on the persistent segment, every
 * field of struct shmid_ds.
 *
 *   $ svshm_info
 *   key     0x534a7f83
 *   id      32783
 *   owner   uid 0 gid 0 (creator uid 0 gid 0)
 *   mode    0600
 *   status  -
 *   size    6 bytes (shm_segsz: what shmget was asked for)
 *   nattch  0 (attaches, not processes)
 *   cpid    16123 (created it)
 *   lpid    16130 (last shmat or shmdt)
 *   atime   2026-12-01 21:10:02 (last shmat)
 *   dtime   2026-12-01 21:10:02 (last shmdt)
 *   ctime   2026-12-01 21:09:58 (created, or last IPC_SET)
 *
 * IPC_STAT needs read permission on the segment (svshm_chmod 000 takes
 * it away from the owner too).  Man pages: shmctl(2), svipc(7).
 */
#include "svshm.h"

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);
	print_info(persist_id());
	return 0;
}
