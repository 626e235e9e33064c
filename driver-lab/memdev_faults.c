/*
 * memdev_faults.c - lab 17: watch the two mmap methods build page tables.
 *
 *   memdev_faults [PAGE...]     (default: 0 2 0; needs the memdev module)
 *
 * Maps the whole buffer of /dev/memdev0 (remap_pfn_range at mmap time) and
 * of /dev/memdev1 (a .fault handler, one page per fault), then reads one
 * byte of each PAGE in turn, through both mappings.  After every step it
 * prints, per device, how often the driver's fault handler has run since
 * the mapping was made (/sys/class/memdev/memdevN/faults) and the
 * mapping's Rss in /proc/self/smaps.  At the end it stores a label into
 * every page through each mapping (zeros after it) and checks that read(2)
 * returns the same bytes, and that the two devices agree.
 *
 * A session in the QEMU guest (insmod memdev.ko; default pages=4):
 *   # memdev_faults
 *   step                     memdev0 faults  Rss    memdev1 faults  Rss
 *   mapped 4 pages                        0   0 kB               0   0 kB
 *   read page 0                           0   0 kB               1   4 kB
 *   read page 2                           0   0 kB               2   8 kB
 *   read page 0                           0   0 kB               2   8 kB
 *   stored into every page                0   0 kB               4  16 kB
 *   read(2) agrees with both mappings: 16384 bytes each
 *
 * What it shows: memdev0's pages are all mapped after mmap() (reading
 * them never enters the driver) and yet its Rss stays 0: a PFN mapping
 * has no pages the memory manager counts.  memdev1 faults once per page
 * the first time it is touched, never again, and its Rss grows by one
 * page per fault.
 *
 * See mmap(2), proc(5) (/proc/PID/smaps: Rss), and the guide, lab 17.
 */
#include "shmlabs.h"
#include "memdev_facts.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define NDEV 2

struct view {
	const char *dev; /* /dev/memdevN */
	int fd;
	char *map;   /* the whole buffer, MAP_SHARED */
	long faults; /* the driver's count when we mapped */
};

static size_t size; /* each buffer, in bytes (the same for both) */

static void row(const char *step, struct view *v);
static unsigned char touch(const char *p);
static void store_and_compare(struct view *v);

int main(int argc, char **argv)
{
	static const char *defaults[] = { "0", "2", "0" };
	struct view v[NDEV] = { { .dev = "/dev/memdev0" },
				{ .dev = "/dev/memdev1" } };
	const char **touches = defaults;
	int ntouches = 3;
	char step[32];

	lab_init(argc, argv);
	facts_init();
	if (argc > 1) {
		if (argv[1][0] == '-')
			usage_error("[PAGE...]", NULL);
		touches = (const char **)argv + 1;
		ntouches = argc - 1;
	}

	/* 1. Map both buffers whole.  memdev0's page tables are complete
	 *    now; memdev1's are empty. */
	for (int i = 0; i < NDEV; i++) {
		v[i].fd = open_dev(v[i].dev, O_RDWR);
		size = dev_size(v[i].fd, v[i].dev);
		v[i].map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
				v[i].fd, 0);
		if (v[i].map == MAP_FAILED) /* not NULL: mmap(2) */
			die("mmap", v[i].dev);
		v[i].faults = dev_faults(v[i].fd, v[i].dev);
	}
	printf("%-24s %14s %6s %14s %6s\n", "step", "memdev0 faults", "Rss",
	       "memdev1 faults", "Rss");
	snprintf(step, sizeof(step), "mapped %zu pages", size / pg);
	row(step, v);

	/* 2. Read one byte of each page asked for, through both mappings. */
	for (int t = 0; t < ntouches; t++) {
		char *end;
		unsigned long k = strtoul(touches[t], &end, 10);

		if (*touches[t] == '\0' || *end != '\0' || k >= size / pg)
			usage_error("[PAGE...]", "a page number of the buffer");
		for (int i = 0; i < NDEV; i++)
			touch(v[i].map + k * pg);
		snprintf(step, sizeof(step), "read page %lu", k);
		row(step, v);
	}

	/* 3. Store through the mappings, compare with read(2). */
	store_and_compare(v);

	for (int i = 0; i < NDEV; i++) {
		CHK(munmap(v[i].map, size), "munmap", v[i].dev);
		CHK(close(v[i].fd), "close", v[i].dev);
	}
	return 0;
}

/* ---- scaffolding ---------------------------------------------------- */

/* One row: the step, then each device's faults since mmap and Rss. */
static void row(const char *step, struct view *v)
{
	printf("%-24s", step);
	for (int i = 0; i < NDEV; i++)
		printf(" %14ld %3ld kB",
		       dev_faults(v[i].fd, v[i].dev) - v[i].faults,
		       smaps_kb(v[i].map, "Rss"));
	printf("\n");
}

/* A byte of the mapping, read once (the compiler must not skip it). */
static unsigned char touch(const char *p)
{
	return *(const volatile char *)p;
}

/* Label every page through each mapping, then read(2) it all back. */
static void store_and_compare(struct view *v)
{
	char *buf = malloc(size);

	if (!buf)
		fail("out of memory");
	for (int i = 0; i < NDEV; i++) {
		for (size_t k = 0; k < size / pg; k++) {
			char *page = v[i].map + k * pg;

			memset(page, 0, pg);
			snprintf(page, pg, "page %zu of the buffer", k);
		}
	}
	row("stored into every page", v);
	for (int i = 0; i < NDEV; i++) {
		ssize_t n =
			CHK(pread(v[i].fd, buf, size, 0), "pread", v[i].dev);

		if ((size_t)n != size || memcmp(buf, v[i].map, size) != 0)
			fail("%s: read(2) and the mapping disagree", v[i].dev);
	}
	if (memcmp(v[0].map, v[1].map, size) != 0)
		fail("the two devices hold different bytes");
	printf("read(2) agrees with both mappings: %zu bytes each\n", size);
	free(buf);
}
