/*
 * reader.c - lab 12 (method 2): write to standard output what a writer
 * sends through POSIX shared memory, synchronised by two unnamed
 * semaphores inside that memory.  The mirror image of writer.c (read that
 * first):
 *
 *   sem_wait(&shm->can_read)    a chunk is in the buffer
 *   write(stdout, data, len)
 *   sem_post(&shm->can_write)   the buffer is free again
 *
 * until a chunk of length 0 arrives; its sem_post(can-write) is the
 * acknowledgement the writer waits for.  The reader never calls
 * sem_destroy: the writer, the last one to use the semaphores, does.
 *
 * Run:   build/12-unnamed-semaphore/reader [-v] > copy    (then a writer)
 * stdout carries only the data; -v narrates on stderr.
 * Man pages: sem_wait(3), sem_post(3), write(2).
 */
#include "xfer.h"

#include "shmlabs.h"

#include <unistd.h>

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
	struct xfer x;
	unsigned long chunks = 0;
	unsigned long long total = 0;

	lab_init(argc, argv);
	xfer_options(argc, argv, READER);
	xfer_open(&x, READER);

	for (;;) {
		uint32_t len;

		/* A checked, bounded wait: see xfer_wait in xfer.c. */
		xfer_wait(&x, x.can_read, "can-read");
		len = x.shm->len;
		/* Never trust a length from shared memory blindly: another
		 * program with the same names could have written anything. */
		if (len > CHUNK_SIZE)
			fail("corrupt chunk: length %u > %d", len, CHUNK_SIZE);
		xfer_note_chunk(&x, chunks + 1, len, "-> write(stdout)");
		/* Exactly len bytes, NUL bytes included (lab 11 shows the
		 * seed's printf("%s") mistake). */
		write_all(x.shm->data, len);
		/* The buffer is free again (also the acknowledgement of the
		 * end marker when len == 0). */
		xfer_post(x.can_write, "can-write");
		if (len == 0)
			break;
		chunks++;
		total += len;
	}
	note("end of data: %llu bytes in %lu chunks", total, chunks);
	xfer_close(&x);
	return 0;
}
