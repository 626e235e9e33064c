/*
 * writer.c - copy standard input to a reader through one shared buffer,
 * taking turns with the reader.
 *
 * This file is the same, line for line, in labs 11, 12, 13 and 14, and so
 * is reader.c.  What differs is sync.c: where the buffer lives and how the
 * two processes take turns with it (named semaphores, unnamed semaphores,
 * a System V semaphore set, signals).  One chunk:
 *
 *   writer                                 reader
 *   sync_wait_turn()   the buffer is mine  sync_wait_turn()  ... sleeps
 *   read(stdin) -> chunk
 *   sync_pass_turn() ------------------->  wakes: the chunk is mine
 *   sync_wait_turn()  ... sleeps           write(stdout) <- chunk
 *        wakes  <----------------------    sync_pass_turn()
 *
 * The bytes are copied twice: read(2) puts them straight into the shared
 * buffer, the reader's write(2) takes them straight out (a relay through
 * a pipe copies them four times; lab 16 measures the difference).  At the
 * end of input the writer sends a chunk of length 0 and waits for its
 * turn once more: the reader's acknowledgement.  Only then does it remove
 * the objects (sync_leave).
 *
 *   $ cd build/11-named-semaphore         (or 12, 13, 14: the same session)
 *   $ ./reader > copy &
 *   $ ./writer < /etc/services
 *   $ cmp /etc/services copy && echo same
 *   same
 *   $ ./writer --chunk-size
 *   4096
 *
 * Man pages: read(2), poll(2); the method's man pages are in sync.c.
 */
#include "xfer.h"

#include "shmlabs.h"

#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char usage[] =
	"[-v] [--stop-in-init] < INPUT\n"
	"       writer --chunk-size\n"
	"  Send standard input to `reader` through shared memory.\n"
	"  -v              narrate on stderr\n"
	"  --stop-in-init  if this writer creates the objects, stop (SIGSTOP) inside the initialisation (kill -CONT to go on)\n"
	"  --chunk-size    print the payload bytes of one chunk and exit";

static bool options(int argc, char **argv);
static size_t read_chunk(unsigned char *buf);

int main(int argc, char **argv)
{
	unsigned long long bytes = 0;
	unsigned long chunks = 0;
	struct chunk *c;
	size_t n;

	lab_init(argc, argv);
	c = sync_join(WRITER, options(argc, argv));
	/* Seed bug: fgets() and no end of data (guide, lab 11): lengths. */
	do {
		sync_wait_turn();	 /* the buffer is free: mine */
		n = read_chunk(c->data); /* the first of the two copies */
		c->len = (uint32_t)n;
		if (chunks < 3 || n == 0)
			note("chunk %lu: %zu bytes, passing the turn",
			     chunks + 1, n);
		sync_pass_turn(); /* the reader's now: hands off the buffer */
		bytes += n;
		chunks++;
	} while (n != 0);
	/* The reader passes the turn back after the end marker too: then it
	 * has written everything, and needs the objects no more. */
	sync_wait_turn();
	note("sent %llu bytes in %lu chunks (the last one empty)", bytes,
	     chunks);
	sync_leave();
	return 0;
}

/* -v, --stop-in-init, --chunk-size; returns whether --stop-in-init. */
static bool options(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "chunk-size", no_argument, NULL, 'c' },
		{ "stop-in-init", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool stop_in_init = false;
	int opt;

	opterr = 0; /* usage_error() says what is wrong */
	while ((opt = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		if (opt == 'v') {
			sync_verbose = true;
		} else if (opt == 's') {
			stop_in_init = true;
		} else if (opt == 'c') {
			/* Touches no IPC object: only the constant. */
			printf("%d\n", CHUNK_SIZE);
			exit(0);
		} else {
			usage_error(usage,
				    opt == 'h' ? NULL : "unknown option");
		}
	}
	if (optind < argc)
		usage_error(usage, "no arguments: the data comes on stdin");
	return stop_in_init;
}

/*
 * One read(2) into BUF: a chunk is what one read returns (at most
 * CHUNK_SIZE), so a typed line goes out at once.  While stdin is silent
 * the reader may die; poll(2) with a timeout lets us look now and then,
 * where a bare read(2) from a quiet pipe or terminal would never return.
 */
static size_t read_chunk(unsigned char *buf)
{
	struct pollfd in = { .fd = STDIN_FILENO, .events = POLLIN };

	for (;;) {
		int ready = poll(&in, 1, SYNC_PERIOD_MS);
		ssize_t n;

		if (ready == -1 && errno == EINTR)
			continue;
		CHK(ready, "poll", "stdin");
		if (ready ==
		    0) { /* a quiet period: is the reader still there? */
			sync_check_peer();
			continue;
		}
		/* POLLIN or POLLHUP: data, or 0 at the end of input. */
		n = read(STDIN_FILENO, buf, CHUNK_SIZE);
		if (n == -1 && errno == EINTR)
			continue;
		return (size_t)CHK(n, "read", "stdin");
	}
}
