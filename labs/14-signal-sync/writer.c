/*
 * writer.c - Lab 14, method 4 of the seed: POSIX shared memory, and
 * SIGNALS to wake the other side.  No semaphore anywhere.
 *
 * The writer copies all of its standard input, chunk by chunk, into the
 * shared memory object; the reader (reader.c) writes every chunk to its
 * standard output.  A chunk is a length and up to 4096 bytes; a chunk of
 * length 0 marks the end.  The object (sigxfer.h) holds:
 *
 *   pid[2]   the writer's and the reader's pid: each learns where to send
 *            its signals, and whom to check with kill(pid, 0)
 *   full     who owns the buffer: 0 the writer, 1 the reader
 *   len, data  the chunk
 *
 *   writer                                   reader
 *   wait until full == 0                     wait until full == 1 ...
 *   read(stdin) -> data, len                      . (sleeps in
 *   full = 1; kill(reader, SIGUSR1) ------>       .  sigtimedwait)
 *   wait until full == 0 ...                 write(stdout) <- data
 *          <------------------------------  full = 0; kill(writer, SIGUSR1)
 *   ...                                      ...
 *   len = 0; full = 1; kill ------------->   end of data: full = 0; kill
 *   wait until full == 0: all delivered      exit 0
 *   shm_unlink, exit 0
 *
 * "wait until" is the point of the lab (sigxfer.c): the classic
 * `while (!flag) pause();` can sleep forever - run `lost_wakeup --racy`.
 * Here SIGUSR1 stays blocked; we test the flag and then take the signal
 * with sigtimedwait(2), which also gives a 1 s timeout for noticing a dead
 * peer (kill(pid, 0) == ESRCH).
 *
 * Either side may start first.  O_EXCL picks the creator, but there is no
 * init race to solve: the object's initial state is all zeros, which is
 * what ftruncate(2) gives it (see xfer_open()).
 *
 * Run (two terminals, same user; any order):
 *   terminal 1:  build/14-signal-sync/reader -v > /tmp/copy
 *   terminal 2:  build/14-signal-sync/writer -v < /etc/services
 *   then:        cmp /etc/services /tmp/copy && echo same
 * While the reader waits alone: ls -l /dev/shm (the object), od -An -t d4
 * -N 12 /dev/shm/NAME (the pid slots: 0, the reader's pid, full = 0), and
 * kill -USR1 PID: no handler is installed (SigCgt in /proc/PID/status),
 * yet it survives - the signal is blocked and sigtimedwait takes it.
 *
 * Man pages: signal(7), sigprocmask(2), sigtimedwait(2), kill(2),
 * shm_open(3), ftruncate(2), mmap(2), poll(2).
 */
#include "shmlabs.h"
#include "sigxfer.h"

#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

static const char usage[] =
	"[-v] < INPUT\n"
	"       writer --chunk-size\n"
	"  Send all of standard input to `reader` through POSIX shared\n"
	"  memory, waking it with SIGUSR1.\n"
	"  -v            narrate on stderr\n"
	"  --chunk-size  print the payload bytes of one chunk and exit";

/* One read(2) into BUF (a short read is a short chunk: typed lines go out
 * at once).  poll(2) first, with a 1 s timeout, so that a dead reader is
 * noticed even while no input comes. */
static size_t read_chunk(struct xfer *x, unsigned char *buf)
{
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };

	for (;;) {
		int ready = poll(&in, 1, 1000);

		if (ready == -1 && errno == EINTR)
			continue;
		CHK(ready, "poll", "stdin");
		if (ready == 0) {
			xfer_check_peer(x);
			continue;
		}
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
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool verbose = false, chunk_size = false;
	int opt;

	lab_init(argc, argv);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			chunk_size = true;
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

	xfer_open(&x, WRITER, verbose);
	for (;;) {
		xfer_wait_until(&x, 0); /* the buffer is ours */
		size_t n = read_chunk(&x, x.sh->data);

		x.sh->len = (uint32_t)n;
		/* Publishes len and data (a seq_cst store orders them) and
		 * rings the reader.  Hands off: no touching until full == 0. */
		xfer_hand_over(&x, 1);
		bytes += n;
		chunks++;
		if (n == 0)
			break;
	}
	/* The reader gives the buffer back after the end marker once it has
	 * written everything: then we, the last user, remove the object. */
	xfer_wait_until(&x, 0);
	note(&x, "sent %llu bytes in %llu chunks (the last one empty)", bytes,
	     chunks);
	xfer_close(&x, true);
	return 0;
}
