/*
 * map_empty.c - Lab 2: an empty file.  Mapping its st_size (0 bytes) fails
 * with EINVAL; mapping one page of it succeeds, and the first touch of
 * that page raises SIGBUS: there is no file data behind it.
 *
 *   $ map_empty
 *   [map_empty] an empty file (st_size = 0)
 *     mmap(length = st_size = 0):              expected EINVAL, observed EINVAL
 *     mmap(length = 1 page):                   expected success, observed success
 *     read byte 0:                             expected SIGBUS, observed SIGBUS
 *             si_addr 0x7f04fb259000 = map + 0: page 1 of the mapping; si_code BUS_ADRERR; file size 0
 *   all observations as expected
 *
 * Man pages: mmap(2) (ERRORS: EINVAL, SIGBUS), sigaction(2).
 */
#include "shmlabs.h"
#include "catch_sigbus.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	buslab_init(argc, argv,
		    "\n  map an empty file: length 0, then one page");
	catch_faults();
	int fd = temp_file(0);
	char v = 0;

	printf("[map_empty] an empty file (st_size = %lld)\n", file_size(fd));

	/* Seed bug: "a file of size 0 cannot be mapped" (guide, lab 2).
	 * The usual code maps st_size bytes.  mmap(2), ERRORS: "EINVAL
	 * (since Linux 2.6.12) length was 0."  We want this failure, so
	 * errno is the observation, not a reason to stop. */
	void *p = mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0);

	fact("mmap(length = st_size = 0):", "EINVAL",
	     p == MAP_FAILED ? errno_name(errno) : "success");

	/* mmap() does not compare the length with the file size: the file
	 * may grow before anybody touches the pages. */
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	fact("mmap(length = 1 page):", "success",
	     p == MAP_FAILED ? errno_name(errno) : "success");
	if (p != MAP_FAILED) {
		/* The check happens page by page, at access time. */
		int sig = touch(p, false, &v);

		fact("read byte 0:", "SIGBUS", signame(sig));
		if (sig == SIGBUS)
			explain_fault("      ", p, 0);
		CHK(munmap(p, page), "munmap", "empty file");
	}
	CHK(close(fd), "close", "empty file");
	return facts_verdict();
}
