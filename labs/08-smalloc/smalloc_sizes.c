/*
 * smalloc_sizes.c - lab 8: checks every promise smalloc() makes, for a few
 * sizes: the pointer is 16-byte aligned, all SIZE bytes are zero and
 * writable, the mapping behind it is exactly round_up(32 + SIZE, page)
 * bytes, and sfree() really unmaps it.
 *
 *   $ build/08-smalloc/smalloc_sizes 4096
 *   page size 4096, header 32 bytes: smalloc(n) maps round_up(32 + n, 4096) bytes
 *   == smalloc(4096)
 *   pointer 0x7fa5733f0020: 16-byte aligned: yes; 32 bytes past a page start: yes
 *   zero-filled: 4096 of 4096 bytes are 0
 *   writable: 4096 of 4096 bytes read back 0xa5
 *   maps: 7fa5733f0000-7fa5733f2000 rw-s 00000000 00:01 1933    /dev/zero (deleted)
 *   mapping: 8192 bytes (2 pages) from the page start; smalloc kept 8192; expected round_up(32 + 4096, 4096) = 8192: ok
 *   mincore: all 8192 bytes mapped: yes
 *   sfree: 0; first and last page unmapped (mincore ENOMEM), no maps line: yes
 *   all checks passed
 *
 * Usage: smalloc_sizes [SIZE...]   (1 .. 64M, K/M suffix; default: 1, a
 *        page minus the header, a page, 1M).  Exit 0 only if all held.
 *
 * Man pages: mmap(2), munmap(2), mincore(2), proc(5) (maps, smaps).
 */
#include "shmlabs.h"

#include "smalloc.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
	"[SIZE...]\n"
	"  check smalloc/sfree for each SIZE in bytes (1..64M, K/M suffix);\n"
	"  default: 1, a page minus the header, a page, 1M";

static size_t pg;

static bool check_size(size_t size);

int main(int argc, char **argv)
{
	bool ok = true;
	size_t size;

	lab_init(argc, argv);
	pg = (size_t)sysconf(_SC_PAGESIZE);
	for (int i = 1; i < argc; i++)
		if (!parse_size(argv[i], &size) || size == 0 ||
		    size > (64u << 20))
			usage_error(usage_text, "SIZE must be 1 byte .. 64M");

	printf("page size %zu, header %d bytes: smalloc(n) maps round_up(%d + n, %zu) bytes\n",
	       pg, SMALLOC_HEADER, SMALLOC_HEADER, pg);
	if (argc == 1) {
		ok &= check_size(1);
		ok &= check_size(pg - SMALLOC_HEADER);
		ok &= check_size(pg);
		ok &= check_size(1 << 20);
	}
	for (int i = 1; i < argc; i++) {
		parse_size(argv[i], &size);
		ok &= check_size(size);
	}
	if (!ok)
		fail("some checks FAILED (see above)");
	printf("all checks passed\n");
	return 0;
}

/* Is [ADDR, ADDR+LEN) mapped?  mincore(2) fails with ENOMEM if not all of
 * it is.  (VEC gets a byte per page: which are in RAM; unused here.) */
static bool mapped(const void *addr, size_t len)
{
	unsigned char *vec = malloc((len + pg - 1) / pg);
	int r;

	if (!vec)
		fail("out of memory");
	r = mincore((void *)addr, len, vec);
	if (r == -1 && errno != ENOMEM)
		die("mincore", "block");
	free(vec);
	return r == 0;
}

static bool check_size(size_t size)
{
	size_t expect = (SMALLOC_HEADER + size + pg - 1) / pg * pg;
	size_t zeros = 0, good = 0, maplen;
	char line[PATH_MAX + 128], last[PATH_MAX + 128];
	unsigned char *p, *base;
	bool aligned, exact, all, gone;

	printf("== smalloc(%zu)\n", size);
	p = smalloc(size); /* NULL and errno, like malloc */
	if (!p)
		die("smalloc", "block");
	base = p - SMALLOC_HEADER;
	aligned = (uintptr_t)p % 16 == 0;
	printf("pointer %p: 16-byte aligned: %s; 32 bytes past a page start: %s\n",
	       (void *)p, aligned ? "yes" : "no",
	       (uintptr_t)p % pg == SMALLOC_HEADER ? "yes" : "no");

	/* Every byte, then write every byte and read it back. */
	for (size_t i = 0; i < size; i++)
		zeros += p[i] == 0;
	printf("zero-filled: %zu of %zu bytes are 0\n", zeros, size);
	memset(p, 0xa5, size);
	for (size_t i = 0; i < size; i++)
		good += p[i] == 0xa5;
	printf("writable: %zu of %zu bytes read back 0xa5\n", good, size);

	/* The mapping the kernel really made: one maps line holds both the
	 * page start and the last byte, and smaps gives its Size.  A mapping
	 * of exactly EXPECT bytes holding both ends starts at BASE. */
	if (!maps_find(base, line, sizeof(line)) ||
	    !maps_find(base + expect - 1, last, sizeof(last)))
		fail("no /proc/self/maps line contains %p", (void *)p);
	printf("maps: %s\n", line);
	maplen = (size_t)smaps_kb(base, "Size") * 1024;
	exact = strcmp(line, last) == 0 && maplen == expect &&
		smalloc_maplen(p) == expect;
	printf("mapping: %zu bytes (%zu page%s) from the page start; smalloc kept %zu; expected round_up(%d + %zu, %zu) = %zu: %s\n",
	       maplen, maplen / pg, maplen == pg ? "" : "s", smalloc_maplen(p),
	       SMALLOC_HEADER, size, pg, expect, exact ? "ok" : "WRONG");
	all = mapped(base, expect);
	printf("mincore: all %zu bytes mapped: %s\n", expect,
	       all ? "yes" : "no");

	/* sfree must unmap the whole thing. */
	if (sfree(p) == -1)
		die("sfree", "block");
	gone = !mapped(base, pg) && !mapped(base + expect - pg, pg) &&
	       !maps_find(base, line, sizeof(line));
	printf("sfree: 0; first and last page unmapped (mincore ENOMEM), no maps line: %s\n",
	       gone ? "yes" : "no");
	return aligned && zeros == size && good == size && exact && all && gone;
}
