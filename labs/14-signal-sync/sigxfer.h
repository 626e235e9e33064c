/*
 * sigxfer.h - what lab 14's writer and reader share: the layout of the
 * POSIX shared memory object and the functions of sigxfer.c.
 *
 * Read writer.c first (the whole story), then sigxfer.c.
 */
#ifndef SIGXFER_H
#define SIGXFER_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Payload bytes in one chunk: the same in labs 11-14 (`writer --chunk-size`
 * prints it). */
#define CHUNK_SIZE 4096

/* The doorbell.  Its default action is to terminate, so it must be
 * blocked BEFORE the peer can learn our pid (see xfer_open()). */
#define WAKE_SIG SIGUSR1

enum role { WRITER = 0, READER = 1 };

/*
 * The POSIX shared memory object /PREFIX-xfer-shm.  All zeros is the valid
 * initial state (nobody there yet, the writer owns an empty buffer), and
 * ftruncate(2) fills a new object with zeros: so there is nothing for the
 * creator to initialise, and nothing for the second process to wait for.
 */
struct shared {
	/* Each side's pid: the address for kill(2), and what kill(pid, 0)
	 * checks for a dead peer.  0 = not arrived yet.  Atomic, and every
	 * access sequentially consistent: see xfer_hand_over(). */
	_Atomic pid_t pid[2];
	/* WHO OWNS THE BUFFER: 0 = the writer (empty), 1 = the reader (a
	 * chunk is waiting).  This flag is the message; the signal is only a
	 * doorbell that says "look at the flag".  Signals do not queue and
	 * carry no state we could trust (two SIGUSR1s may arrive as one, one
	 * may come from a stranger), so the waiter always decides from the
	 * flag, never from the signal. */
	_Atomic int full;
	uint32_t len; /* bytes in data; 0 = end of data.  Owned with data. */
	unsigned char data[CHUNK_SIZE];
};

struct xfer {
	enum role role;
	bool verbose;
	bool creator;
	char *name; /* ipc_name("xfer-shm") */
	int cl_shm; /* cleanup registry handle */
	struct shared *sh;
	/* Statistics for -v and the tests. */
	unsigned long waits;	/* times we actually had to sleep */
	unsigned long signals;	/* WAKE_SIGs taken from the peer */
	unsigned long strays;	/* WAKE_SIGs from anybody else, ignored */
	unsigned long timeouts; /* 1 s periods that ended a sleep */
	unsigned long lost;	/* ... and found the flag already set */
};

/* Block WAKE_SIG, create or open the object, map it, claim our pid slot. */
void xfer_open(struct xfer *x, enum role role, bool verbose);
/* Sleep until sh->full == WANT, checking once a second that the peer is
 * alive.  Race-free: WAKE_SIG is blocked, we test the flag, and only then
 * take the signal with sigtimedwait(2). */
void xfer_wait_until(struct xfer *x, int want);
/* Store sh->full = NEW_FULL (giving the buffer away), then ring the peer. */
void xfer_hand_over(struct xfer *x, int new_full);
/* Exit 1 ("peer ... died") if the peer has arrived and is gone. */
void xfer_check_peer(struct xfer *x);
/* End of a successful transfer: unmap; REMOVE the name (the writer, last
 * to use it) or leave it to the peer (the reader). */
void xfer_close(struct xfer *x, bool remove);
/* Diagnostics, only with -v. */
void note(const struct xfer *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
