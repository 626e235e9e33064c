/*
 * sync.h - lab 14: the five calls writer.c and reader.c make, here done
 * with a flag in POSIX shared memory and SIGUSR1 as the doorbell
 * (sync.c).  No semaphore at all.  Labs 11-13 have a sync.h with the same
 * calls and a semaphore behind them.
 */
#ifndef SYNC_H
#define SYNC_H

#include <err.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/* Payload bytes of a chunk, in the object after the pids and the flag. */
#define CHUNK_SIZE 4096
/* A waiting side sleeps in sigtimedwait(2) at most this long,
 * then asks the peer's pidfd whether the peer still lives. */
#define SYNC_PERIOD_MS 250
/* The doorbell.  Its default action terminates the process. */
#define WAKE_SIG SIGUSR1

enum role { WRITER = 0, READER = 1 };

/* What the turn flag hands over, in /dev/shm/PREFIX-xfer-shm:
 * a length (0 marks the end of data) and the bytes. */
struct chunk {
	uint32_t len;
	unsigned char data[CHUNK_SIZE];
};

/* Narration for -v, with warnx(3): "reader: ...", on stderr. */
extern bool sync_verbose;
#define note(...) (sync_verbose ? warnx(__VA_ARGS__) : (void)0)

/* Block WAKE_SIG, create or open the object (all zeros is its initial
 * state: the writer's turn), store our pid in it.  STOP_IN_INIT: a
 * creator stops (SIGSTOP) before it gives the new object its size. */
struct chunk *sync_join(enum role me, bool stop_in_init);
/* Until the flag says it is my turn: sigtimedwait(2) for the doorbell,
 * with a timeout; exits 1 if the peer dies meanwhile. */
void sync_wait_turn(void);
/* Store the peer's turn in the flag, then ring: WAKE_SIG to the peer. */
void sync_pass_turn(void);
/* Exit 1 if the peer has joined and is gone (its pidfd, pidfd_open(2)). */
void sync_check_peer(void);
/* munmap(); the writer, the last user, also unlinks the object.  With
 * -v: how many sleeps, wake-up signals, strays, timeouts, lost. */
void sync_leave(void);

#endif
