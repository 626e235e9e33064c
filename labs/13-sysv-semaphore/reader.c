/*
 * reader.c - Lab 13: the receiving half of the System V semaphore-set
 * transfer.  Every chunk the writer puts in the segment goes to standard
 * output, unchanged; a chunk of length 0 ends the transfer.
 *
 *   loop:  P(CAN_READ)            wait for a chunk (checking the writer)
 *          write(stdout, data)    the second and last copy of the bytes
 *          V(CAN_WRITE)           give the buffer back
 *   until the chunk was empty; then exit 0 and leave the removal of the
 *   objects to the writer, which waits for exactly that last V(CAN_WRITE).
 *
 * Standard output carries only the data; -v narrates on stderr.
 * See writer.c for the whole picture and sysvxfer.c for the init race.
 *
 * Run:  build/13-sysv-semaphore/reader > /tmp/copy   (then start a writer)
 *
 * Man pages: semop(2), shmat(2), write(2).
 */
#include "shmlabs.h"
#include "sysvxfer.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

static const char usage[] =
	"[-v] > OUTPUT\n"
	"  Receive what `writer` sends through System V shared memory and\n"
	"  write it to standard output.  -v narrates on stderr.";

/* write(2) may write less than asked (a pipe, a signal): loop. */
static void write_all(const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		CHK(n, "write", "stdout");
		p += n;
		len -= (size_t)n;
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool verbose = false;
	int opt;

	lab_init(argc, argv);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (opt) {
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
		usage_error(usage, "no arguments: the data goes to stdout");

	struct xfer x;
	unsigned long long bytes = 0, chunks = 0;

	xfer_open(&x, READER, verbose, false);
	for (;;) {
		xfer_wait(&x, SEM_CAN_READ); /* P: a chunk is ours */
		uint32_t n = x.sh->len;

		/* Shared memory is input from another process: check it. */
		if (n > CHUNK_SIZE)
			fail("corrupt chunk: length %u > %d", (unsigned)n,
			     CHUNK_SIZE);
		write_all(x.sh->data, n);
		bytes += n;
		chunks++;
		/* V: the buffer goes back.  After the end marker this is the
		 * writer's "all delivered" signal, so write_all() above has
		 * already put every byte into our stdout. */
		xfer_post(&x, SEM_CAN_WRITE);
		if (n == 0)
			break;
	}
	note(&x, "received %llu bytes in %llu chunks", bytes, chunks);
	xfer_close(&x, false); /* detach; the writer removes the objects */
	return 0;
}
