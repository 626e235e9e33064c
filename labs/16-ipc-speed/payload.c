/*
 * payload.c - lab 16: what every method moves, and how the consumer checks
 * that all of it arrived.
 *
 * Chunk k of the payload is a fixed pattern with the number k stamped over
 * the first 8 bytes of every 4 KiB of it.  The consumer checks the stamps
 * (a lost, repeated or reordered chunk has wrong ones, and so has a slot
 * the producer overwrote while the consumer was still reading it) and adds
 * up a checksum of all the other bytes (a corrupted or shifted byte
 * changes it); the parent compares that sum with the one it expects.  The
 * producer keeps ONE chunk buffer and only rewrites the stamps, so the
 * data it sends is always in its cache: we measure the transport, not the
 * producer.  --flip N damages payload byte N on arrival, to show the check
 * catching it:
 *
 *   $ build/16-ipc-speed/ipc_speed -m ring -s 16M -r 1 -l 0 --flip 123456
 *   ipc_speed: ring: the payload arrived damaged: 16 of 16 chunks, 0 bad stamps, checksum abc306e599d2cff0, expected abc306e599d2d000
 *   $ echo $?
 *   1
 */
#include "ipc_speed.h"

#include <string.h>

#define STAMP sizeof(uint64_t)
/* 64-bit words that may alias the bytes we read and write (the payload is
 * also handled as unsigned char: memcpy, read, write). */
typedef uint64_t __attribute__((may_alias)) word;

unsigned char *src; /* the producer's chunk buffer */
size_t src_len;	    /* its size: max(chunk, SMALL_CHUNK) */

/* word i = v0 + i * step; four at a time, so that the stores need not
 * wait for each other's additions. */
void fill_pattern(unsigned char *p, size_t len)
{
	const uint64_t step = 0x9e3779b97f4a7c15u;
	word *w = (word *)p;
	size_t nw = len / 8, i = 0;
	uint64_t v0 = 0x243f6a8885a308d3u, v1 = v0 + step, v2 = v1 + step,
		 v3 = v2 + step;

	for (; i + 4 <= nw; i += 4) {
		w[i] = v0;
		w[i + 1] = v1;
		w[i + 2] = v2;
		w[i + 3] = v3;
		v0 += 4 * step;
		v1 += 4 * step;
		v2 += 4 * step;
		v3 += 4 * step;
	}
	for (; i < nw; i++, v0 += step)
		w[i] = v0;
	memcpy(p + nw * 8, &v0, len % 8);
}

void stamp(unsigned char *p, size_t len, uint64_t k)
{
	for (size_t off = 0; off < len; off += STAMP_EVERY)
		memcpy(p + off, &k, min_size(len - off, STAMP));
}

/*
 * The checksum of LEN bytes: the sum of their 64-bit words (a last partial
 * word padded with zeros), in four running sums so that the CPU can do
 * four additions at a time.  Sums add up: the checksums of the pieces of a
 * chunk cut at multiples of 8 bytes add up to the chunk's, which lets the
 * ring check a chunk piece by piece.  Not cryptographic, and blind to two
 * words trading places; it catches what can go wrong here: bytes lost,
 * repeated, shifted or overwritten.
 */
static uint64_t checksum(const unsigned char *p, size_t len)
{
	const word *w = (const word *)p;
	size_t nw = len / 8, i = 0;
	uint64_t a = 0, b = 0, c = 0, d = 0, tail = 0;

	for (; i + 4 <= nw; i += 4) {
		a += w[i];
		b += w[i + 1];
		c += w[i + 2];
		d += w[i + 3];
	}
	for (; i < nw; i++)
		a += w[i];
	memcpy(&tail, p + nw * 8, len % 8);
	return a + b + c + d + tail;
}

/* Walk N bytes of chunk K that start at a stamp: count the stamps that are
 * not K into *BAD, return the checksum of everything between them. */
static uint64_t scan(const unsigned char *p, size_t n, uint64_t k,
		     uint64_t *bad)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i += STAMP_EVERY) {
		size_t part = min_size(n - i, STAMP_EVERY);
		size_t s = min_size(part, STAMP);

		if (memcmp(p + i, &k, s) != 0)
			(*bad)++;
		sum += checksum(p + i + s, part - s);
	}
	return sum;
}

/* The consumer's running verdict (in the child; reported at the end). */
static struct {
	uint64_t chunks, bad, sum;
	size_t chunk; /* bytes per chunk of the transfer */
} got;

void verdict_reset(size_t chunk)
{
	got.chunks = got.bad = got.sum = 0;
	got.chunk = chunk;
}

void verdict_get(struct report *rep)
{
	rep->chunks = got.chunks;
	rep->bad = got.bad;
	rep->sum = got.sum;
}

/* Check N bytes that lie OFF bytes into chunk K (a multiple of 4 KiB). */
void check_piece(unsigned char *p, size_t n, size_t off, uint64_t k)
{
	size_t at = k * got.chunk + off; /* where P is in the payload */

	/* --flip: "damage in transit", to show that the check catches it */
	if (opt.flip >= at && opt.flip - at < n)
		p[opt.flip - at] ^= 0x10;
	got.sum += scan(p, n, k, &got.bad);
}

void chunk_checked(void)
{
	got.chunks++;
}

void check_chunk(unsigned char *p, size_t len, uint64_t k)
{
	check_piece(p, len, 0, k);
	chunk_checked();
}

/* What got.sum must be: every full chunk has the same bytes between the
 * stamps, and the last chunk may be shorter. */
uint64_t expected_sum(const unsigned char *pattern, size_t chunk)
{
	size_t full = opt.payload / chunk, rest = opt.payload % chunk;
	uint64_t ignored = 0;

	return full * scan(pattern, chunk, 0, &ignored) +
	       scan(pattern, rest, 0, &ignored);
}

/* Every copy of payload bytes in user space goes through here: the
 * copies/B column is this tally. */
void copy_bytes(void *dst, const void *from, size_t n)
{
	memcpy(dst, from, n);
	tally.copied += n;
}
