/*
 * writer.c - lab 7: the writing side of a message log in a shared file.
 *
 * writer creates the log file PATH, maps it MAP_SHARED and appends one
 * record per message (each command-line MESSAGE, or each line of standard
 * input), then an end marker.  reader (reader.c), a separate program
 * started on its own, before, during or after the writer, prints them.
 * The two are not parent and child: they meet through the file's name.
 * The layout and the protocol are in msglog.h; read it first.
 *
 *   $ build/07-unrelated-processes/writer -v /tmp/log "hello from an unrelated process" "second message" "third and last"
 *   writer: created /tmp/log (1048576 bytes), pid 4527, waiting for messages
 *   writer: 3 messages, then the end marker
 *
 * Usage: writer [-c CAPACITY] [-v] PATH [MESSAGE...]   In two terminals:
 *   reader -v /tmp/log, then writer -v /tmp/log and type lines: each shows
 *   in the reader at once (a futex wakes it: no polling); Ctrl-D ends both.
 *
 * How the file comes to exist matters, because the reader may already be
 * waiting for it:
 *   1. mkstemp(3) a temporary file PATH.XXXXXX in the same directory;
 *   2. flock(2) it: the lock says "a writer is alive" (see reader.c);
 *   3. ftruncate(2) to the full capacity, mmap(2) it, fill in the header;
 *   4. renameat2(2) it to PATH with RENAME_NOREPLACE.
 * A reader can therefore never open a half-initialised file: PATH appears
 * atomically, already complete.  Classic mistake: open(PATH, O_CREAT) and
 * then initialise; a reader that opens the file in between sees size 0
 * (mapping it and touching the page gives SIGBUS) or a header of zeros.
 * RENAME_NOREPLACE also refuses to overwrite an existing log (EEXIST)
 * instead of silently replacing it under its readers.
 *
 * Man pages: mmap(2), mkstemp(3), flock(2), ftruncate(2), rename(2)
 * (renameat2, RENAME_NOREPLACE), futex(2), getline(3).
 */
#include "shmlabs.h"

#include "msglog.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

static const char usage_text[] =
	"[-c CAPACITY] [-v] PATH [MESSAGE...]\n  Creates the log file PATH (it must not exist yet) and appends each\n  MESSAGE, or each line of standard input when there is none, then\n  the end marker.  The file stays when the writer exits.\n  -c CAPACITY  size of the log file, K/M suffix (4K..1G, default 1M)\n  -v           narrate on standard error";

static bool verbose;

struct writer {
	unsigned char *base;	/* the mapping: header, then records */
	struct log_header *hdr; /* == base */
	uint64_t off;		/* where the next record goes */
	uint32_t count;		/* records published so far */
};

static int create_log(const char *path, uint64_t capacity, struct writer *w);
static bool append(struct writer *w, enum rec_kind kind, const void *data,
		   size_t len);

int main(int argc, char **argv)
{
	uint64_t capacity = 1 << 20;
	struct writer w;
	size_t size;
	const char *path;
	bool full = false;
	int opt, fd;

	lab_init(argc, argv);
	while ((opt = getopt(argc, argv, "c:v")) != -1) {
		switch (opt) {
		case 'c':
			if (!parse_size(optarg, &size) || size < 4096 ||
			    size > (1u << 30))
				usage_error(usage_text,
					    "CAPACITY must be 4K..1G bytes");
			capacity = size;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			usage_error(usage_text, NULL);
		}
	}
	if (optind >= argc)
		usage_error(usage_text, NULL);
	path = argv[optind++];
	if (!*path)
		usage_error(usage_text, "PATH must not be empty");

	fd = create_log(path, capacity, &w);

	if (optind < argc) {
		for (int i = optind; i < argc && !full; i++)
			full = !append(&w, REC_MESSAGE, argv[i],
				       strlen(argv[i]));
	} else {
		char *line = NULL;
		size_t cap = 0;
		ssize_t n;

		/* One message per line, without its newline.  Each goes out
		 * as soon as it is read: type in a terminal and watch. */
		while (!full && (n = getline(&line, &cap, stdin)) != -1) {
			if (n > 0 && line[n - 1] == '\n')
				n--;
			full = !append(&w, REC_MESSAGE, line, (size_t)n);
		}
		if (ferror(stdin))
			die("read", "stdin");
		free(line);
	}

	/* The end marker.  append() kept room for it, so it always fits. */
	if (!append(&w, full ? REC_FULL : REC_END, NULL, 0))
		fail("no room for the end marker (cannot happen)");
	if (verbose)
		fprintf(stderr, "writer: %u messages, then the end marker\n",
			w.count - 1);
	CHK(munmap(w.base, capacity), "munmap", path);
	CHK(close(fd), "close", path); /* releases the flock */
	if (full)
		fail("%s is full (%llu bytes): only %u messages fit; use -c for a bigger log",
		     path, (unsigned long long)capacity, w.count - 1);
	return 0;
}

/*
 * Make records 1..COUNT visible to the readers.  Everything the writer
 * stored before (the record's seq, len, kind and data) must be visible to
 * a reader BEFORE it can see the new count: that is exactly what a release
 * store guarantees to a reader that loads the count with acquire.  Then
 * wake the readers that sleep in FUTEX_WAIT on the count.
 */
static void publish(struct log_header *hdr, uint32_t count)
{
	/* BEGIN EXERCISE 7.1: Publish COUNT: make it the new value of
	 * hdr->published so that a reader that loads the word with acquire
	 * (reader.c) also sees every byte of records 1..COUNT; then wake every
	 * reader sleeping on that word (msglog.h has the helper; check its
	 * result with CHK).  Hint: C11 7.17.3 (memory orders) and
	 * atomic_store_explicit() of <stdatomic.h>; futex(2), FUTEX_WAKE.
	 * The order of the two steps matters: what would a reader woken
	 * first find? */
	atomic_store_explicit(&hdr->published, count, memory_order_release);
	CHK(futex_wake_all(&hdr->published), "futex", "FUTEX_WAKE");
	/* STUB
	static bool told;

	(void)hdr;
	if (!told && count > 0)
		fprintf(stderr, "writer: exercise 7.1 is not done yet: record %u is written but never published\n", count);
	told = true;
	*/
	/* END EXERCISE */
}

/*
 * Append one record and publish it.  Returns false when it does not fit.
 * A message always leaves room for the end marker behind it, so the
 * reader is told how the log ended even when it is full.
 */
static bool append(struct writer *w, enum rec_kind kind, const void *data,
		   size_t len)
{
	uint64_t need = rec_size(len);
	uint64_t keep = kind == REC_MESSAGE ? rec_size(0) : 0;
	struct log_record *r;

	if (len > UINT32_MAX || need + keep > w->hdr->capacity - w->off)
		return false;
	r = (struct log_record *)(w->base + w->off);
	/* Plain stores: no reader looks at this record before the release
	 * store in publish() says it is complete.  The padding is already
	 * zero: the file was extended by ftruncate, and nothing was here. */
	r->seq = w->count + 1;
	r->len = (uint32_t)len;
	r->kind = kind;
	if (len > 0) /* memcpy(d, NULL, 0) is undefined: the end marker */
		memcpy(r->data, data, len);
	w->off += need;
	w->count++;
	publish(w->hdr, w->count);
	return true;
}

/*
 * Steps 1-4 of the header comment.  Returns the descriptor, which stays
 * open until exit: it holds the flock that tells readers we are alive.
 * (Lab 1 closes the fd right after mmap; here the fd has a second job.)
 */
static int create_log(const char *path, uint64_t capacity, struct writer *w)
{
	static char tmp[PATH_MAX]; /* the cleanup registry keeps a pointer */
	int fd, h;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		fail("%s: path too long", path);
	/* Same directory as PATH: rename(2) cannot cross filesystems. */
	fd = CHK(mkstemp(tmp), "mkstemp", tmp);
	h = cleanup_add(CL_PATH, tmp, 0); /* until it has its final name */
	/* mkstemp makes the file 0600; let other users read the log. */
	CHK(fchmod(fd, 0644), "fchmod", tmp);
	CHK(flock(fd, LOCK_EX), "flock", tmp);
	CHK(ftruncate(fd, (off_t)capacity), "ftruncate", tmp);

	w->base =
		mmap(NULL, capacity, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (w->base == MAP_FAILED)
		die("mmap", tmp);
	w->hdr = (struct log_header *)w->base;
	w->off = sizeof(struct log_header);
	w->count = 0;
	memcpy(w->hdr->magic, LOG_MAGIC, sizeof(w->hdr->magic));
	w->hdr->version = LOG_VERSION;
	w->hdr->header_size = sizeof(struct log_header);
	w->hdr->capacity = capacity;
	w->hdr->writer_pid = (int32_t)getpid();
	atomic_store_explicit(&w->hdr->published, 0, memory_order_relaxed);

	/*
	 * Give it its name, atomically, and only if PATH does not exist.
	 * The header stores above need no atomics: a reader can only find
	 * the file after rename(), and it reads the header after its own
	 * open() and mmap(); the kernel's locking inside those system calls
	 * orders our plain stores before its loads.  Filesystems
	 * without RENAME_NOREPLACE (EINVAL) get link(2), which also refuses
	 * an existing name, then unlink(2) of the temporary name.
	 */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == -1) {
		if (errno != EINVAL)
			die("renameat2", path);
		CHK(link(tmp, path), "link", path);
		CHK(unlink(tmp), "unlink", tmp);
	}
	cleanup_done(h); /* PATH is the log now: it stays when we exit */
	if (verbose)
		fprintf(stderr,
			"writer: created %s (%llu bytes), pid %d, waiting for messages\n",
			path, (unsigned long long)capacity, (int)getpid());
	return fd;
}
