/*
 * bad_access.c - Lab 3, rules 9 and 10: the MMU enforces a mapping.  A
 * store into a PROT_READ page and any access after munmap() raise
 * SIGSEGV; si_code tells them apart: SEGV_ACCERR (mapped, but not
 * allowed) and SEGV_MAPERR (nothing mapped there).  Root is no exception.
 * common/'s try_read()/try_write() catch the signal (lab 2 shows how).
 *
 *   $ bad_access
 *   [9] store into a PROT_READ mapping
 *       fd = open(file, O_RDWR)
 *       p = mmap(PROT_READ, MAP_SHARED) of an O_RDWR fd; p[0] = 'W'
 *       expected SIGSEGV (SEGV_ACCERR), observed SIGSEGV (SEGV_ACCERR): PASS
 *   [10] touch the memory after munmap()
 *       fd = open(file, O_RDONLY)
 *       p = mmap(one page); munmap(p, 4096); read p[0]
 *       expected SIGSEGV (SEGV_MAPERR), observed SIGSEGV (SEGV_MAPERR): PASS
 *   2 of 2 experiments behaved as expected
 *
 * Man pages: sigaction(2) (si_code: SEGV_ACCERR, SEGV_MAPERR), mmap(2),
 * munmap(2), mprotect(2).
 */
#include "shmlabs.h"
#include "rules.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* 9. The descriptor could write (O_RDWR), the mapping may not: the
 * protection of the mapping is what the MMU checks, on every store. */
static const char *write_read_only(void)
{
	rule(9, "store into a PROT_READ mapping");
	char *p = map_file(1, O_RDWR, "O_RDWR");
	siginfo_t si = { 0 };

	printf("    p = mmap(PROT_READ, MAP_SHARED) of an O_RDWR fd; p[0] = 'W'\n");
	int sig = try_write(p, 'W', &si);

	CHK(munmap(p, page), "munmap", path);
	return fault_name(sig, si.si_code);
}

/* 10. Seed 002: after munmap() the addresses are gone.  A dangling
 * pointer into an unmapped region faults at once and reliably - better
 * than one into the heap, where free() usually leaves the memory readable
 * and the bug silent.  Unless something new is mapped there in between:
 * so nothing that might mmap (printf may allocate) between the munmap()
 * and the access, and no threads: another thread could map anything. */
static const char *touch_after_munmap(void)
{
	rule(10, "touch the memory after munmap()");
	char *p = map_file(1, O_RDONLY, "O_RDONLY");
	siginfo_t si = { 0 };

	printf("    p = mmap(one page); munmap(p, %zu); read p[0]\n", page);
	CHK(munmap(p, page), "munmap", path);
	int sig = try_read(p, NULL, &si);

	return fault_name(sig, si.si_code);
}

int main(int argc, char **argv)
{
	rules_init(argc, argv,
		   "\n  rules 9 and 10: SIGSEGV, SEGV_ACCERR and SEGV_MAPERR");
	verdict("SIGSEGV (SEGV_ACCERR)", write_read_only());
	verdict("SIGSEGV (SEGV_MAPERR)", touch_after_munmap());
	return rules_done();
}
