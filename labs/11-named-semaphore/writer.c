/*
 * writer.c - lab 11 (method 1): copy standard input to a reader through
 * POSIX shared memory, synchronised by two NAMED POSIX semaphores.
 *
 * On its way from the input file to the output file every byte is copied
 * twice: read(2) puts it straight into the shared buffer and the reader's
 * write(2) takes it straight out.  (A relay through a pipe copies it four
 * times: file -> writer's buffer -> pipe -> reader's buffer -> file.  Lab
 * 16 measures what that is worth.)  But shared memory has no
 * synchronisation of its own: nothing tells the reader that a chunk is
 * complete, nor the writer that the reader has finished with the buffer.
 * Two semaphores do:
 *
 *   can-write  starts at 1   "the buffer is free"      writer waits, reader posts
 *   can-read   starts at 0   "a chunk is in it"        reader waits, writer posts
 *
 * Their sum is always 1 between operations: exactly one side owns the
 * buffer.  The protocol, one chunk (length-prefixed, so binary data works):
 *
 *   writer                                  reader
 *   sem_wait(can-write)                     sem_wait(can-read)   [sleeps]
 *   len = read(stdin, data, 4096)
 *   sem_post(can-read) ------------------>  (wakes up)
 *   sem_wait(can-write)  [sleeps]           write(stdout, data, len)
 *   (wakes up)  <-------------------------  sem_post(can-write)
 *
 * At the end of input the writer sends a chunk of length 0 (the end
 * marker) and waits once more for can-write: the reader's acknowledgement.
 * Only then does it remove the objects - had it removed them earlier, a
 * reader that starts later would find nothing and wait forever.
 *
 * Run:   make lab-11
 *   or   (two terminals, same SHMLABS_PREFIX, either one first)
 *        build/11-named-semaphore/reader -v > copy
 *        build/11-named-semaphore/writer -v < some-file
 *        build/11-named-semaphore/writer --chunk-size   prints 4096
 *
 * What to observe:
 *   - with -v, who came first ("created, so I am first"), the semaphores
 *     being created with their initial values, the first chunks;
 *   - `ls -l /dev/shm` during a transfer: PREFIX-xfer-shm and
 *     sem.PREFIX-xfer-can-write / sem.PREFIX-xfer-can-read; all gone after;
 *   - kill -9 the reader: the writer says "peer reader ... died" within
 *     about a second and removes the objects.
 *
 * Read xfer.c next for the rendezvous and the waits.
 * Man pages: sem_overview(7), sem_open(3), sem_wait(3), sem_post(3),
 * shm_open(3), read(2).
 */
#include "xfer.h"

#include "shmlabs.h"

#include <stdio.h>

int main(int argc, char **argv)
{
	struct xfer x;
	unsigned long chunks = 0;
	unsigned long long total = 0;

	lab_init(argc, argv);
	xfer_options(argc, argv, WRITER);
	xfer_open(&x, WRITER);

	/*
	 * Seed bug: the seed's writer loops forever around
	 *     sem_wait(semw); fgets(shmadd, MAXSIZE, stdin); sem_post(semr);
	 * fgets stops at a newline and NUL-terminates, so binary data (a NUL
	 * byte) is cut short; at end of input it returns NULL, which nobody
	 * checks, so the writer keeps posting the old line and the reader
	 * prints it again and again.  And nothing ever ends the loop.
	 * We send a length with every chunk and a zero-length chunk at the
	 * end.
	 */
	for (;;) {
		size_t n;

		/* Wait until the reader has finished with the buffer. */
		xfer_wait(&x, x.can_write, "can-write");
		/* Fill it straight from stdin: the first of the two copies. */
		n = xfer_read_input(&x, x.shm->data, CHUNK_SIZE);
		x.shm->len = (uint32_t)n;
		xfer_note_chunk(&x, chunks + 1, x.shm->len,
				"-> sem_post(can-read)");
		/* Hand the buffer over.  sem_post also publishes our writes
		 * to data[] and len (XBD 4.12): no atomics needed for them. */
		xfer_post(x.can_read, "can-read");
		if (n == 0)
			break;
		chunks++;
		total += n;
	}
	/* The reader posts can-write once more after taking the end marker:
	 * now it no longer needs anything, and the objects can go. */
	xfer_wait(&x, x.can_write, "can-write");
	note("the reader took the end marker: %llu bytes in %lu chunks", total,
	     chunks);
	xfer_close(&x);
	return 0;
}
