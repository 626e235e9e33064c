/*
 * ring.c - lab 16: the shared-memory ring, the method this lab is about.
 *
 * A ring of SLOTS chunk-sized slots in one POSIX shared-memory object, with
 * two unnamed POSIX semaphores in the same memory (sem_init with
 * pshared = 1, lab 12): "empty" counts the free slots (the producer waits
 * on it), "full" the filled ones (the consumer waits on it).  Chunk k lives
 * in slot k % SLOTS; both sides walk the slots in the same order, so no
 * index needs to be shared.
 *
 *   header page | slot 0 | slot 1 | slot 2 | slot 3 |
 *   empty = 4     producer writes here -->   consumer reads behind it
 *   full = 0
 *
 * Two ways to use it: "ring" copies each chunk in and out (2 copies per
 * byte, as many as a pipe), "ring-zc" builds the chunk in its slot and
 * checks it where it lies (0 copies).  ipc_speed runs both:
 *
 *   $ build/16-ipc-speed/ipc_speed -m ring,ring-zc -s 256M -l 0
 *   ipc_speed: each method moves 256 MiB in 1 MiB chunks (ring: 4 x 1 MiB), fastest of 3 runs
 *   2 CPUs; producer on CPU 0, consumer on CPU 1
 *
 *   method       buffer    GB/s x pipe-big x memcpy copies/B calls/MiB sleeps/MiB faults/MiB  CPUs  sys%
 *   ring             4M    1.43         -       -     2.00       4.0        0.8        0.0  0.43    17
 *   ring-zc          4M    0.71         -       -     0.00       4.0        0.7        0.0  0.25     7
 *
 * (2 vCPUs of an AMD EPYC, busy with other jobs: CPUs 0.43 where a quiet
 * machine gives about 2.  Zero-copy came out slower, as it did on the same
 * machine when it was quiet; the guide has those figures, explains why that
 * can be, and why your machine may say the opposite.)
 *
 * Man pages: shm_open(3), mmap(2), sem_init(3), sem_overview(7),
 * madvise(2) (MADV_POPULATE_WRITE).
 */
#include "ipc_speed.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The header page: each semaphore on a cache line of its own, and the
 * slots start on the next page, so the two CPUs only ever fight over data
 * they really share. */
struct ring {
	alignas(64) sem_t empty;
	alignas(64) sem_t full;
};

static unsigned char *slot_of(const struct xfer *x, uint64_t k)
{
	return (unsigned char *)x->ring + page_size +
	       (k % x->nslots) * x->stride;
}

/* Copy in: wait for a free slot, copy the chunk into it, announce it. */
void ring_produce(struct xfer *x)
{
	for (uint64_t k = 0; k < x->nchunks; k++) {
		size_t len = chunk_len(x, k);
		unsigned char *slot = slot_of(x, k);

		stamp(x->buf, len, k);
		sem_take(&x->ring->empty, "empty");
		copy_bytes(slot, x->buf, len);
		sem_give(&x->ring->full, "full");
	}
}

/*
 * Copy out: wait for a full slot, check it and copy it out, then give the
 * slot back.  We hold the slot until we are done with it, so the copy is
 * exactly what was checked.
 *
 * The chunk goes a PIECE at a time: the check reads the piece where it
 * lies (pulling it from the other CPU's cache), and memcpy then copies it
 * out of our L1 cache.  Copying a whole 1 MiB chunk first and reading it
 * again to check it was about half as fast on the lab's machine (the
 * guide has the figures): touch twice only what fits in a cache.
 */
#define PIECE (32 * KiB) /* inside the L1 data cache of most CPUs */

void ring_consume(struct xfer *x)
{
	/* Seed bug: a reader that loops for ever (guide, lab 16) */
	for (uint64_t k = 0; k < x->nchunks; k++) {
		size_t len = chunk_len(x, k);
		unsigned char *slot = slot_of(x, k);

		sem_take(&x->ring->full, "full");
		for (size_t off = 0; off < len; off += PIECE) {
			size_t n = min_size(PIECE, len - off);

			check_piece(slot + off, n, off, k);
			copy_bytes(x->buf, slot + off, n);
		}
		chunk_checked();
		sem_give(&x->ring->empty, "empty");
	}
}

/* Zero-copy, producer: build chunk k right in its slot.  Here "building"
 * is writing the pattern and the stamps; in a real program it would be
 * read(2)ing a file into the slot (relay.c does), or computing there.  It
 * stores every byte, as a copy would, but loads nothing. */
void zc_produce(struct xfer *x)
{
	for (uint64_t k = 0; k < x->nchunks; k++) {
		size_t len = chunk_len(x, k);
		unsigned char *slot = slot_of(x, k);

		sem_take(&x->ring->empty, "empty");
		fill_pattern(slot, len);
		stamp(slot, len, k);
		sem_give(&x->ring->full, "full");
	}
}

/* Zero-copy, consumer: use the chunk where it lies. */
void zc_consume(struct xfer *x)
{
	for (uint64_t k = 0; k < x->nchunks; k++) {
		size_t len = chunk_len(x, k);
		unsigned char *slot = slot_of(x, k);

		sem_take(&x->ring->full, "full");
		/* BEGIN EXERCISE 16.2: Consume the chunk without copying it:
		 * check it where it lies in the shared slot (check_chunk), and
		 * only THEN give the slot back by posting "empty".  Post it
		 * earlier and the producer may overwrite the slot while you
		 * are still reading it.  The stub copies the chunk out and
		 * checks the copy, so ring-zc shows 1.00 copies/B, not 0. */
		check_chunk(slot, len, k);
		sem_give(&x->ring->empty, "empty slot");
		/* STUB
		copy_bytes(x->buf, slot, len);
		sem_give(&x->ring->empty, "empty");
		check_chunk(x->buf, len, k);
		*/
		/* END EXERCISE */
	}
}

/*
 * Create the ring: shm_open, size it, map it, unlink the name at once (the
 * child inherits the mapping through fork(), the name has done its job, so
 * nothing is left in /dev/shm whatever happens next), fault every page in
 * before any clock starts, and put the semaphores in the header page.
 */
const char *ring_setup(struct xfer *x, struct result *r)
{
	static char *name;
	char h[32];
	int fd, handle;
	void *p;

	if (!name)
		name = ipc_name("speed-ring");
	x->stride = round_up(x->chunk, 64);
	x->ring_len = page_size + x->nslots * x->stride;
	fd = CHK(shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600), "shm_open",
		 name);
	handle = cleanup_add(CL_SHM_NAME, name, 0);
	CHK(ftruncate(fd, (off_t)x->ring_len), "ftruncate", name);
	/* mmap reports failure as MAP_FAILED, (void *)-1, never NULL. */
	p = mmap(NULL, x->ring_len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		die("mmap", name);
	CHK(close(fd), "close", name);
	CHK(shm_unlink(name), "shm_unlink", name);
	cleanup_done(handle);
	prefault(p, x->ring_len, name);

	x->ring = p;
	/* pshared = 1: the semaphores live in memory that two processes
	 * share; with 0 they would work between threads only. */
	CHK(sem_init(&x->ring->empty, 1, x->nslots), "sem_init", "empty");
	CHK(sem_init(&x->ring->full, 1, 0), "sem_init", "full");
	r->buffer = x->nslots * x->chunk;
	r->unit = x->chunk;
	snprintf(r->label, sizeof(r->label), "shm ring %u x %s %s", x->nslots,
		 human(h, sizeof(h), x->chunk),
		 x->row == R_RING_ZC ? "zero-copy" : "copy in/out");
	return NULL;
}

/* The child: fork(2) copies no page tables of a shared mapping, so it
 * faults the ring in itself, before it says "ready". */
void ring_child_init(struct xfer *x)
{
	prefault(x->ring, x->ring_len, x->name);
}

void ring_teardown(struct xfer *x)
{
	CHK(sem_destroy(&x->ring->empty), "sem_destroy", "empty");
	CHK(sem_destroy(&x->ring->full), "sem_destroy", "full");
	CHK(munmap(x->ring, x->ring_len), "munmap", x->name);
}
