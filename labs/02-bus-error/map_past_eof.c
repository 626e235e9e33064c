/*
 * map_past_eof.c - Lab 2: a 100-byte file mapped with a length of 2 pages.
 * A mapping has a length (the caller's, rounded up to whole pages); the
 * file has a size (anybody's, at any time).  Only pages that hold file
 * data can be touched:
 *
 *     |<-100->|
 *     +-------+-----------------------+-------------------------------+
 *     | data  | zeros (rest of page)  |   no file behind this page    |
 *     +-------+-----------------------+-------------------------------+
 *     ^map    ^map+100                ^map+4096                       ^map+8192
 *     |<------- page 1: readable ---->|<---- page 2: SIGBUS --------->|
 *
 *   $ map_past_eof
 *   [map_past_eof] a 100-byte file mapped with length 2 pages (8192 bytes)
 *     byte 99 (last byte of the file):         expected '#', observed '#'
 *     bytes 100..page end:                     expected all zero, observed all zero
 *     store 'X' at 200; pread() of 300:        expected 100 bytes, observed 100 bytes
 *     file size after that store:              expected 100, observed 100
 *     read the first byte of page 2:           expected SIGBUS, observed SIGBUS
 *             si_addr 0x7f653709a000 = map + 4096: page 2 of the mapping; si_code BUS_ADRERR; file size 100
 *     read the last byte of page 2:            expected SIGBUS, observed SIGBUS
 *   all observations as expected
 *
 * Man pages: mmap(2) (the partial page, SIGBUS), pread(2), sigaction(2).
 */
#include "shmlabs.h"
#include "catch_sigbus.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	buslab_init(argc, argv, "\n  map a 100-byte file with a 2-page length");
	catch_faults();
	int fd = temp_file(100);
	char v = 0, got[32];

	printf("[map_past_eof] a 100-byte file mapped with length 2 pages (%zu bytes)\n",
	       2 * page);
	char *map =
		mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (map == MAP_FAILED)
		die("mmap", "100-byte file");
	fact("byte 99 (last byte of the file):", "'#'",
	     map[99] == '#' ? "'#'" : "something else");

	/* mmap(2): "the remaining bytes in the partial page at the end of
	 * the mapping are zeroed when mapped". */
	size_t nonzero = 0;

	for (size_t i = 100; i < page; i++)
		nonzero += map[i] != 0;
	fact("bytes 100..page end:", "all zero",
	     nonzero ? "some non-zero" : "all zero");

	/* A store there is allowed (the page exists) but is not written to
	 * the file: it lies past the end of file.  (Whether the byte is
	 * still in the page when the file grows depends on the filesystem:
	 * eof_store shows it.) */
	map[200] = 'X';
	CHK(msync(map, page, MS_SYNC), "msync", "100-byte file");
	char buf[300];
	ssize_t n =
		CHK(pread(fd, buf, sizeof(buf), 0), "pread", "100-byte file");

	snprintf(got, sizeof(got), "%zd bytes", n);
	fact("store 'X' at 200; pread() of 300:", "100 bytes", got);
	snprintf(got, sizeof(got), "%lld", file_size(fd));
	fact("file size after that store:", "100", got);

	/* Page 2 has no file data behind it at all: SIGBUS, at the very
	 * address touched (si_addr), from its first byte to its last. */
	int sig = touch(map + page, false, &v);

	fact("read the first byte of page 2:", "SIGBUS", signame(sig));
	if (sig == SIGBUS)
		explain_fault("      ", map, file_size(fd));
	sig = touch(map + 2 * page - 1, false, &v);
	fact("read the last byte of page 2:", "SIGBUS", signame(sig));

	CHK(munmap(map, 2 * page), "munmap", "100-byte file");
	CHK(close(fd), "close", "100-byte file");
	return facts_verdict();
}
