/*
 * smalloc_misuse.c - lab 8: what smalloc()/sfree() refuse.  Bad sizes,
 * sfree(NULL), and pointers smalloc did not return: p + 1, p + 16, the
 * page start, a heap block, a foreign mapping with a forged header, a block
 * freed already.  Each must be refused with EINVAL, and nothing unmapped.
 *
 *   $ build/08-smalloc/smalloc_misuse
 *   smalloc(0): NULL, EINVAL
 *   smalloc(SIZE_MAX): NULL, ENOMEM
 *   sfree(NULL): 0, errno untouched (does nothing, like free(NULL))
 *   sfree(p + 1): refused (EINVAL): not 32 bytes past a page boundary
 *   ...
 *   sfree(p again, a double sfree): refused (EINVAL): its page is not mapped (freed already?)
 *   all checks passed
 *
 * Usage: smalloc_misuse            Exit 0 only if every check held.
 * Man pages: mmap(2), munmap(2), malloc(3) (free, aligned_alloc).
 */
#include "shmlabs.h"

#include "smalloc.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool refuse(const char *label, void *q);
static bool still_mapped(const void *addr, size_t len);

int main(int argc, char **argv)
{
	const size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *p, *heap, *foreign;
	bool ok = true, intact = true;
	int r;

	lab_init(argc, argv);
	if (argc != 1)
		usage_error(
			"\n  check that sfree refuses pointers smalloc did not return",
			NULL);

	/* Bad sizes.  SIZE_MAX would overflow 32 + size without the check in
	 * smalloc(), and "succeed" with one page. */
	errno = 0;
	p = smalloc(0);
	printf("smalloc(0): %s, %s\n", p ? "a pointer" : "NULL",
	       errno_name(errno));
	ok &= !p && errno == EINVAL;
	errno = 0;
	p = smalloc(SIZE_MAX);
	printf("smalloc(SIZE_MAX): %s, %s\n", p ? "a pointer" : "NULL",
	       errno_name(errno));
	ok &= !p && errno == ENOMEM;

	/* free(NULL) is a no-op; so is sfree(NULL). */
	errno = 0;
	r = sfree(NULL);
	printf("sfree(NULL): %d, errno %s (does nothing, like free(NULL))\n", r,
	       errno ? errno_name(errno) : "untouched");
	ok &= r == 0 && errno == 0;

	/* The seed's rule: never hand munmap a moved pointer. */
	p = smalloc(100);
	if (!p)
		die("smalloc", "block");
	memset(p, 'p', 100);
	ok &= refuse("p + 1", p + 1);
	ok &= refuse("p + 16", p + 16);
	ok &= refuse("p - 32, the page start", p - SMALLOC_HEADER);

	/* A heap block with the right alignment: mapped, but no magic. */
	heap = aligned_alloc(pg, 2 * pg);
	if (!heap)
		fail("aligned_alloc(%zu, %zu) failed", pg, 2 * pg);
	memset(heap, 0, 2 * pg);
	ok &= refuse("a heap pointer laid out like a block",
		     heap + SMALLOC_HEADER);
	free(heap);

	/* A mapping smalloc never made, with a header that looks right
	 * except for the magic.  Without the magic check, sfree unmaps it. */
	foreign = CHK_MAP(mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
			  "mmap", "foreign");
	((uint64_t *)foreign)[1] = 2 * pg; /* maplen */
	((uint64_t *)foreign)[2] = 100;	   /* size */
	ok &= refuse("a foreign mapping with a forged header",
		     foreign + SMALLOC_HEADER);
	printf("the foreign mapping is still there: %s\n",
	       still_mapped(foreign, 2 * pg) ? "yes" : "no");
	ok &= still_mapped(foreign, 2 * pg);
	CHK(munmap(foreign, 2 * pg), "munmap", "foreign");

	/* After all that, p must be untouched; then a double sfree. */
	for (int i = 0; i < 100; i++)
		intact = intact && p[i] == 'p';
	intact = intact && still_mapped(p - SMALLOC_HEADER, pg);
	printf("p is still mapped and intact: %s\n", intact ? "yes" : "no");
	r = sfree(p);
	printf("sfree(p): %d\n", r);
	ok &= intact && r == 0 && refuse("p again, a double sfree", p);

	if (!ok)
		fail("some checks FAILED (see above)");
	printf("all checks passed\n");
	return 0;
}

/*
 * One sfree() that must be refused.  smalloc_check() is asked first: a
 * pointer it accepts is NOT handed to sfree(), which would unmap whatever
 * the forged or stray "header" says.
 */
static bool refuse(const char *label, void *q)
{
	const char *why = smalloc_check(q);
	int r, e;

	if (!why) {
		printf("sfree(%s): ACCEPTED by smalloc_check: it must be refused\n",
		       label);
		return false;
	}
	r = sfree(q);
	e = errno;
	if (r == -1 && e == EINVAL) {
		printf("sfree(%s): refused (EINVAL): %s\n", label, why);
		return true;
	}
	printf("sfree(%s): ACCEPTED (returned %d, %s): it must be refused\n",
	       label, r, r ? errno_name(e) : "no error");
	return false;
}

/* Both ends of [ADDR, ADDR+LEN) are in /proc/self/maps. */
static bool still_mapped(const void *addr, size_t len)
{
	char line[PATH_MAX + 128];

	return maps_find(addr, line, sizeof(line)) &&
	       maps_find((const char *)addr + len - 1, line, sizeof(line));
}
