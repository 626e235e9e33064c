/*
 * reader.c - Lab 14: the receiving half of the signal-driven transfer.
 * Every chunk the writer leaves in the POSIX shared memory object goes to
 * standard output, unchanged; a chunk of length 0 ends the transfer.
 *
 *   loop:  wait until full == 1        (SIGUSR1 from the writer)
 *          write(stdout, data, len)
 *          full = 0; kill(writer, SIGUSR1)
 *   until the chunk was empty; then exit 0 and leave shm_unlink to the
 *   writer, which waits for exactly that last hand-over.
 *
 * A SIGUSR1 from anybody but the writer is ignored (si_pid): try
 *   kill -USR1 <reader pid>
 * while it waits (-v prints its pid): it neither dies nor gets confused.
 * Standard output carries only the data; -v narrates on stderr.
 *
 * Man pages: sigtimedwait(2), kill(2), write(2).
 */
#include "shmlabs.h"
#include "sigxfer.h"

#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

static const char usage[] =
	"[-v] > OUTPUT\n"
	"  Receive what `writer` sends through POSIX shared memory and\n"
	"  signals; write it to standard output.  -v narrates on stderr.";

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

	xfer_open(&x, READER, verbose);
	for (;;) {
		xfer_wait_until(&x, 1); /* a chunk is ours */
		uint32_t n = x.sh->len;

		if (n > CHUNK_SIZE) /* shared memory is untrusted input */
			fail("corrupt chunk: length %u > %d", (unsigned)n,
			     CHUNK_SIZE);
		write_all(x.sh->data, n);
		bytes += n;
		chunks++;
		xfer_hand_over(&x, 0); /* give the buffer back */
		if (n == 0)
			break;
	}
	note(&x, "received %llu bytes in %llu chunks", bytes, chunks);
	xfer_close(&x, false); /* the writer removes the object */
	return 0;
}
