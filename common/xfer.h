/*
 * xfer.h - the five calls each of labs 11-14 implements in its sync.c, and
 * the chunk they hand back and forth.  writer.c and reader.c, the same in
 * all four labs, use only this: the method is sync.c's (LAB_GUIDE.md shows
 * how to diff two labs' sync.c).
 */
#ifndef XFER_H
#define XFER_H

#include <err.h>
#include <stdbool.h>
#include <stdint.h>

/* Payload bytes of a chunk, the last part of the shared memory. */
#define CHUNK_SIZE 4096
/* The longest a side sleeps (in a wait, or the writer in poll(2)) before it
 * looks again whether the peer still lives. */
#define SYNC_PERIOD_MS 250

enum role { WRITER = 0, READER = 1 };

/* The chunk in shared memory: a length (0: the end of data), the bytes.
 * Whose turn it is to touch it is what sync.c decides. */
struct chunk {
	uint32_t len;
	unsigned char data[CHUNK_SIZE];
};

/* -v: narrate on stderr, "writer: ..." (warnx(3) prefixes the name). */
extern bool sync_verbose;
#define note(...) (sync_verbose ? warnx(__VA_ARGS__) : (void)0)

/* Create the shared objects, or join the peer's; the chunk in them.
 * STOP_IN_INIT: a creator stops (SIGSTOP) halfway, to test a late-comer. */
struct chunk *sync_join(enum role me, bool stop_in_init);
/* Sleep until it is my turn (the writer's: the chunk is free; the
 * reader's: a chunk is in it).  Exits 1 if the peer dies meanwhile. */
void sync_wait_turn(void);
/* Give the turn to the peer, and wake it. */
void sync_pass_turn(void);
/* Exit 1 if the peer has joined and is gone. */
void sync_check_peer(void);
/* Detach; the writer, the last to use them, also removes the objects. */
void sync_leave(void);

#endif
