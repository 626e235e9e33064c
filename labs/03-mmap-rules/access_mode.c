/*
 * access_mode.c - Lab 3, rules 1 and 3: the descriptor's open mode limits
 * a mapping.  A shared writable mapping writes the file, so it needs a
 * descriptor that may write; every file mapping needs one that may read.
 * The check compares the mapping with the descriptor's open mode
 * (O_RDONLY/O_WRONLY/O_RDWR), not with the file's permission bits, so
 * root gets EACCES too.  (Rule 2, MAP_PRIVATE, is private_write.)
 *
 *   $ access_mode
 *   [1] MAP_SHARED + PROT_WRITE on an O_RDONLY fd
 *       fd = open(file, O_RDONLY)
 *       (control: PROT_READ alone, MAP_SHARED: success)
 *       mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)
 *       expected EACCES, observed EACCES: PASS
 *   [3] any mapping of an O_WRONLY fd (mmap reads the file)
 *       fd = open(file, O_WRONLY)
 *       mmap(NULL, 4096, PROT_WRITE, MAP_SHARED, fd, 0)
 *       expected EACCES, observed EACCES: PASS
 *   2 of 2 experiments behaved as expected
 *
 * Man pages: mmap(2) (ERRORS: EACCES), mprotect(2), open(2).
 */
#include "shmlabs.h"
#include "rules.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* 1. mmap(2), EACCES: "MAP_SHARED was requested and PROT_WRITE is set, but
 * fd is not open in read/write (O_RDWR) mode".  The same check guards
 * mprotect(2): this shared PROT_READ mapping of an O_RDONLY descriptor
 * cannot be made writable later either. */
static const char *shared_write_on_rdonly(void)
{
	rule(1, "MAP_SHARED + PROT_WRITE on an O_RDONLY fd");
	int fd = open_file(O_RDONLY, "O_RDONLY");
	void *p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);

	/* MAP_FAILED is (void *)-1: "if (p == NULL)" never sees a failure. */
	printf("    (control: PROT_READ alone, MAP_SHARED: %s)\n",
	       outcome(p == MAP_FAILED));
	if (p != MAP_FAILED)
		CHK(munmap(p, page), "munmap", path);
	printf("    mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)\n",
	       page);
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	const char *obs = outcome(p == MAP_FAILED);

	if (p != MAP_FAILED)
		CHK(munmap(p, page), "munmap", path);
	CHK(close(fd), "close", path);
	return obs;
}

/* 3. Seed rule: "creating a mapping implies reading the file".  Even
 * PROT_WRITE alone needs a readable descriptor: on most CPUs a writable
 * page is readable too, and the kernel fills the pages by reading the
 * file.  mmap(2), EACCES: "a file mapping was requested, but fd is not
 * open for reading". */
static const char *write_only_fd(void)
{
	rule(3, "any mapping of an O_WRONLY fd (mmap reads the file)");
	int fd = open_file(O_WRONLY, "O_WRONLY");

	printf("    mmap(NULL, %zu, PROT_WRITE, MAP_SHARED, fd, 0)\n", page);
	void *p = mmap(NULL, page, PROT_WRITE, MAP_SHARED, fd, 0);
	const char *obs = outcome(p == MAP_FAILED);

	if (p != MAP_FAILED)
		CHK(munmap(p, page), "munmap", path);
	CHK(close(fd), "close", path);
	return obs;
}

int main(int argc, char **argv)
{
	rules_init(
		argc, argv,
		"\n  rules 1 and 3: the descriptor's open mode limits a mapping");
	verdict("EACCES", shared_write_on_rdonly());
	verdict("EACCES", write_only_fd());
	return rules_done();
}
