/*
 * reader.c - lab 7: the reading side of a message log in a shared file
 * (msglog.h).  An ordinary separate program: start it before the writer
 * (it waits for PATH to appear), while the writer runs (it catches up,
 * then follows), or after (it replays the file).
 *
 *   $ build/07-unrelated-processes/reader -v /tmp/log
 *   reader: opened /tmp/log (1048576 bytes), written by pid 4527
 *   hello from an unrelated process
 *   second message
 *   third and last
 *   reader: end marker after 3 messages
 *
 * Usage: reader [-t SECONDS] [-v] PATH   (-t: give up after that long
 *        without news, default 30, 0 = as long as the writer lives)
 *
 * Waiting for MESSAGES: futex(2) FUTEX_WAIT on the `published` word, for
 * at most WAIT_MS at a time.  The writer's FUTEX_WAKE ends the wait at
 * once, so the latency is a system call, not a polling interval; the
 * period only bounds how long a DEAD writer goes unnoticed.  Is the
 * writer alive?  It holds an exclusive flock(2) on the file for its whole
 * life, and the kernel drops that lock when it exits, however it dies
 * (even SIGKILL): writer_alive() asks flock(2).
 *
 * Man pages: mmap(2), futex(2), flock(2); C11 7.17 (memory orders).
 */
#include "shmlabs.h"

#include "msglog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

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

static void options(int argc, char **argv);
static void follow(const unsigned char *base, uint64_t size, int fd);
static bool writer_alive(int fd);

int main(int argc, char **argv)
{
	const unsigned char *base;
	uint64_t size;
	int fd;

	lab_init(argc, argv);
	options(argc, argv);
	fd = log_wait_open(path, timeout_ms, timeout_arg, verbose);
	base = log_map(fd, path, &size);
	if (verbose)
		fprintf(stderr,
			"reader: opened %s (%llu bytes), written by pid %d\n",
			path, (unsigned long long)size,
			(int)((const struct log_header *)base)->writer_pid);
	follow(base, size, fd); /* returns only at the end marker */
	if (fflush(stdout) == EOF || ferror(stdout))
		die("write", "stdout");
	return 0;
}

/* A record failed a check: the file is damaged, or not written by us. */
static noreturn void corrupt(uint32_t seq, const char *what)
{
	fail("%s is damaged at record %u: %s", path, seq, what);
}

/* Print records until the end marker.  Nothing here trusts the file: each
 * record is checked before a byte of it is printed. */
static void follow(const unsigned char *base, uint64_t size, int fd)
{
	/* In a PROT_READ mapping: a store through it would crash. */
	struct log_header *hdr = (struct log_header *)base;
	const struct timespec period = { 0, WAIT_MS * 1000000L };
	int64_t deadline = deadline_in(timeout_ms);
	uint64_t off = hdr->header_size;
	uint32_t seen = 0;

	for (;;) {
		/* 1. Acquire: pairs with the writer's release store, so
		 *    records 1..n are completely visible once we see n. */
		uint32_t n = atomic_load_explicit(&hdr->published,
						  memory_order_acquire);

		if (n < seen)
			corrupt(n, "the record count went backwards");
		if (n > seen)
			deadline = deadline_in(timeout_ms);
		/* 2. Every record up to n, with plain loads. */
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
			if (rec->kind == REC_END) {
				if (verbose)
					fprintf(stderr,
						"reader: end marker after %u messages\n",
						seen);
				return;
			}
			if (rec->kind == REC_FULL) {
				fflush(stdout);
				fail("the writer stopped early: %s filled up after %u messages",
				     path, seen);
			}
			if (rec->kind != REC_MESSAGE)
				corrupt(seen + 1, "unknown record kind");
			fwrite(rec->data, 1, rec->len, stdout);
			putchar('\n');
		}

		/* 3. Nothing new: sleep until `published` is no longer n, for
		 *    at most one period. */
		if (futex_wait(&hdr->published, n, &period) == 0 ||
		    errno == EAGAIN || errno == EINTR)
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
			fail("the writer (pid %d) died without the end marker, after %u messages",
			     (int)hdr->writer_pid, seen);
		}
		if (now_ms() >= deadline) {
			fflush(stdout);
			fail("no new message for %s s (the writer, pid %d, is still running); giving up",
			     timeout_arg, (int)hdr->writer_pid);
		}
	}
}

/*
 * Is a writer still holding its flock on the log?  Better than asking
 * about writer_pid: a pid can be reused by an unrelated process once the
 * writer is gone.  writer_pid in the header is only for the messages.
 */
static bool writer_alive(int fd)
{
	/* BEGIN EXERCISE 7.2: Tell whether the writer still runs.  It holds
	 * an exclusive flock(2) on the log for as long as it lives; ask,
	 * without ever blocking, whether a shared lock could be had now, and
	 * read the answer: which result means "alive", which means "gone"?
	 * Do not keep a lock you got; on any other error, die("flock", path).
	 * Hint: flock(2), LOCK_NB and its ERRORS; the kernel drops a dead
	 * process's locks, even after SIGKILL. */
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		CHK(flock(fd, LOCK_UN), "flock", path);
		return false;
	}
	if (errno != EWOULDBLOCK)
		die("flock", path);
	return true;
	/* STUB
	(void)fd;
	fail("exercise 7.2 is not done yet: cannot tell whether the writer of %s is alive",
	     path);
	*/
	/* END EXERCISE */
}

/* -t SECONDS: a number >= 0, kept as given for the messages. */
static void timeout_option(const char *arg)
{
	char *end;
	double t;

	errno = 0;
	t = strtod(arg, &end);
	if (errno || end == arg || *end || !(t >= 0) || t > 1e6)
		usage_error(usage_text, "SECONDS must be a number >= 0");
	timeout_arg = arg;
	timeout_ms = (int64_t)(t * 1000 + 0.5);
	if (t > 0 && timeout_ms == 0)
		timeout_ms = 1; /* 0 would mean "no limit" */
}

static void options(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "t:v")) != -1) {
		if (opt == 't')
			timeout_option(optarg);
		else if (opt == 'v')
			verbose = true;
		else
			usage_error(usage_text, NULL);
	}
	if (argc - optind != 1)
		usage_error(usage_text, NULL);
	path = argv[optind];
	if (!*path)
		usage_error(usage_text, "PATH must not be empty");
}
