/*
 * smalloc_test.c - lab 8: the test driver of smalloc()/sfree() (smalloc.h).
 *
 *   smalloc_test sizes [SIZE...]
 *       For each SIZE (default: 1, a page minus the header, a page, 1 MiB)
 *       checks every promise of smalloc: the pointer is 16-byte aligned,
 *       all SIZE bytes are zero and writable, the mapping behind it is
 *       exactly round_up(32 + SIZE, page) bytes (read from /proc/self/maps,
 *       confirmed with mincore(2)), and sfree() really unmaps it.
 *   smalloc_test misuse
 *       Feeds sfree() pointers that smalloc did not return (p + 1, p + 16,
 *       the page start, a heap block, a foreign mapping with a forged
 *       header, a block freed already) and checks that each is refused
 *       with EINVAL and that nothing was unmapped; sfree(NULL) is a no-op;
 *       smalloc(0) and smalloc(SIZE_MAX) fail with EINVAL and ENOMEM.
 *
 * Run:   make lab-8
 *   or   build/08-smalloc/smalloc_test sizes
 *        build/08-smalloc/smalloc_test sizes 100 5000
 *        build/08-smalloc/smalloc_test misuse
 *
 * What to observe: smalloc(4064) fits in one page but smalloc(4096) needs
 * two (the 32-byte header pushes it over); 1 MiB costs 1 MiB + 4 KiB.  The
 * exit status is 0 only if every check held.
 *
 * Man pages: mmap(2), munmap(2), mincore(2), proc(5) (/proc/pid/maps).
 */
#include "shmlabs.h"

#include "smalloc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
	"sizes [SIZE...] | misuse\n"
	"  sizes   check smalloc/sfree for each SIZE in bytes (K/M suffix);\n"
	"          default: 1, a page minus the header, a page, 1M\n"
	"  misuse  check that sfree refuses pointers smalloc did not return";

static size_t pg;
static bool all_ok = true;

static void check(bool ok, const char *what)
{
	if (!ok) {
		printf("FAILED: %s\n", what);
		all_ok = false;
	}
}

/*
 * The /proc/self/maps line containing ADDR: its range in *START and *END,
 * the line itself (padding squeezed) in LINE.  False if not mapped.
 */
static bool maps_range(const void *addr, unsigned long *start,
		       unsigned long *end, char *line, size_t size)
{
	uintptr_t a = (uintptr_t)addr;
	bool found = false;
	char *buf = NULL;
	size_t cap = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		die("fopen", "/proc/self/maps");
	while (!found && getline(&buf, &cap, f) != -1) {
		if (sscanf(buf, "%lx-%lx", start, end) != 2 || a < *start ||
		    a >= *end)
			continue;
		found = true;
		/* squeeze the run of spaces before the name */
		size_t o = 0;
		for (const char *c = buf; *c && *c != '\n' && o + 1 < size; c++)
			if (!(*c == ' ' && o > 0 && line[o - 1] == ' '))
				line[o++] = *c;
		line[o] = '\0';
	}
	free(buf);
	fclose(f);
	return found;
}

/* smalloc or die: like malloc, smalloc reports failure with NULL. */
static unsigned char *must_smalloc(size_t size)
{
	unsigned char *p = smalloc(size);

	if (p)
		return p;
	die("smalloc", "block");
}

static unsigned char *must_aligned_alloc(size_t align, size_t size)
{
	unsigned char *p = aligned_alloc(align, size);

	if (p)
		return p;
	fail("aligned_alloc(%zu, %zu) failed", align, size);
}

/* Is [ADDR, ADDR+LEN) mapped?  mincore(2): ENOMEM means "not (all) mapped". */
static bool mapped(const void *addr, size_t len)
{
	unsigned char *vec = malloc((len + pg - 1) / pg); /* a byte a page */
	int r, e;

	if (!vec)
		fail("out of memory");
	r = mincore((void *)addr, len, vec);
	e = errno;
	free(vec);
	if (r == 0)
		return true;
	errno = e;
	if (errno != ENOMEM)
		die("mincore", "block");
	return false;
}

static void check_size(size_t size)
{
	size_t expect = (SMALLOC_HEADER + size + pg - 1) / pg * pg;
	unsigned char *p, *base;
	unsigned long start, end;
	size_t zeros = 0, good = 0;
	char line[512], what[128];

	printf("== smalloc(%zu)\n", size);
	p = must_smalloc(size);
	base = p - SMALLOC_HEADER;
	printf("pointer %p: 16-byte aligned: %s; 32 bytes past a page start: "
	       "%s\n",
	       (void *)p, (uintptr_t)p % 16 == 0 ? "yes" : "no",
	       (uintptr_t)p % pg == SMALLOC_HEADER ? "yes" : "no");
	check((uintptr_t)p % 16 == 0, "alignment");

	/* Every byte, then write every byte and read it back. */
	for (size_t i = 0; i < size; i++)
		zeros += p[i] == 0;
	printf("zero-filled: %zu of %zu bytes are 0\n", zeros, size);
	check(zeros == size, "zero-filled");
	memset(p, 0xa5, size);
	for (size_t i = 0; i < size; i++)
		good += p[i] == 0xa5;
	printf("writable: %zu of %zu bytes read back 0xa5\n", good, size);
	check(good == size, "writable");

	/* The mapping the kernel really made for it. */
	if (!maps_range(p, &start, &end, line, sizeof(line)))
		fail("no /proc/self/maps line contains %p", (void *)p);
	printf("maps: %s\n", line);
	printf("mapping: %lu bytes (%lu page%s) from the page start; smalloc "
	       "kept %zu; expected round_up(%d + %zu, %zu) = %zu: %s\n",
	       end - start, (end - start) / (unsigned long)pg,
	       end - start == pg ? "" : "s", smalloc_maplen(p), SMALLOC_HEADER,
	       size, pg, expect,
	       start == (uintptr_t)base && end - start == expect &&
			       smalloc_maplen(p) == expect
		       ? "ok"
		       : "WRONG");
	snprintf(what, sizeof(what), "mapping length for size %zu", size);
	check(start == (uintptr_t)base && end - start == expect &&
		      smalloc_maplen(p) == expect,
	      what);
	printf("mincore: all %zu bytes mapped: %s\n", expect,
	       mapped(base, expect) ? "yes" : "no");
	check(mapped(base, expect), "mincore");

	/* sfree must unmap the whole thing. */
	if (sfree(p) == -1)
		die("sfree", "block");
	bool gone = !mapped(base, pg) && !mapped(base + expect - pg, pg) &&
		    !maps_range(base, &start, &end, line, sizeof(line));
	printf("sfree: 0; first and last page unmapped (mincore ENOMEM), no "
	       "maps line: %s\n",
	       gone ? "yes" : "no");
	check(gone, "sfree unmaps");
}

/* Print and check one sfree() that must be refused. */
static void refuse(const char *label, void *q)
{
	const char *why = smalloc_check(q);
	int r = sfree(q), e = errno;

	if (r == -1 && e == EINVAL && why)
		printf("sfree(%s): refused (EINVAL): %s\n", label, why);
	else
		printf("sfree(%s): ACCEPTED (returned %d, %s): it must be "
		       "refused\n",
		       label, r, r ? errno_name(e) : "no error");
	check(r == -1 && e == EINVAL && why, label);
}

static void misuse(void)
{
	unsigned char *p, *heap, *foreign;
	bool intact = true;
	int r;

	printf("== misuse: bad sizes, and pointers smalloc did not return\n");
	/* Sizes first.  SIZE_MAX would overflow 32 + size without the check
	 * in smalloc(), and "succeed" with one page. */
	errno = 0;
	p = smalloc(0);
	printf("smalloc(0): %s, %s\n", p ? "a pointer" : "NULL",
	       errno_name(errno));
	check(!p && errno == EINVAL, "smalloc(0)");
	errno = 0;
	p = smalloc(SIZE_MAX);
	printf("smalloc(SIZE_MAX): %s, %s\n", p ? "a pointer" : "NULL",
	       errno_name(errno));
	check(!p && errno == ENOMEM, "smalloc(SIZE_MAX)");

	p = must_smalloc(100);
	memset(p, 'p', 100);

	/* free(NULL) is a no-op; so is sfree(NULL).  (Without its NULL
	 * check, sfree would read a header at address -32: SIGSEGV.) */
	errno = 0;
	r = sfree(NULL);
	printf("sfree(NULL): %d, errno %s (does nothing, like free(NULL))\n", r,
	       errno ? errno_name(errno) : "untouched");
	check(r == 0 && errno == 0, "sfree(NULL)");

	/* The seed's rule: never hand munmap a moved pointer. */
	refuse("p + 1", p + 1);
	refuse("p + 16", p + 16);
	refuse("p - 32, the page start", p - SMALLOC_HEADER);

	/* A heap block that happens to have the right alignment: mapped, but
	 * no magic.  (aligned_alloc so the layout matches; zeroed.) */
	heap = must_aligned_alloc(pg, 2 * pg);
	memset(heap, 0, 2 * pg);
	refuse("a heap pointer laid out like a block", heap + SMALLOC_HEADER);
	free(heap);

	/* A mapping smalloc never made, with a header that looks right except
	 * for the magic.  Without the magic check, sfree would unmap it. */
	foreign = CHK_MAP(mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
			  "mmap", "foreign");
	((uint64_t *)foreign)[1] = 2 * pg; /* maplen */
	((uint64_t *)foreign)[2] = 100;	   /* size */
	refuse("a foreign mapping with a forged header",
	       foreign + SMALLOC_HEADER);
	printf("the foreign mapping is still there: %s\n",
	       mapped(foreign, 2 * pg) ? "yes" : "no");
	check(mapped(foreign, 2 * pg), "foreign mapping kept");
	CHK(munmap(foreign, 2 * pg), "munmap", "foreign");

	/* After all that, p must be untouched. */
	for (int i = 0; i < 100; i++)
		intact = intact && p[i] == 'p';
	printf("p is still mapped and intact: %s\n",
	       mapped(p - SMALLOC_HEADER, pg) && intact ? "yes" : "no");
	check(mapped(p - SMALLOC_HEADER, pg) && intact, "p intact");

	printf("sfree(p): %d\n", sfree(p));
	refuse("p again, a double sfree", p);
}

/* SIZE: bytes with an optional K or M suffix, 1 .. 64M. */
static bool parse_size(const char *s, size_t *out)
{
	unsigned long long v;
	int shift = 0;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	if (shift)
		end++;
	if (*end || v == 0 || v > (64ull << 20) >> shift)
		return false;
	*out = (size_t)(v << shift);
	return true;
}

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	pg = (size_t)sysconf(_SC_PAGESIZE);
	if (argc < 2)
		usage_error(usage_text, NULL);

	if (strcmp(argv[1], "sizes") == 0) {
		size_t size;

		printf("page size %zu, header %d bytes: smalloc(n) maps "
		       "round_up(%d + n, %zu) bytes\n",
		       pg, SMALLOC_HEADER, SMALLOC_HEADER, pg);
		for (int i = 2; i < argc; i++)
			if (!parse_size(argv[i], &size))
				usage_error(usage_text,
					    "SIZE must be 1 byte .. 64M");
		if (argc == 2) {
			check_size(1);
			check_size(pg - SMALLOC_HEADER);
			check_size(pg);
			check_size(1 << 20);
		}
		for (int i = 2; i < argc; i++) {
			parse_size(argv[i], &size);
			check_size(size);
		}
	} else if (strcmp(argv[1], "misuse") == 0 && argc == 2) {
		misuse();
	} else {
		usage_error(usage_text, NULL);
	}
	if (!all_ok)
		fail("some checks FAILED (see above)");
	printf("all checks passed\n");
	return 0;
}
