/*
 * pshm_create.c - Lab 10: create a POSIX shared-memory object, give it a
 * size with ftruncate, write through a mapping, and exit WITHOUT
 * shm_unlink.  The object stays (kernel persistence, like System V): it
 * is the file /dev/shm/NAME on a tmpfs.  pshm_read, pshm_info and
 * pshm_unlink then work on the same object, ipc_name("persist").
 *
 *   $ pshm_create "hello, posix"
 *   created /shmlabs-alice-persist (/dev/shm/shmlabs-alice-persist), 13 bytes, by pid 23308; exiting without shm_unlink
 *   $ ls -l /dev/shm/shmlabs-alice-persist
 *   -rw------- 1 root root 13 Nov 22 00:10 /dev/shm/shmlabs-alice-persist
 *   $ pshm_create < /bin/true           no TEXT: all of stdin, binary-safe
 *
 * Man pages: shm_open(3), ftruncate(2), mmap(2), tmpfs(5).
 */
#include "pshm.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char usage[] = "[TEXT]   (no TEXT: store all of stdin)";

static char *input(const char *text, size_t *len);

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	if (argc > 2)
		usage_error(usage, "one TEXT at most");

	const char *name = persist_name();
	size_t len;
	char *data = input(argv[1], &len);
	int h, fd = obj_create(name, 0600, &h);

	/* A new object has size 0: ftruncate gives it LEN bytes, exactly (a
	 * reader learns them with fstat).  Forget it and the first store is
	 * SIGBUS (pshm_nosize). */
	CHK(ftruncate(fd, (off_t)len), "ftruncate", name);

	/* An empty object is fine, but cannot be mapped: mmap rejects length
	 * 0 with EINVAL. */
	if (len > 0) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED,
			       fd, 0);
		if (p == MAP_FAILED) /* (void *)-1, not NULL */
			die("mmap", name);
		memcpy(p, data, len);
		CHK(munmap(p, len), "munmap", name);
	}
	CHK(close(fd), "close", name);
	free(data);
	printf("created %s (%s), %zu bytes, by pid %ld; exiting without shm_unlink\n",
	       name, shm_path(name), len, (long)getpid());
	cleanup_done(h); /* deliberately left for the other programs */
	return 0;
}

/* TEXT and a newline, or all of standard input (binary data too). */
static char *input(const char *text, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		fail("out of memory");
	if (text) {
		n = (size_t)snprintf(buf, cap, "%s\n", text);
		if (n >= cap)
			fail("TEXT is longer than %zu bytes: use stdin", cap);
	} else {
		if (isatty(0))
			fprintf(stderr,
				"%s: reading the data from standard input (end it with Ctrl-D)\n",
				lab_prog);
		for (;;) {
			ssize_t r =
				CHK(read(0, buf + n, cap - n), "read", "stdin");
			if (r == 0)
				break;
			n += (size_t)r;
			if (n == cap) {
				char *bigger = realloc(buf, cap *= 2);
				if (!bigger)
					fail("out of memory");
				buf = bigger;
			}
		}
	}
	*len = n;
	return buf;
}
