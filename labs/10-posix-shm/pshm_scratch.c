/*
 * pshm_scratch.c - Lab 10: an object that belongs to a running program:
 * unlinked at EOF on stdin, or by the cleanup registry (common/) on
 * Ctrl-C, SIGTERM and SIGHUP.  After SIGKILL nothing can run: the object
 * stays in /dev/shm until `make clean-ipc`, which finds it by its prefix.
 *
 *   $ pshm_scratch
 *   scratch: /dev/shm/shmlabs-alice-scratch pid 17020; unlinked at EOF on stdin, Ctrl-C or SIGTERM (not after SIGKILL)
 *   ^C
 *   $ ls /dev/shm/shmlabs-alice-scratch
 *   ls: cannot access '/dev/shm/shmlabs-alice-scratch': No such file or directory
 *
 * Man pages: shm_open(3), shm_unlink(3), signal(7).
 */
#include "pshm.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	const char *name = ipc_name("scratch");
	int h, fd = obj_create(name, 0600, &h);

	/* The object is a file: write(2) works on it as well as a mapping
	 * (pshm_create maps it; here the content does not matter). */
	write_all(fd, "scratch data", 12, name);
	printf("scratch: %s pid %ld; unlinked at EOF on stdin, Ctrl-C or SIGTERM (not after SIGKILL)\n",
	       shm_path(name), (long)getpid());

	/* Wait for EOF: read(2) returns 0 then. */
	char c;
	while (CHK(read(0, &c, 1), "read", "stdin") == 1)
		continue;
	CHK(close(fd), "close", name);
	obj_unlink(name, h);
	printf("scratch: removed %s\n", name);
	return 0;
}
