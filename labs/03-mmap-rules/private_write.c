/*
 * private_write.c - Lab 3, rule 2: MAP_PRIVATE is copy-on-write.  Stores
 * go to private copies of the pages and never to the file, so a read-only
 * descriptor is enough even for PROT_WRITE - unlike rule 1.  It must
 * still be readable (rule 3, access_mode).
 * Seed bug: "for MAP_PRIVATE the permissions do not matter" (guide, lab 3).
 *
 *   $ private_write
 *   [2] MAP_PRIVATE + PROT_WRITE on an O_RDONLY fd
 *       fd = open(file, O_RDONLY)
 *       mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE, fd, 0), then store 'W' at p[0]
 *       p[0] is now 'W' in this process
 *       pread(fd, 1 byte, offset 0) -> 'a'
 *       expected success (file unchanged), observed success (file unchanged): PASS
 *   1 of 1 experiments behaved as expected
 *
 * Man pages: mmap(2) (MAP_PRIVATE), pread(2).
 */
#include "shmlabs.h"
#include "rules.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *private_write_on_rdonly(void)
{
	int fd = open_file(O_RDONLY, "O_RDONLY");

	printf("    mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_PRIVATE, fd, 0), then store 'W' at p[0]\n",
	       page);
	/* BEGIN EXERCISE 3.1: Write the mmap(2) call of this experiment: one
	 * page of the read-only descriptor FD at offset 0, readable AND
	 * writable, private (copy-on-write), into P.  Then answer the
	 * guide's lab 3 question 6: why is this legal on an O_RDONLY
	 * descriptor when experiment 1 is not, and why does the file stay
	 * unchanged? */
	char *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	/* STUB
	char *p = MAP_FAILED;
	errno = ENOSYS;
	*/
	/* END EXERCISE */
	if (p == MAP_FAILED) {
		const char *obs = errno_name(errno);

		CHK(close(fd), "close", path);
		return obs;
	}
	p[0] = 'W';
	printf("    p[0] is now '%c' in this process\n", p[0]);
	CHK(munmap(p, page), "munmap", path);

	char c = 0;

	CHK(pread(fd, &c, 1, 0), "pread", path);
	printf("    pread(fd, 1 byte, offset 0) -> '%c'\n", c);
	CHK(close(fd), "close", path);
	return c == 'a' ? "success (file unchanged)" : "success (file CHANGED)";
}

int main(int argc, char **argv)
{
	rules_init(argc, argv,
		   "\n  rule 2: MAP_PRIVATE + PROT_WRITE needs only O_RDONLY");
	rule(2, "MAP_PRIVATE + PROT_WRITE on an O_RDONLY fd");
	verdict("success (file unchanged)", private_write_on_rdonly());
	return rules_done();
}
