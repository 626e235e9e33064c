/*
 * writer.c - lab 12 (method 2): copy standard input to a reader through
 * POSIX shared memory, synchronised by two UNNAMED semaphores that live in
 * the shared memory itself.
 *
 * The protocol is lab 11's, chunk for chunk:
 *
 *   can-write  starts at 1   "the buffer is free"      writer waits, reader posts
 *   can-read   starts at 0   "a chunk is in it"        reader waits, writer posts
 *
 *   writer                                  reader
 *   sem_wait(can-write)                     sem_wait(can-read)   [sleeps]
 *   len = read(stdin, data, 4096)
 *   sem_post(can-read) ------------------>  (wakes up)
 *   sem_wait(can-write)  [sleeps]           write(stdout, data, len)
 *   (wakes up)  <-------------------------  sem_post(can-write)
 *
 * What changed is where the semaphores are.  Lab 11 had three objects (the
 * shm and two sem.* files); here one struct holds everything:
 *
 *   /dev/shm/PREFIX-xfer-shm
 *   +-------+--------+-----------+----------+-----+--------------------+
 *   | magic | pid[2] | can_write | can_read | len | data[4096]         |
 *   |       |        |  sem_t    |  sem_t   |     |                    |
 *   +-------+--------+-----------+----------+-----+--------------------+
 *
 * so x.can_write below is just &x.shm->can_write: a pointer into the
 * shared mapping (xfer.h explains why it cannot be anywhere else).  And
 * it changes who must initialise what, and when (xfer.c).
 *
 * Run:   make lab-12
 *   or   (two terminals, same SHMLABS_PREFIX, either one first)
 *        build/12-unnamed-semaphore/reader -v > copy
 *        build/12-unnamed-semaphore/writer -v < some-file
 *        build/12-unnamed-semaphore/writer --chunk-size   prints 4096
 *
 * What to observe:
 *   - `ls -l /dev/shm` during a transfer: ONE file, PREFIX-xfer-shm, and
 *     no sem.* files - unnamed semaphores have no name of their own;
 *   - with -v: "built ... privately", sem_init with pshared=1, "link ...:
 *     published, so I am first" (or "... published it; joined");
 *   - with --pause-before-publish on the first side: the race of two
 *     builders, and the loser's "EEXIST ... discarding my copy".
 *
 * Read xfer.c next.  Man pages: sem_init(3), sem_destroy(3), sem_wait(3),
 * sem_post(3), shm_open(3), read(2).
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

	/* Lab 11 explains the seed's fgets loop (binary-unsafe, endless at
	 * end of input); here too every chunk carries its length, and a
	 * zero-length chunk ends the transfer. */
	for (;;) {
		size_t n;

		/* Wait until the reader has finished with the buffer. */
		xfer_wait(&x, x.can_write, "can-write");
		/* Fill it straight from stdin: the first of the two copies. */
		n = xfer_read_input(&x, x.shm->data, CHUNK_SIZE);
		x.shm->len = (uint32_t)n;
		xfer_note_chunk(&x, chunks + 1, x.shm->len,
				"-> sem_post(can-read)");
		/* Hand the buffer over.  The semaphore is in the same shared
		 * page as the data; sem_post also publishes our writes to
		 * data[] and len (XBD 4.12). */
		xfer_post(x.can_read, "can-read");
		if (n == 0)
			break;
		chunks++;
		total += n;
	}
	/* The reader posts can-write once more after taking the end marker:
	 * after that it never touches the semaphores again, so we may
	 * sem_destroy them (xfer_close) and remove the object. */
	xfer_wait(&x, x.can_write, "can-write");
	note("the reader took the end marker: %llu bytes in %lu chunks", total,
	     chunks);
	xfer_close(&x);
	return 0;
}
