/*
 * offset_length.c - Lab 3, rules 4 to 6: the offset is a multiple of the
 * page size, and the length is not 0.
 *
 *   $ offset_length
 *   [4] offset not a multiple of the page size
 *       fd = open(file, O_RDONLY)
 *       mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 100)
 *       expected EINVAL, observed EINVAL: PASS
 *   [5] offset = one page
 *       fd = open(file, O_RDONLY)
 *       mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096)
 *       p[0] = 'b' (file byte 4096)
 *       expected success, observed success: PASS
 *   [6] length 0
 *       fd = open(file, O_RDONLY)
 *       mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0)
 *       expected EINVAL, observed EINVAL: PASS
 *   3 of 3 experiments behaved as expected
 *
 * Man pages: mmap(2) (ERRORS: EINVAL), sysconf(3).
 */
#include "shmlabs.h"
#include "rules.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* Map LEN bytes of the file at OFFSET, read-only; the observation. */
static const char *try_map(size_t len, off_t offset)
{
	int fd = open_file(O_RDONLY, "O_RDONLY");

	printf("    mmap(NULL, %zu, PROT_READ, MAP_SHARED, fd, %lld)\n", len,
	       (long long)offset);
	const char *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, offset);
	const char *obs = outcome(p == MAP_FAILED); /* (void *)-1, not NULL */

	if (p != MAP_FAILED) {
		/* Page 2 of the file is all 'b': the right bytes? */
		if (offset != 0) {
			printf("    p[0] = '%c' (file byte %lld)\n", p[0],
			       (long long)offset);
			obs = p[0] == 'b' ? "success"
					  : "success (but wrong bytes)";
		}
		CHK(munmap((void *)p, len), "munmap", path);
	}
	CHK(close(fd), "close", path);
	return obs;
}

int main(int argc, char **argv)
{
	rules_init(argc, argv,
		   "\n  rules 4 to 6: page-aligned offsets, a non-zero length");

	/* 4. The unit is sysconf(_SC_PAGESIZE), 16K or 64K on some ARM and
	 * POWER systems.  Never hard-code 4096.
	 * Seed bug: "the offset must be a multiple of 4K" (guide, lab 3). */
	rule(4, "offset not a multiple of the page size");
	verdict("EINVAL", try_map(page, 100));

	/* 5. One page is a multiple: allowed, and p[0] is the file's byte
	 * at that offset. */
	rule(5, "offset = one page");
	verdict("success", try_map(page, (off_t)page));

	/* 6. What mmap() rejects is length 0 - what you pass when you map
	 * st_size bytes of an empty file (lab 2 maps one with a non-zero
	 * length).
	 * Seed bug: "a file of size 0 cannot be mapped" (guide, lab 3). */
	rule(6, "length 0");
	verdict("EINVAL", try_map(0, 0));
	return rules_done();
}
