/*
 * reader.c - lab 7: the reading side of a message log in a shared file.
 *
 * reader maps the log file PATH (written by writer.c, see msglog.h)
 * MAP_SHARED and read-only, and prints every message, one per line, in
 * order, until the end marker.  It is an ordinary separate program: start
 * it before the writer (it waits for PATH to appear), while the writer
 * runs (it catches up, then follows), or after (it replays the file).
 *
 * Run:   make lab-7, or see writer.c for the two-terminal way.
 *   usage: reader [-t SECONDS] [-v] PATH
 *
 * Waiting, without burning the CPU and without hanging forever:
 *
 *  - for the FILE: inotify(7) on PATH's directory.  Arm the watch FIRST,
 *    THEN try open() again: a file created between the two steps still
 *    produces an event, so nothing is missed.  (Waiting right after a
 *    failed open, without that second look, loses a file that appears in
 *    between, and then waits for an event that never comes.)  poll(2)
 *    waits for an event with the remaining timeout.
 *  - for MESSAGES: futex(2) FUTEX_WAIT on the `published` word, for at
 *    most WAIT_MS at a time.  The writer's FUTEX_WAKE ends the wait at
 *    once, so the latency is a system call, not a polling interval; the
 *    period only bounds how long a DEAD writer goes unnoticed.
 *  - is the writer ALIVE?  The writer holds an exclusive flock(2) on the
 *    file for its whole life.  The kernel drops it when the writer exits,
 *    however it dies (even SIGKILL), so "flock(LOCK_SH|LOCK_NB) succeeds"
 *    means "no writer any more".  This is better than kill(pid, 0): a pid
 *    can be reused by an unrelated process, and kill() fails with EPERM
 *    for another user's process.  writer_pid in the header is only for
 *    the messages.
 *  - -t SECONDS bounds the wait for the file and for each new message
 *    while the writer is alive but silent (default 30; 0 = no limit).
 *
 * Classic mistakes this avoids: a busy loop `while (hdr->count == n);`
 * (burns a core and, with a plain int, may never see the change: the
 * compiler can hoist the load out of the loop); `sleep(1)` between checks
 * (a second of latency per message, and "sleep then hope" is no
 * synchronisation); a wait with no timeout (a dead writer hangs it).
 *
 * Man pages: mmap(2), futex(2), flock(2), inotify(7), poll(2),
 * clock_gettime(2).
 */
#include "shmlabs.h"

#include "msglog.h"

#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>

static const char usage_text[] =
	"[-t SECONDS] [-v] PATH\n"
	"  Prints every message of the log file PATH (made by writer),\n"
	"  one per line, in order, until the end marker.  Waits for PATH\n"
	"  to appear.\n"
	"  -t SECONDS  give up after this long without news (default 30;\n"
	"              0 = wait as long as the writer is alive)\n"
	"  -v          narrate on standard error";

enum { WAIT_MS = 200 }; /* longest futex sleep: how late a death is seen */

static bool verbose;
static const char *timeout_arg = "30"; /* as given, for the messages */
static int64_t timeout_ms = 30000;     /* 0: no limit */
static const char *path;

/* Milliseconds on CLOCK_MONOTONIC: unlike the wall clock it never jumps
 * (clock_gettime(2)), so a deadline computed from it holds. */
static int64_t now_ms(void)
{
	struct timespec ts;

	CHK(clock_gettime(CLOCK_MONOTONIC, &ts), "clock_gettime", NULL);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Deadline for "nothing new since now"; never without a timeout. */
static int64_t deadline_from_now(void)
{
	return timeout_ms > 0 ? now_ms() + timeout_ms : INT64_MAX;
}

/*
 * O_NONBLOCK only matters if PATH is not a regular file: opening a FIFO
 * for reading would otherwise wait for a writer to open it, possibly
 * forever.  With it, open() returns at once and map_log() refuses the FIFO.
 * (Reads of a regular file ignore the flag, and we do not read anyway.)
 */
#define OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK)

/* Open PATH, waiting (bounded) for the writer to create it. */
static int wait_for_file(void)
{
	char buf[PATH_MAX];
	const char *dir;
	int64_t deadline = deadline_from_now();
	int ifd, fd;

	fd = open(path, OPEN_FLAGS);
	if (fd != -1 || errno != ENOENT) {
		if (fd == -1)
			die("open", path);
		return fd; /* it is there already (or replay after the fact) */
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

/* Map PATH read-only and check that it is a message log. */
static const unsigned char *map_log(int fd, uint64_t *size)
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
	/*
	 * PROT_READ on an O_RDONLY fd: the reader needs no write permission
	 * on the log, and cannot damage it by mistake.  FUTEX_WAIT only reads
	 * the word, so it works on a read-only mapping.
	 */
	p = CHK_MAP(
		mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0),
		"mmap", path);
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

/*
 * Is a writer still holding its flock on the log?  A shared, non-blocking
 * lock is granted only when nobody holds an exclusive one.
 */
static bool writer_alive(int fd)
{
	/* BEGIN EXERCISE 7.2: Tell whether the writer still runs: try
	 * flock(fd, LOCK_SH | LOCK_NB).  EWOULDBLOCK means the writer holds
	 * its LOCK_EX (alive); success means nobody does (dead or finished):
	 * release the lock again with LOCK_UN.  Any other error: die.
	 * Hint: the kernel drops a dead process's flocks, even after SIGKILL. */
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		CHK(flock(fd, LOCK_UN), "flock", path);
		return false;
	}
	if (errno != EWOULDBLOCK)
		die("flock", path);
	return true;
	/* STUB
	(void)fd;
	return true;
	*/
	/* END EXERCISE */
}

/* A record failed a check: the file is damaged, or not written by us. */
static noreturn void corrupt(uint32_t seq, const char *what)
{
	fail("%s is damaged at record %u: %s", path, seq, what);
}

int main(int argc, char **argv)
{
	const unsigned char *base;
	struct log_header
		*hdr; /* in a PROT_READ mapping: a store would crash */
	const struct timespec period = { 0, WAIT_MS * 1000000L };
	uint64_t size, off;
	uint32_t seen = 0;
	int64_t deadline;
	double t;
	char *end;
	int opt, fd;

	lab_init(argc, argv);
	while ((opt = getopt(argc, argv, "t:v")) != -1) {
		switch (opt) {
		case 't':
			errno = 0;
			t = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(t >= 0) ||
			    t > 1e6)
				usage_error(usage_text,
					    "SECONDS must be a number >= 0");
			timeout_arg = optarg;
			timeout_ms = (int64_t)(t * 1000 + 0.5);
			if (t > 0 && timeout_ms == 0)
				timeout_ms = 1; /* 0 would mean "no limit" */
			break;
		case 'v':
			verbose = true;
			break;
		default:
			usage_error(usage_text, NULL);
		}
	}
	if (argc - optind != 1)
		usage_error(usage_text, NULL);
	path = argv[optind];
	if (!*path)
		usage_error(usage_text, "PATH must not be empty");

	fd = wait_for_file();
	base = map_log(fd, &size);
	hdr = (struct log_header *)base;
	off = hdr->header_size;
	if (verbose)
		fprintf(stderr,
			"reader: opened %s (%llu bytes), written by pid %d\n",
			path, (unsigned long long)size, (int)hdr->writer_pid);

	deadline = deadline_from_now();
	for (;;) {
		/* Acquire: pairs with the writer's release store, so records
		 * 1..n are completely visible once we see n. */
		uint32_t n = atomic_load_explicit(&hdr->published,
						  memory_order_acquire);
		long r;

		if (n < seen)
			corrupt(n, "the record count went backwards");
		if (n > seen)
			deadline = deadline_from_now();
		for (; seen < n; seen++) {
			const struct log_record *rec;

			if (off > size || size - off < sizeof(*rec))
				corrupt(seen + 1, "past the end of the file");
			rec = (const struct log_record *)(base + off);
			if (rec->seq != seen + 1)
				corrupt(seen + 1, "wrong sequence number");
			if (rec->len > size - off - sizeof(*rec))
				corrupt(seen + 1, "length past the end");
			off += rec_size(rec->len);
			switch (rec->kind) {
			case REC_MESSAGE:
				fwrite(rec->data, 1, rec->len, stdout);
				putchar('\n');
				break;
			case REC_END:
				if (verbose)
					fprintf(stderr,
						"reader: end marker after %u "
						"messages\n",
						seen);
				if (fflush(stdout) == EOF || ferror(stdout))
					die("write", "stdout");
				return 0;
			case REC_FULL:
				fflush(stdout);
				fail("the writer stopped early: %s filled up "
				     "after %u messages",
				     path, seen);
			default:
				corrupt(seen + 1, "unknown record kind");
			}
		}

		/* Nothing new: sleep until `published` is no longer n, for at
		 * most one period.  (FUTEX_WAIT only reads the word.) */
		r = futex_wait(&hdr->published, n, &period);
		if (r == 0 || errno == EAGAIN || errno == EINTR)
			continue; /* woken, or the count already changed */
		if (errno != ETIMEDOUT)
			die("futex", "FUTEX_WAIT");

		if (!writer_alive(fd)) {
			/* It may have published its last records (the end
			 * marker) just before it exited: look once more. */
			if (atomic_load_explicit(&hdr->published,
						 memory_order_acquire) != n)
				continue;
			fflush(stdout);
			fail("the writer (pid %d) died without the end marker, "
			     "after %u messages",
			     (int)hdr->writer_pid, seen);
		}
		if (now_ms() >= deadline) {
			fflush(stdout);
			fail("no new message for %s s (the writer, pid %d, is "
			     "still running); giving up",
			     timeout_arg, (int)hdr->writer_pid);
		}
	}
}
