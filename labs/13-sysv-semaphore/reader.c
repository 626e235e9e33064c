/*
 * reader.c - write to standard output what a writer sends through one
 * shared buffer, taking turns with the writer.  The other half of
 * writer.c (read that first); like it, the same in labs 11-14.
 *
 *   sync_wait_turn()           a chunk is in the buffer: mine
 *   write(stdout, data, len)   the second and last copy of the bytes
 *   sync_pass_turn()           the buffer is the writer's again
 *
 * until a chunk of length 0 arrives.  Passing the turn after it is the
 * acknowledgement the writer waits for before it removes the objects, so
 * the reader itself removes nothing (sync_leave).
 *
 *   $ ./reader -v > copy            (in build/NN-topic/ of labs 11-14)
 *   ... sync.c's narration: who created, who joined ...
 *   reader: chunk 1: 4096 bytes -> stdout
 *   ...
 *   reader: received 12813 bytes in 5 chunks (the last one empty)
 *
 * stdout carries only the data; -v narrates on stderr.
 * Man pages: write(2); the method's man pages are in sync.c.
 */
#include "xfer.h"

#include "shmlabs.h"

#include <unistd.h>

static const char usage[] =
	"[-v] > OUTPUT\n"
	"  Write what `writer` sends through shared memory to standard output.\n"
	"  -v  narrate on stderr";

int main(int argc, char **argv)
{
	unsigned long long bytes = 0;
	unsigned long chunks = 0;
	struct chunk *c;
	size_t n;
	int opt;

	lab_init(argc, argv);
	opterr = 0; /* usage_error() says what is wrong */
	while ((opt = getopt(argc, argv, "v")) != -1)
		if (opt == 'v')
			sync_verbose = true;
		else
			usage_error(usage, "unknown option");
	if (optind < argc)
		usage_error(usage, "no arguments: the data goes to stdout");

	c = sync_join(READER, false);
	for (n = 1; n != 0; chunks++) {
		sync_wait_turn(); /* a chunk (or the end marker) is mine */
		n = c->len;
		/* Shared memory is input from another process: check it. */
		if (n > CHUNK_SIZE)
			fail("corrupt chunk: length %zu > %d", n, CHUNK_SIZE);
		if (chunks < 3 || n == 0)
			note("chunk %lu: %zu bytes -> stdout", chunks + 1, n);
		/* Seed bug: printf("%s") of the buffer (guide, lab 11). */
		write_all(STDOUT_FILENO, c->data, n, "stdout");
		bytes += n;
		sync_pass_turn(); /* free again; after the end marker: "got it" */
	}
	note("received %llu bytes in %lu chunks (the last one empty)", bytes,
	     chunks);
	sync_leave();
	return 0;
}
