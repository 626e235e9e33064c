/*
 * bus_crash.c - Lab 2: no handler.  The default action of SIGBUS is to
 * terminate the process (and dump core): signal(7).  The shell sees
 * "killed by signal 7" and prints "Bus error"; $? is 128 + 7 = 135
 * (SIGBUS is 7 on x86 and ARM).
 *
 *   $ bus_crash; echo $?
 *   [bus_crash] reading map + 4096 (page 2 of a 2-page mapping of a 100-byte file), no handler...
 *   Bus error
 *   135
 *
 * Man pages: signal(7), mmap(2), prctl(2) (PR_SET_DUMPABLE).
 */
#include "shmlabs.h"
#include "catch_sigbus.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>

int main(int argc, char **argv)
{
	buslab_init(argc, argv,
		    "\n  die of SIGBUS, as a program without a handler does");
	int fd = temp_file(100);
	volatile char *map = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);

	if (map == MAP_FAILED)
		die("mmap", "100-byte file");
	/* No core file: the crash is on purpose, and a "core" left in the
	 * current directory would only puzzle.  PR_SET_DUMPABLE 0 turns core
	 * dumps off for this process, whatever ulimit -c says. */
	CHK(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl", "PR_SET_DUMPABLE");
	printf("[bus_crash] reading map + %zu (page 2 of a 2-page mapping of a 100-byte file), no handler...\n",
	       page);
	char v = map[page]; /* SIGBUS: the process dies here */

	printf("not reached: read '%c'\n", v);
	return 1;
}
