/*
 * grow_file.c - Lab 2: the SIGBUS of page 2 goes away when the file grows.
 * Nothing about the mapping changes: ftruncate(2) gives the file a page
 * behind the same address, and the very same access works.
 *
 *   $ grow_file
 *   [grow_file] a 100-byte file and a 2-page mapping; then ftruncate() it to 2 pages
 *     before: read the first byte of page 2:   expected SIGBUS, observed SIGBUS
 *     file size is now 8192 bytes
 *     after: read the first byte of page 2:    expected no signal, observed no signal
 *     its value (grown part of a file):        expected 0, observed 0
 *     after: store 'G' at the start of page 2: expected no signal, observed no signal
 *     pread() of that file offset:             expected 'G', observed 'G'
 *   all observations as expected
 *
 * Man pages: ftruncate(2), mmap(2), sysconf(3).
 */
#include "shmlabs.h"
#include "catch_sigbus.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* Make page 2 of the 2-page mapping of FD usable. */
static void grow(int fd)
{
	/* BEGIN EXERCISE 2.1: Make page 2 of the mapping usable: grow the
	 * file with ftruncate(2) so that it covers both pages of the
	 * mapping.  The mapping itself needs no change. */
	CHK(ftruncate(fd, (off_t)(2 * page)), "ftruncate", "grow to 2 pages");
	/* STUB
	(void)fd;
	fail("exercise 2.1 is not done yet: the file was not grown");
	*/
	/* END EXERCISE */
}

int main(int argc, char **argv)
{
	buslab_init(argc, argv,
		    "\n  grow a mapped file under a 2-page mapping");
	catch_faults();
	int fd = temp_file(100);
	char v = 0, back = 0;

	printf("[grow_file] a 100-byte file and a 2-page mapping; then ftruncate() it to 2 pages\n");
	char *map =
		mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (map == MAP_FAILED)
		die("mmap", "100-byte file");
	int sig = touch(map + page, false, &v);

	fact("before: read the first byte of page 2:", "SIGBUS", signame(sig));
	grow(fd);
	printf("  file size is now %lld bytes\n", file_size(fd));

	/* The same address, the same mapping: now there is a file page, and
	 * ftruncate(2) says a grown part reads as null bytes. */
	sig = touch(map + page, false, &v);
	fact("after: read the first byte of page 2:", "no signal",
	     signame(sig));
	fact("its value (grown part of a file):", "0",
	     sig      ? "none"
	     : v == 0 ? "0"
		      : "non-zero");

	/* And it is part of the file now: a store reaches it. */
	v = 'G';
	sig = touch(map + page, true, &v);
	fact("after: store 'G' at the start of page 2:", "no signal",
	     signame(sig));
	if (sig == 0)
		CHK(pread(fd, &back, 1, (off_t)page), "pread", "grown file");
	fact("pread() of that file offset:", "'G'",
	     back == 'G' ? "'G'" : "something else");

	CHK(munmap(map, 2 * page), "munmap", "grown file");
	CHK(close(fd), "close", "grown file");
	return facts_verdict();
}
