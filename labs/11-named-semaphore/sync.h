/*
 * sync.h - lab 11: the five calls writer.c and reader.c make, here done
 * with two NAMED POSIX semaphores (sync.c).  Labs 12-14 have a sync.h
 * with the same calls and another method behind them.
 */
#ifndef SYNC_H
#define SYNC_H

#include <err.h>
#include <stdbool.h>
#include <stdint.h>

/* Payload bytes of a chunk; the shm object holds two pids and one chunk. */
#define CHUNK_SIZE 4096
/* How long one sem_clockwait() sleeps before it asks after the peer. */
#define SYNC_PERIOD_MS 250

enum role { WRITER = 0, READER = 1 };

/* The chunk, in /dev/shm/PREFIX-xfer-shm: a length (0 marks the end of
 * data), then the bytes.  Two named semaphores say whose it is. */
struct chunk {
	uint32_t len;
	unsigned char data[CHUNK_SIZE];
};

/* -v: narrate on stderr, "writer: ..." (warnx(3) prefixes the name). */
extern bool sync_verbose;
#define note(...) (sync_verbose ? warnx(__VA_ARGS__) : (void)0)

/* Create the objects, or open the peer's: the shm object and the
 * semaphores can-write (1) and can-read (0).  STOP_IN_INIT: a creator
 * stops (SIGSTOP) before it opens the "ready" gate.  Returns the chunk,
 * which lives in the shm object. */
struct chunk *sync_join(enum role me, bool stop_in_init);

/* sem_wait() on my semaphore: can-write for the writer, can-read for the
 * reader.  Exits 1 if the peer dies meanwhile. */
void sync_wait_turn(void);

/* sem_post() on the peer's semaphore. */
void sync_pass_turn(void);

/* Exit 1 if the peer has joined and is gone (kill(2), signal 0). */
void sync_check_peer(void);

/* sem_close() and munmap(); the writer, the last to use them, also
 * unlinks every name. */
void sync_leave(void);

#endif
