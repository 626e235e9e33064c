/*
 * seal_shrink.c - Lab 2: protecting a mapping from a shrinking file.  A
 * lock does not: flock(2) and fcntl(2) locks are advisory, another process
 * that ignores them can still ftruncate(2) the file, and our next access
 * is SIGBUS (a lease, F_SETLEASE, only notifies its holder and delays the
 * truncate).  A seal does: a memfd_create(2) object sealed with
 * F_SEAL_SHRINK can never get smaller, for anybody, while growing still
 * works.
 *
 *   $ seal_shrink
 *   [lock] a 2-page file, mapped; we hold flock(LOCK_EX) on it
 *     another process: flock(LOCK_NB):         expected EAGAIN, observed EAGAIN
 *     another process: ftruncate(100) anyway:  expected success, observed success
 *     our read of page 2:                      expected SIGBUS, observed SIGBUS
 *   [seal] a 2-page memfd, mapped; fcntl(F_ADD_SEALS, F_SEAL_SHRINK)
 *     fcntl(F_GET_SEALS):                      expected F_SEAL_SHRINK, observed F_SEAL_SHRINK
 *     another process: ftruncate(100):         expected EPERM, observed EPERM
 *     another process: ftruncate(3 pages):     expected success, observed success
 *     our read of page 2:                      expected no signal, observed no signal
 *   all observations as expected
 *
 * Man pages: memfd_create(2), fcntl(2) (File Sealing), flock(2),
 * ftruncate(2).
 */
#include "shmlabs.h"
#include "catch_sigbus.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *in_other_process(int fd, bool lock, off_t size);
static char *map_two_pages(int fd, const char *what);

static void lock_does_not_protect(void)
{
	int fd = temp_file((off_t)(2 * page));
	char v;

	printf("[lock] a 2-page file, mapped; we hold flock(LOCK_EX) on it\n");
	char *map = map_two_pages(fd, "2-page file");

	CHK(flock(fd, LOCK_EX), "flock", "2-page file");
	/* flock(2) documents EWOULDBLOCK: the same number as EAGAIN. */
	fact("another process: flock(LOCK_NB):", "EAGAIN",
	     in_other_process(fd, true, 0));
	fact("another process: ftruncate(100) anyway:", "success",
	     in_other_process(fd, false, 100));
	fact("our read of page 2:", "SIGBUS",
	     signame(touch(map + page, false, &v)));
	CHK(munmap(map, 2 * page), "munmap", "2-page file");
	CHK(close(fd), "close", "2-page file");
}

static void seal_protects(void)
{
	char v;

	printf("[seal] a 2-page memfd, mapped; fcntl(F_ADD_SEALS, F_SEAL_SHRINK)\n");
	/* Seals need MFD_ALLOW_SEALING; without it F_ADD_SEALS is EPERM. */
	int fd = CHK(
		memfd_create("shmlabs-seal", MFD_CLOEXEC | MFD_ALLOW_SEALING),
		"memfd_create", "shmlabs-seal");

	fill_file(fd, (off_t)(2 * page), "memfd");
	char *map = map_two_pages(fd, "memfd");

	CHK(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), "fcntl", "F_ADD_SEALS");
	int seals = CHK(fcntl(fd, F_GET_SEALS), "fcntl", "F_GET_SEALS");

	fact("fcntl(F_GET_SEALS):", "F_SEAL_SHRINK",
	     seals == F_SEAL_SHRINK ? "F_SEAL_SHRINK" : "other seals");
	/* Seals belong to the object (the inode), not to a descriptor:
	 * every open of it, in any process, is bound by them. */
	fact("another process: ftruncate(100):", "EPERM",
	     in_other_process(fd, false, 100));
	fact("another process: ftruncate(3 pages):", "success",
	     in_other_process(fd, false, (off_t)(3 * page)));
	fact("our read of page 2:", "no signal",
	     signame(touch(map + page, false, &v)));
	CHK(munmap(map, 2 * page), "munmap", "memfd");
	CHK(close(fd), "close", "memfd");
}

int main(int argc, char **argv)
{
	buslab_init(
		argc, argv,
		"\n  a lock cannot stop another process's ftruncate; a seal can");
	catch_faults();
	lock_does_not_protect();
	seal_protects();
	return facts_verdict();
}

/* ---- scaffolding ------------------------------------------------------ */

static char *map_two_pages(int fd, const char *what)
{
	char *map = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);

	if (map == MAP_FAILED)
		die("mmap", what);
	return map;
}

/* A child opens the file of descriptor FD anew, through /proc/self/fd
 * (a new open file description, as an unrelated process would get; the
 * inherited FD itself would share our lock), and tries flock(LOCK_EX |
 * LOCK_NB) (LOCK) or ftruncate(SIZE).  Returns "success" or the errno
 * name the child got. */
static const char *in_other_process(int fd, bool lock, off_t size)
{
	pid_t pid = CHK(fork(), "fork", NULL);

	if (pid == 0) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		int fd2 = open(path, O_RDWR);

		if (fd2 == -1)
			die("open", path);
		int r = lock ? flock(fd2, LOCK_EX | LOCK_NB)
			     : ftruncate(fd2, size);
		/* 0, or 100 + errno (die() exits 1). */
		_exit(r == 0 ? 0 : 100 + errno);
	}
	int status;

	CHK(waitpid(pid, &status, 0), "waitpid", "child");
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;

	if (code != 0 && code < 100)
		return "the child failed";
	return code == 0 ? "success" : errno_name(code - 100);
}
