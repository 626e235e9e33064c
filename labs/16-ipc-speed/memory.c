/*
 * memory.c - lab 16: buffers whose pages exist before any clock starts,
 * and the getrusage arithmetic.  A page fault inside a timed loop costs
 * about as much as copying the page, so every buffer and the ring are
 * faulted in first; the faults/MiB column (measured) shows that it worked.
 *
 * Man pages: mmap(2), mprotect(2), madvise(2), getrusage(2), timersub(3).
 */
#include "ipc_speed.h"

#include <string.h>
#include <sys/time.h>

/*
 * A private buffer, with one spare page in front of it (the System V queue
 * borrows the 8 bytes before each message, see sysv_send) and a PROT_NONE
 * guard page behind it: a copy that runs past the end crashes at once
 * instead of quietly overwriting the next buffer.  mprotect works on whole
 * pages, so the page size comes from sysconf, never a 4096 written in (lab
 * 3).  MAP_POPULATE: the pages exist before any clock starts, since a page
 * fault costs about as much as copying the page.  MADV_DONTFORK keeps the
 * parent's buffers out of its children: otherwise fork(2) would make them
 * copy-on-write, and the parent's next store to each page would fault.
 */
unsigned char *alloc_buf(size_t len, bool dontfork)
{
	size_t total = page_size + round_up(len, page_size) + page_size;
	unsigned char *p =
		CHK_MAP(mmap(NULL, total, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0),
			"mmap", "buffer");

	CHK(mprotect(p + total - page_size, page_size, PROT_NONE), "mprotect",
	    "guard page");
	if (dontfork)
		CHK(madvise(p, total, MADV_DONTFORK), "madvise(MADV_DONTFORK)",
		    "buffer");
	return p + page_size;
}

/*
 * Map every page of a shared region into THIS process, writable, now.
 * fork(2) copies no page tables of shared mappings, and MAP_POPULATE on
 * MAP_SHARED populates for reading only.  MADV_POPULATE_WRITE (Linux 5.14)
 * does exactly this; older kernels get a read of every page.
 */
void prefault(void *p, size_t len, const char *what)
{
	if (madvise(p, len, MADV_POPULATE_WRITE) == 0)
		return;
	if (errno != EINVAL)
		die("madvise(MADV_POPULATE_WRITE)", what);
	for (size_t off = 0; off < len; off += page_size)
		(void)*((volatile unsigned char *)p + off);
}

double tv_secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static struct timeval tv_sub(struct timeval b, struct timeval a)
{
	struct timeval d;

	timersub(&b, &a, &d);
	return d;
}

/* *D = B - A for the fields the report uses. */
void rusage_diff(struct rusage *d, const struct rusage *a,
		 const struct rusage *b)
{
	memset(d, 0, sizeof(*d));
	d->ru_utime = tv_sub(b->ru_utime, a->ru_utime);
	d->ru_stime = tv_sub(b->ru_stime, a->ru_stime);
	d->ru_nvcsw = b->ru_nvcsw - a->ru_nvcsw;
	d->ru_minflt = b->ru_minflt - a->ru_minflt;
	d->ru_majflt = b->ru_majflt - a->ru_majflt;
}
