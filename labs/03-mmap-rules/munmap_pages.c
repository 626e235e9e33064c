/*
 * munmap_pages.c - Lab 3, rules 7 and 8: munmap() takes page-aligned
 * addresses, not only "exactly what mmap() returned": any whole pages of
 * a mapping can be unmapped, punching a hole.
 *
 *   $ munmap_pages
 *   [7] munmap(p + 1): not the address mmap() returned
 *       fd = open(file, O_RDONLY)
 *       p = mmap(one page); munmap(p + 1, 4096)
 *       expected EINVAL, observed EINVAL: PASS
 *   [8] munmap() of the second page only
 *       fd = open(file, O_RDONLY)
 *       p = mmap(2 pages); munmap(p + 4096, 4096); touch p[0], p[4096]
 *       expected success (page 1 kept, page 2 gone: SIGSEGV), observed success (page 1 kept, page 2 gone: SIGSEGV): PASS
 *   2 of 2 experiments behaved as expected
 *
 * Man pages: munmap(2), mmap(2).
 */
#include "shmlabs.h"
#include "rules.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* 7. munmap(2): "The address addr must be a multiple of the page size",
 * or EINVAL.  Classic mistake: code that advances the pointer it got from
 * mmap() (p++ while parsing) and later unmaps that pointer gets EINVAL -
 * and, if it does not check munmap's result, leaks the mapping. */
static const char *munmap_plus_one(void)
{
	rule(7, "munmap(p + 1): not the address mmap() returned");
	/* Seed bug: "munmap() exactly what mmap() returned" (guide, lab 3). */
	char *p = map_file(1, O_RDONLY, "O_RDONLY");

	printf("    p = mmap(one page); munmap(p + 1, %zu)\n", page);
	const char *obs = outcome(munmap(p + 1, page) == -1);

	CHK(munmap(p, page), "munmap", path); /* the right call */
	return obs;
}

/* 8. Whole pages inside a mapping: the rest stays usable. */
static const char *munmap_second_page(void)
{
	rule(8, "munmap() of the second page only");
	char *p = map_file(2, O_RDONLY, "O_RDONLY");
	siginfo_t s1 = { 0 }, s2 = { 0 };
	static char obs[128];

	printf("    p = mmap(2 pages); munmap(p + %zu, %zu); touch p[0], p[%zu]\n",
	       page, page, page);
	if (munmap(p + page, page) == -1) {
		snprintf(obs, sizeof(obs), "%s", errno_name(errno));
		CHK(munmap(p, 2 * page), "munmap", path);
		return obs;
	}
	int first = try_read(p, NULL, &s1);
	int second = try_read(p + page, NULL, &s2);

	if (first == 0 && second == SIGSEGV && s2.si_code == SEGV_MAPERR)
		snprintf(obs, sizeof(obs),
			 "success (page 1 kept, page 2 gone: SIGSEGV)");
	else
		snprintf(obs, sizeof(obs), "success (page 1: %s; page 2: %s)",
			 fault_name(first, s1.si_code),
			 fault_name(second, s2.si_code));
	CHK(munmap(p, page), "munmap", path); /* what is left of it */
	return obs;
}

int main(int argc, char **argv)
{
	rules_init(argc, argv,
		   "\n  rules 7 and 8: munmap() of page-aligned addresses");
	verdict("EINVAL", munmap_plus_one());
	verdict("success (page 1 kept, page 2 gone: SIGSEGV)",
		munmap_second_page());
	return rules_done();
}
