/*
 * pshm_nosize.c - Lab 10: forgetting ftruncate, the classic POSIX-shm
 * crash.  A new object has size 0.  mmap(2) does not care - it maps a
 * range of the file, whatever the file's size - but touching a page that
 * lies wholly beyond end-of-file raises SIGBUS (si_code BUS_ADRERR).
 * Growing the file afterwards makes the SAME mapping usable: the size is
 * the file's, not the mapping's.
 *
 *   $ pshm_nosize
 *   new object /shmlabs-alice-nosize: st_size 0
 *     mmap(length 0): the size fstat gave          -> EINVAL (Invalid argument), as expected
 *   mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED) -> 0x7f1b4c9b4000: mmap itself succeeds
 *   write to p[0] with size 0: SIGBUS caught (si_code BUS_ADRERR)
 *   ftruncate(fd, 100): st_size 100
 *   write to p[0] and p[4095] with size 100: fine (the last page is usable up to its end)
 *   removed /shmlabs-alice-nosize
 *
 * Man pages: shm_open(3), ftruncate(2), mmap(2) (SIGBUS), lab 2.
 */
#include "pshm.h"

#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	const char *name = ipc_name("nosize");
	long page = page_size();
	struct stat st;
	int h, fd = obj_create(name, 0600, &h);

	CHK(fstat(fd, &st), "fstat", name);
	printf("new object %s: st_size %lld\n", name, (long long)st.st_size);

	/* mmap(2) reports failure as MAP_FAILED, which is (void *)-1. */
	void *none = mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0);
	refused("mmap(length 0): the size fstat gave",
		none == MAP_FAILED ? -1 : 0, EINVAL);

	char *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, 0);
	if (p == MAP_FAILED)
		die("mmap", name);
	printf("mmap(NULL, %ld, PROT_READ|PROT_WRITE, MAP_SHARED) -> %p: mmap itself succeeds\n",
	       page, (void *)p);

	siginfo_t si;
	if (try_write(p, 'a', &si) != SIGBUS)
		fail("writing beyond end-of-file did NOT raise SIGBUS");
	printf("write to p[0] with size 0: SIGBUS caught (si_code %s)\n",
	       si.si_code == BUS_ADRERR ? "BUS_ADRERR" : "other");

	CHK(ftruncate(fd, 100), "ftruncate", name);
	CHK(fstat(fd, &st), "fstat", name);
	printf("ftruncate(fd, 100): st_size %lld\n", (long long)st.st_size);
	if (try_write(p, 'a', NULL) || try_write(p + page - 1, 'z', NULL))
		fail("writing inside the file's last page faulted");
	printf("write to p[0] and p[%ld] with size 100: fine (the last page is usable up to its end)\n",
	       page - 1);

	CHK(munmap(p, (size_t)page), "munmap", name);
	CHK(close(fd), "close", name);
	obj_unlink(name, h);
	printf("removed %s\n", name);
	return 0;
}
