/*
 * xfer.h - what lab 11's writer and reader share: the layout of the POSIX
 * shared memory object, the names of the objects, and the functions of
 * xfer.c (the rendezvous, the semaphore waits, the peer check).
 *
 * Read writer.c first (it tells the story of one chunk), then reader.c,
 * then xfer.c (how the two processes find each other).
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

enum role { WRITER = 0, READER = 1 };

/*
 * The shared memory object, "/PREFIX-xfer-shm" (/dev/shm/PREFIX-xfer-shm).
 * Nothing in here synchronises anything: the two NAMED semaphores do that
 * (they are separate objects, /dev/shm/sem.PREFIX-xfer-can-write and
 * .../sem.PREFIX-xfer-can-read).  Lab 12 moves them into this struct.
 *
 * pid[] is read by the other process at any time (to see whether its peer
 * still lives), outside the semaphore protocol, so it is atomic.  A
 * lock-free atomic is just a memory word with atomic instructions, so it
 * works between processes; a non-lock-free one would hide a lock inside
 * ONE process and not work at all (hence the static_assert in xfer.c).
 *
 * len and data[] are plain memory.  They need no atomics: the writer fills
 * them before sem_post(can-read), the reader reads them after its
 * sem_wait(can-read) returned, and POSIX (XBD 4.12 "Memory
 * Synchronization") makes sem_post/sem_wait order memory like a lock does.
 */
struct xfer_shm {
	atomic_int pid[2]; /* [WRITER], [READER]: 0 until that side joined */
	uint32_t len;	   /* bytes in data[]; 0 is the end-of-data marker */
	unsigned char data[CHUNK_SIZE];
};

/* What one process holds after xfer_open(). */
struct xfer {
	enum role role;
	bool creator;		/* this side created and initialised */
	struct xfer_shm *shm;	/* our mapping of the object */
	sem_t *can_write;	/* "the buffer is free": starts at 1 */
	sem_t *can_read;	/* "a chunk is waiting": starts at 0 */
	unsigned long narrated; /* chunks narrated so far with -v */
};

extern bool verbose; /* -v: narrate on stderr */

/* Narrate on stderr, only with -v: "writer: ...". */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse [-v] (and --chunk-size for the writer, which prints CHUNK_SIZE and
 * exits 0).  Anything else: usage, exit 2. */
void xfer_options(int argc, char **argv, enum role role);

/* Find the peer's objects or create them, whichever side comes first. */
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

/* Unmap, close and unlink everything (the peer may have unlinked first). */
void xfer_close(struct xfer *x);

#endif
