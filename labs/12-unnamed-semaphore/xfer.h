/*
 * xfer.h - what lab 12's writer and reader share: the ONE shared memory
 * object that holds everything, semaphores included, and the functions of
 * xfer.c (the rendezvous, the waits, the peer check).
 *
 * Read writer.c first, then reader.c, then xfer.c.
 */
#ifndef XFER_H
#define XFER_H

#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Payload bytes in one chunk; the same in labs 11-14 (`writer --chunk-size`). */
#define CHUNK_SIZE 4096

/* "shm-labs lab 12, layout 1": written last by the creator. */
#define XFER_MAGIC 0x4c313201u

enum role { WRITER = 0, READER = 1 };

/*
 * The shared memory object "/PREFIX-xfer-shm" - the only object of a
 * transfer (`ls /dev/shm` shows one file, no sem.* files).
 *
 * The two semaphores are UNNAMED (memory-based): a sem_t is just memory
 * that sem_init(3) formats, and sem_wait/sem_post work on whatever memory
 * it is in.  That is why they must be HERE, inside the shared mapping:
 *
 *   - a sem_t in a global or on the stack of the writer is private memory
 *     of the writer.  The reader's copy of "the same" variable is another
 *     object at another physical address: the writer's sem_post would
 *     change a counter the reader never looks at, and the reader would
 *     sleep forever.  (After fork(2) a private sem_t is even COPIED, so
 *     parent and child each get their own - which is why the seed insists
 *     on creating the unnamed semaphore in the shared memory.)
 *   - in the shared mapping both processes touch the same bytes, and the
 *     kernel's futex, which sem_wait sleeps on, is keyed on the physical
 *     page, so a post in one process wakes a waiter in the other - if the
 *     semaphore was initialised with pshared = 1 (see xfer.c).
 *
 * Seed gap: the seed's method 2 has the right idea - a struct { sem_t
 * semr, semw; char buf[MAXSIZE]; } in the shared memory - but leaves out
 * what makes it work: a length (its buffer holds C strings, so no binary data),
 * pshared = 1, who calls sem_init and how the other side knows it has
 * been called (xfer.c), and who calls sem_destroy at the end.
 *
 * pid[] and magic are read outside the semaphore protocol, so they are
 * atomic (lock-free, see the static_assert in xfer.c); len and data[] are
 * ordered by sem_post/sem_wait (POSIX XBD 4.12).
 */
struct xfer_shm {
	atomic_uint magic; /* XFER_MAGIC once initialised */
	atomic_int pid[2]; /* [WRITER], [READER]: 0 until that side joined */
	sem_t can_write;   /* "the buffer is free": starts at 1 */
	sem_t can_read;	   /* "a chunk is waiting": starts at 0 */
	uint32_t len;	   /* bytes in data[]; 0 is the end-of-data marker */
	unsigned char data[CHUNK_SIZE];
};

/* What one process holds after xfer_open(). */
struct xfer {
	enum role role;
	bool creator;		/* this side created and initialised */
	struct xfer_shm *shm;	/* our mapping of the object */
	sem_t *can_write;	/* &shm->can_write */
	sem_t *can_read;	/* &shm->can_read */
	unsigned long narrated; /* chunks narrated so far with -v */
};

extern bool verbose; /* -v: narrate on stderr */

/* Narrate on stderr, only with -v: "writer: ...". */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse [-v] [--pause-before-publish] (and --chunk-size for the writer,
 * which prints CHUNK_SIZE and exits 0).  Anything else: usage, exit 2. */
void xfer_options(int argc, char **argv, enum role role);

/* Join the published object, or build and publish one. */
void xfer_open(struct xfer *x, enum role role);

/* Wait for a semaphore, checking every second that the peer still lives. */
void xfer_wait(const struct xfer *x, sem_t *sem, const char *what);
/* Post a semaphore (checked). */
void xfer_post(sem_t *sem, const char *what);

/* read(2) from stdin, up to LEN bytes, checking the peer while stdin is
 * idle.  Returns the byte count, 0 at end of input. */
size_t xfer_read_input(const struct xfer *x, void *buf, size_t len);

/* Say "chunk N: ..." with -v for the first few chunks only. */
void xfer_note_chunk(struct xfer *x, unsigned long n, uint32_t len,
		     const char *what);

/* The end: the writer (the last user of the semaphores) destroys them;
 * both unmap and unlink the name (the peer may have unlinked it first). */
void xfer_close(struct xfer *x);

#endif
