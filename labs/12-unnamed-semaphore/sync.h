/*
 * sync.h - lab 12: the five calls writer.c and reader.c make, here done
 * with two UNNAMED POSIX semaphores that live inside the one shared
 * memory object (sync.c).  Labs 11, 13 and 14 have a sync.h with the same
 * calls and another method behind them.
 */
#ifndef SYNC_H
#define SYNC_H

#include <err.h>
#include <stdbool.h>
#include <stdint.h>

/* Payload bytes of a chunk: the last member of the one shared object. */
#define CHUNK_SIZE 4096
/* The longest sem_clockwait() between two looks at the peer's pidfd. */
#define SYNC_PERIOD_MS 250

enum role { WRITER = 0, READER = 1 };

/* The chunk, right after the two sem_t in /dev/shm/PREFIX-xfer-shm:
 * its length (0 = end of data) and its bytes. */
struct chunk {
	uint32_t len;
	unsigned char data[CHUNK_SIZE];
};

/* With -v, warnx(3) narrates on stderr, prefixed by the program name. */
extern bool sync_verbose;
#define note(...) (sync_verbose ? warnx(__VA_ARGS__) : (void)0)

/* Open the published object, or build one (sem_init with pshared = 1)
 * under a private name and publish it.  STOP_IN_INIT: a builder stops
 * (SIGSTOP) just before it publishes.  Returns the chunk, which lives in
 * the object next to the semaphores. */
struct chunk *sync_join(enum role me, bool stop_in_init);

/* sem_wait() on my semaphore in the object (the writer's can_write, the
 * reader's can_read).  Exits 1 if the peer dies meanwhile. */
void sync_wait_turn(void);

/* sem_post() on the peer's semaphore in the object. */
void sync_pass_turn(void);

/* Exit 1 if the peer has joined and is gone (a pidfd, pidfd_open(2)). */
void sync_check_peer(void);

/* munmap(); the writer, the last to use them, also runs sem_destroy()
 * and unlinks the object. */
void sync_leave(void);

#endif
