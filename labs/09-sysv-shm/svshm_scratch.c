/*
 * svshm_scratch.c - Lab 9: a segment that belongs to a running program:
 * created, used, and removed when the program is done (EOF on stdin) - or
 * interrupted.  The cleanup registry (common/) removes it on Ctrl-C,
 * SIGTERM and SIGHUP; nothing can run on SIGKILL, and then the segment
 * stays until `make clean-ipc`, which finds it by the 0x53 top byte of its
 * key.  (A leftover IPC_PRIVATE segment, key 0, would be anonymous: only
 * its id and owner could identify it.)
 *
 *   $ svshm_scratch
 *   scratch: shmid 98310 key 0x53f1d2a7 pid 17001; removed at EOF on stdin, Ctrl-C or SIGTERM (not after SIGKILL)
 *   ^C
 *   $ ipcs -m                          (no row for 98310)
 *
 * Man pages: shmget(2), shmctl(2), signal(7), ipcs(1).
 */
#include "svshm.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	key_t key = ipc_key("scratch");
	int handle, id = seg_create(key, SMALL, &handle);
	printf("scratch: shmid %d key 0x%08x pid %ld; removed at EOF on stdin, Ctrl-C or SIGTERM (not after SIGKILL)\n",
	       id, (unsigned)key, (long)getpid());
	char *p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		die("shmat", obj_id(id));
	strcpy(p, "scratch data");

	char buf[256];
	while (CHK(read(0, buf, sizeof(buf)), "read", "stdin") > 0)
		continue;
	CHK(shmdt(p), "shmdt", obj_id(id));
	seg_remove(id, handle);
	printf("scratch: removed shmid %d\n", id);
	return 0;
}
