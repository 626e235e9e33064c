/*
 * writer.c - Lab 13, method 3 of the seed: a System V shared memory
 * segment guarded by a System V semaphore SET of two semaphores.
 *
 * The writer copies all of its standard input, chunk by chunk, into the
 * segment; the reader (reader.c) writes every chunk to its standard output.
 * A chunk is a length and up to 4096 bytes, so any binary data goes
 * through; a chunk of length 0 marks the end.
 *
 *   semaphore 0  CAN_READ   0 at first   "a chunk is waiting"
 *   semaphore 1  CAN_WRITE  1 at first   "the buffer is free"
 *
 *   writer                                  reader
 *   P(CAN_WRITE)                            P(CAN_READ)  ... sleeps
 *   read(stdin) -> segment (len, data)           .
 *   V(CAN_READ)  ------------------------->      wakes
 *   P(CAN_WRITE) ... sleeps                 write(stdout) <- segment
 *        wakes   <-------------------------  V(CAN_WRITE)
 *   ...                                     ...
 *   len = 0, V(CAN_READ) ------------------>  end of data: V(CAN_WRITE)
 *   P(CAN_WRITE): the reader has it all       exit 0
 *   IPC_RMID the set and the segment, exit 0
 *
 * Data is copied twice, as the seed says shared memory allows: read(2)
 * puts it straight into the segment, the reader's write(2) takes it from
 * there.  (A pipe would copy it into the kernel and out again.)
 *
 * Either side may start first: the first one creates and initialises the
 * objects, the other waits until that is done - see "The init race" at
 * the top of sysvxfer.c, the heart of this lab.  Where the seed's method 3
 * stops at "semget, semop, semctl", this lab adds what real programs need:
 *   - its own `union semun` (sysvxfer.h: glibc does not define it);
 *   - IPC_EXCL + waiting for sem_otime != 0 (the init race);
 *   - no SEM_UNDO, and why (top of sysvxfer.c; `semdemo undo`);
 *   - a dead peer is noticed: every wait is a semtimedop(2) of 1 s, after
 *     which kill(peer_pid, 0) tells whether the pid stored in the segment
 *     still exists.  Seed bug: its loops (method 1's code, whose flow
 *     method 3 repeats) wait forever on a peer that died.
 *
 * Run (two terminals, same user; any order):
 *   terminal 1:  build/13-sysv-semaphore/reader -v > /tmp/copy
 *   terminal 2:  build/13-sysv-semaphore/writer -v < /etc/services
 *   then:        cmp /etc/services /tmp/copy && echo same
 * While one side waits for the other:  ipcs -s  (a set with nsems 2) and
 * ipcs -m  (the segment; nattch 1 or 2).  `writer --stop-in-init` freezes
 * the creator inside the init window: `ipcs -s -i ID` shows "otime = Not
 * set"; a reader started then waits; `kill -CONT PID` lets both go on.
 *
 * Man pages: semget(2), semctl(2), semop(2) (semtimedop), shmget(2),
 * shmat(2), shmctl(2), sysvipc(7), kill(2), poll(2), ipcs(1).
 */
#include "shmlabs.h"
#include "sysvxfer.h"

#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

static const char usage[] =
	"[-v] [--stop-in-init] < INPUT\n"
	"       writer --chunk-size\n"
	"  Send all of standard input to `reader` through System V shared\n"
	"  memory and a set of two System V semaphores.\n"
	"  -v              narrate on stderr\n"
	"  --stop-in-init  (lab hook) if this writer creates the set, stop\n"
	"                  with SIGSTOP between SETALL and the first semop\n"
	"  --chunk-size    print the payload bytes of one chunk and exit";

/*
 * One read(2) from standard input into BUF: a chunk is whatever one read
 * returns (at most CHUNK_SIZE), so typed lines go out at once.  We hold
 * the buffer meanwhile, so the reader sleeps in P(CAN_READ) and checks on
 * us; and we check on it: poll(2) with a 1 s timeout, because a read(2)
 * from a silent pipe or terminal would never notice a dead reader.
 */
static size_t read_chunk(struct xfer *x, unsigned char *buf)
{
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };

	for (;;) {
		int ready = poll(&in, 1, 1000);

		if (ready == -1 && errno == EINTR)
			continue;
		CHK(ready, "poll", "stdin");
		if (ready == 0) { /* a silent second: is the reader alive? */
			xfer_check_peer(x);
			continue;
		}
		/* POLLIN or POLLHUP: read(2) returns data, or 0 at the end. */
		ssize_t n = read(STDIN_FILENO, buf, CHUNK_SIZE);

		if (n == -1 && errno == EINTR)
			continue;
		return (size_t)CHK(n, "read", "stdin");
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "chunk-size", no_argument, NULL, 'c' },
		{ "stop-in-init", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool verbose = false, stop_in_init = false, chunk_size = false;
	int opt;

	lab_init(argc, argv);
	opterr = 0; /* usage_error() explains instead */
	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			chunk_size = true;
			break;
		case 's':
			stop_in_init = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage_error(usage, NULL);
		default:
			usage_error(usage, "unknown option");
		}
	}
	if (optind < argc)
		usage_error(usage, "no arguments: the data comes on stdin");
	if (chunk_size) { /* no IPC object is touched */
		printf("%d\n", CHUNK_SIZE);
		return 0;
	}

	struct xfer x;
	unsigned long long bytes = 0, chunks = 0;

	xfer_open(&x, WRITER, verbose, stop_in_init);
	for (;;) {
		/* P(CAN_WRITE): wait until the buffer is ours. */
		xfer_wait(&x, SEM_CAN_WRITE);
		size_t n = read_chunk(&x, x.sh->data);

		x.sh->len = (uint32_t)n;
		/* V(CAN_READ): hand it over.  We must not touch it again
		 * until the reader gives it back. */
		xfer_post(&x, SEM_CAN_READ);
		bytes += n;
		chunks++;
		if (n == 0)
			break; /* that was the end-of-data marker */
	}
	/* The reader answers the end marker with a last V(CAN_WRITE) after
	 * writing everything out.  Waiting for it means our exit status 0
	 * says "delivered", and lets us, the last user, remove the objects
	 * (the reader may have exited already: nothing waits on them). */
	xfer_wait(&x, SEM_CAN_WRITE);
	note(&x, "sent %llu bytes in %llu chunks (the last one empty)", bytes,
	     chunks);
	xfer_close(&x, true);
	return 0;
}
