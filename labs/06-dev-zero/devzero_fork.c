/*
 * devzero_fork.c - lab 6: zeroed memory from /dev/zero, the way Unix got
 * it before MAP_ANONYMOUS: open(2) the device, mmap(2) it, fork(2).
 * MAP_SHARED memory reaches the parent, MAP_PRIVATE memory does not.
 *
 *   $ build/06-dev-zero/devzero_fork shared
 *   /dev/zero: character device 1:5, node on dev 00:06 inode 4
 *   mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) = 0x7feb36ff6000
 *   close(fd): the mapping stays
 *   zero-filled: 4096 of 4096 bytes are 0
 *   maps: 7feb36ff6000-7feb36ff7000 rw-s 00000000 00:01 1856    /dev/zero (deleted)
 *   smaps: Anonymous: 0 kB after writing one page (shared memory pages are not anonymous)
 *   parent: wrote 41 before fork()
 *   child:  sees 41, writes 42
 *   child:  maps: 7feb36ff6000-7feb36ff7000 rw-s 00000000 00:01 1856    /dev/zero (deleted)
 *   parent: after waitpid() sees 42
 *   result: shared with the child
 *
 * Usage: devzero_fork [-f DEVICE] shared|private
 *   -f DEVICE maps another character device; /dev/null cannot be mapped
 *   at all (ENODEV).  devzero_maps explains the maps lines.
 *
 * Man pages: zero(4), mmap(2), fork(2), proc(5) (/proc/pid/smaps).
 */
#include "shmlabs.h"

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage_text[] =
	"[-f DEVICE] shared|private\n"
	"  map DEVICE (default /dev/zero) MAP_SHARED or MAP_PRIVATE, then fork";

enum { BEFORE_FORK = 41, BY_CHILD = 42 };

static int open_device(const char *path);
static void show_maps(const char *who, const void *addr);
static bool fork_exchange(int *word);

int main(int argc, char **argv)
{
	const char *path = "/dev/zero";
	const size_t len = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *p;
	bool shared;
	size_t zeros = 0;
	int opt, fd;

	lab_init(argc, argv);
	while ((opt = getopt(argc, argv, "f:")) != -1) {
		if (opt != 'f')
			usage_error(usage_text, NULL);
		if (!*optarg)
			usage_error(usage_text, "DEVICE must not be empty");
		path = optarg;
	}
	if (argc - optind != 1)
		usage_error(usage_text, NULL);
	if (strcmp(argv[optind], "shared") == 0)
		shared = true;
	else if (strcmp(argv[optind], "private") == 0)
		shared = false;
	else
		usage_error(usage_text, "unknown mode");

	/* 1. open + mmap + close.  A device without an mmap method
	 *    (/dev/null, a tty) fails here with ENODEV.  The fd can go at
	 *    once: the mapping holds its own reference to the file (lab 1). */
	fd = open_device(path);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die("mmap", path);
	printf("mmap(NULL, %zu, PROT_READ|PROT_WRITE, %s, fd, 0) = %p\n", len,
	       shared ? "MAP_SHARED" : "MAP_PRIVATE", (void *)p);
	CHK(close(fd), "close", path);
	printf("close(fd): the mapping stays\n");

	/* 2. Every byte is zero; what maps and smaps call the mapping. */
	for (size_t i = 0; i < len; i++)
		zeros += p[i] == 0;
	printf("zero-filled: %zu of %zu bytes are 0\n", zeros, len);
	if (zeros != len)
		fail("a fresh mapping of %s was not all zero", path);
	show_maps("", p);
	p[len - 1] = 1; /* touch the page, then ask how it is accounted */
	printf("smaps: Anonymous: %ld kB after writing one page (%s)\n",
	       smaps_kb(p, "Anonymous"),
	       shared ? "shared memory pages are not anonymous"
		      : "private /dev/zero pages are ordinary anonymous memory");

	/* 3. The fork experiment. */
	if (fork_exchange((int *)p) != shared)
		fail("expected the %s mapping %sto be shared", path,
		     shared ? "" : "not ");
	CHK(munmap(p, len), "munmap", path);
	return 0;
}

/*
 * O_RDWR even for /dev/zero: a MAP_SHARED mapping with PROT_WRITE needs a
 * descriptor open for writing, whatever the file is (EACCES otherwise,
 * lab 3).  Seed bug: open() unchecked, fd never closed (guide, lab 6).
 */
static int open_device(const char *path)
{
	int fd = CHK(open(path, O_RDWR | O_CLOEXEC), "open", path);
	struct stat st;

	CHK(fstat(fd, &st), "fstat", path);
	if (!S_ISCHR(st.st_mode))
		fail("%s is not a character device (this lab maps devices; lab 1 maps regular files)",
		     path);
	printf("%s: character device %u:%u, node on dev %02x:%02x inode %lu\n",
	       path, major(st.st_rdev), minor(st.st_rdev), major(st.st_dev),
	       minor(st.st_dev), (unsigned long)st.st_ino);
	return fd;
}

static void show_maps(const char *who, const void *addr)
{
	char line[PATH_MAX + 128];

	if (!maps_find(addr, line, sizeof(line)))
		fail("no line of /proc/self/maps contains %p", addr);
	printf("%smaps: %s\n", who, line);
}

/*
 * Parent writes 41 and forks; the child reports what it sees and its own
 * maps line (fork copies the layout: same address, same object), writes
 * 42 and exits; after waitpid() the parent reads.  True when the parent
 * sees the child's 42.
 */
static bool fork_exchange(int *word)
{
	int status;
	pid_t pid;

	*word = BEFORE_FORK;
	printf("parent: wrote %d before fork()\n", *word);
	pid = CHK(fork(), "fork", NULL);
	if (pid == 0) {
		int seen = *word;

		printf("child:  sees %d, writes %d\n", seen, BY_CHILD);
		*word = BY_CHILD;
		show_maps("child:  ", word);
		fflush(stdout);
		_exit(seen == BEFORE_FORK ? 0 : 3);
	}
	CHK(waitpid(pid, &status, 0), "waitpid", NULL);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("the child did not see %d (wait status 0x%x)", BEFORE_FORK,
		     (unsigned)status);
	printf("parent: after waitpid() sees %d\n", *word);
	if (*word == BY_CHILD) {
		printf("result: shared with the child\n");
		return true;
	}
	printf("result: not shared: the child wrote its own copy-on-write page\n");
	return false;
}
