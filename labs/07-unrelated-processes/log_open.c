/*
 * log_open.c - lab 7: the reader's way to a message log (msglog.h): wait,
 * bounded, for the writer to create PATH, then map it read-only and check
 * that it really is a log before trusting a byte of it.
 *
 * Waiting for the FILE: inotify(7) on PATH's directory.  Arm the watch
 * FIRST, THEN try open() again: a file created between the two steps
 * still produces an event, so nothing is missed.  (Waiting right after a
 * failed open, without that second look, loses a file that appears in
 * between, and then waits for an event that never comes.)
 *
 * Man pages: inotify(7), poll(2), open(2) (O_NONBLOCK), mmap(2),
 * clock_gettime(2).
 */
#include "shmlabs.h"

#include "msglog.h"

#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/stat.h>

/*
 * O_NONBLOCK only matters if PATH is not a regular file: opening a FIFO
 * for reading would otherwise wait for a writer to open it, possibly
 * forever.  With it, open() returns at once and log_map() refuses the FIFO.
 */
#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK)

/* CLOCK_MONOTONIC never jumps (clock_gettime(2)): deadlines hold. */
int64_t now_ms(void)
{
	struct timespec ts;

	CHK(clock_gettime(CLOCK_MONOTONIC, &ts), "clock_gettime", NULL);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t deadline_in(int64_t timeout_ms)
{
	return timeout_ms > 0 ? now_ms() + timeout_ms : INT64_MAX;
}

int log_wait_open(const char *path, int64_t timeout_ms, const char *timeout_arg,
		  bool verbose)
{
	int64_t deadline = deadline_in(timeout_ms);
	char buf[PATH_MAX];
	const char *dir;
	int ifd, fd;

	fd = open(path, OPEN_FLAGS);
	if (fd != -1 || errno != ENOENT) {
		if (fd == -1)
			die("open", path);
		return fd; /* there already (or a replay after the fact) */
	}

	/* Not there yet.  Arm the watch on the directory, then look again. */
	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		fail("%s: path too long", path);
	dir = dirname(buf); /* may modify buf, hence the copy */
	ifd = CHK(inotify_init1(IN_NONBLOCK | IN_CLOEXEC), "inotify_init1",
		  NULL);
	/* The writer renames its finished file to PATH (IN_MOVED_TO); other
	 * tools may create it in place (IN_CREATE). */
	CHK(inotify_add_watch(ifd, dir, IN_MOVED_TO | IN_CREATE),
	    "inotify_add_watch", dir);
	if (verbose)
		fprintf(stderr, "reader: waiting for %s to appear\n", path);

	while ((fd = open(path, OPEN_FLAGS)) == -1) {
		struct pollfd pfd = { .fd = ifd, .events = POLLIN };
		char events[4096];
		int64_t left = deadline - now_ms();
		int ms = deadline == INT64_MAX ? -1
			 : left > INT32_MAX    ? INT32_MAX
					       : (int)left;

		if (errno != ENOENT)
			die("open", path);
		if (left <= 0)
			fail("%s did not appear within %s s", path,
			     timeout_arg);
		if (poll(&pfd, 1, ms) == -1 && errno != EINTR)
			die("poll", "inotify");
		/* Drain the events; which file they name does not matter:
		 * the open() above is the real test. */
		while (read(ifd, events, sizeof(events)) > 0)
			continue;
	}
	CHK(close(ifd), "close", "inotify");
	return fd;
}

/*
 * PROT_READ on an O_RDONLY fd: the reader needs no write permission on
 * the log, and cannot damage it by mistake.  FUTEX_WAIT only reads the
 * word, so it works on a read-only mapping.
 */
const unsigned char *log_map(int fd, const char *path, uint64_t *size)
{
	const struct log_header *h;
	struct stat st;
	void *p;

	CHK(fstat(fd, &st), "fstat", path);
	if (S_ISDIR(st.st_mode))
		fail("%s is a directory, not a message log", path);
	if (!S_ISREG(st.st_mode))
		fail("%s is not a regular file", path);
	if (st.st_size == 0)
		fail("%s is empty: not a message log", path);
	if ((uint64_t)st.st_size < sizeof(struct log_header))
		fail("%s is too small (%lld bytes) to be a message log", path,
		     (long long)st.st_size);
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap", path);
	h = p;
	if (memcmp(h->magic, LOG_MAGIC, sizeof(h->magic)) != 0)
		fail("%s is not a message log (no \"%s\" magic)", path,
		     LOG_MAGIC);
	if (h->version != LOG_VERSION ||
	    h->header_size != sizeof(struct log_header) ||
	    h->capacity != (uint64_t)st.st_size)
		fail("%s: unsupported or damaged log header", path);
	*size = (uint64_t)st.st_size;
	return p;
}
