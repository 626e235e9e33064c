/*
 * smalloc.c - lab 8: smalloc()/sfree() on mmap(2)/munmap(2).  The
 * interface and the memory layout are described in smalloc.h.
 *
 * This is library code: it never prints and never exits.  Like malloc()
 * it reports failure through its return value and errno, and the caller
 * decides (smalloc_sizes.c, smalloc_misuse.c and share_struct.c check
 * every call).
 *
 * Man pages: mmap(2), munmap(2), mincore(2), sysconf(3), malloc(3).
 */
#include "smalloc.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* The bytes before every block.  Kept to 32 so that the block stays
 * 16-byte aligned (smalloc.h). */
struct smalloc_header {
	uint64_t magic;	 /* SMALLOC_MAGIC ^ address of this header */
	uint64_t maplen; /* the length given to mmap(): munmap needs it */
	uint64_t size;	 /* the size the caller asked for */
	uint64_t spare;
};
_Static_assert(sizeof(struct smalloc_header) == SMALLOC_HEADER,
	       "SMALLOC_HEADER must match the header");
_Static_assert(SMALLOC_HEADER % SMALLOC_ALIGN == 0,
	       "the block must stay SMALLOC_ALIGN-aligned");

#define SMALLOC_MAGIC 0x736d616c6c6f6321ull /* "smalloc!" */

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE); /* cannot fail for PAGESIZE */
}

/* What mmap() really maps for a block of SIZE bytes: whole pages.  The
 * caller has checked that this does not overflow. */
static size_t map_length(size_t size, size_t pg)
{
	return (SMALLOC_HEADER + size + pg - 1) & ~(pg - 1);
}

void *smalloc(size_t size)
{
	size_t pg = page_size();
	struct smalloc_header *h;
	size_t len;

	/* malloc(0) may return NULL or a unique pointer; smalloc says no:
	 * a zero-sized shared object is almost always a bug (and mmap(2)
	 * itself rejects length 0 with EINVAL). */
	if (size == 0) {
		errno = EINVAL;
		return NULL;
	}
	/* Check BEFORE adding: SIZE_MAX + 32 wraps around to 31, and we would
	 * map one page for a "huge" block.  Classic overflow bug. */
	if (size > SIZE_MAX - SMALLOC_HEADER - (pg - 1)) {
		errno = ENOMEM;
		return NULL;
	}
	len = map_length(size, pg);

	/* MAP_SHARED|MAP_ANONYMOUS: shared with children forked later (lab
	 * 5).  mmap returns a page-aligned address, so the block at +32 is
	 * 16-byte aligned.  On failure errno is mmap's (ENOMEM usually). */
	h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		 -1, 0);
	if (h == MAP_FAILED)
		return NULL;

	/* No memset(): the pages are zero already (mmap(2)), and writing
	 * zeros would only make the kernel allocate every page right now.
	 * The magic is tied to the header's address, so a copy of a header
	 * somewhere else does not pass as a block. */
	h->magic = SMALLOC_MAGIC ^ (uint64_t)(uintptr_t)h;
	h->maplen = len;
	h->size = size;
	return (char *)h + SMALLOC_HEADER;
}

const char *smalloc_check(const void *ptr)
{
	if (!ptr)
		return NULL;
	/* BEGIN EXERCISE 8.1: Refuse pointers smalloc did not return, and
	 * never touch memory that may not be mapped while deciding.  A block
	 * from smalloc is SMALLOC_HEADER bytes past a page boundary; its
	 * header's page is mapped; the header's magic is SMALLOC_MAGIC ^ the
	 * header's address; its maplen is map_length() of its size, and the
	 * block's last page is mapped too.  Return a short reason for the
	 * first of these that fails, or NULL when PTR is fine.  Hint: one
	 * check needs no memory access at all, one makes reading the header
	 * safe: mincore(2) (its ERRORS say how it answers "not mapped"). */
	size_t pg = page_size();
	uintptr_t u = (uintptr_t)ptr;
	const struct smalloc_header *h;
	unsigned char vec; /* mincore's answer for one page; unused */

	/* 1. Arithmetic only.  p + 1, p + 16, the page start itself and most
	 *    heap and stack pointers fail here. */
	if (u % pg != SMALLOC_HEADER)
		return "not 32 bytes past a page boundary";
	h = (const struct smalloc_header *)(u - SMALLOC_HEADER);

	/* 2. Is the header's page mapped at all?  Reading it would be a
	 *    SIGSEGV if not.  mincore(2) reports (in VEC) which pages are in
	 *    RAM, and fails with ENOMEM when part of the range is not mapped:
	 *    a way to ask "is this mapped?" without touching it.  (It cannot
	 *    tell a PROT_NONE page, which would still fault: a check against
	 *    mistakes, not against an attacker.) */
	if (mincore((void *)h, pg, &vec) == -1)
		return errno == ENOMEM
			       ? "its page is not mapped (freed already?)"
			       : "mincore failed on its page";

	/* 3. The magic, bound to this address. */
	if (h->magic != (SMALLOC_MAGIC ^ (uint64_t)(uintptr_t)h))
		return "no smalloc header before it (bad magic)";

	/* 4. A header with our magic but a length that does not fit its size
	 *    was damaged (a write before the block): unmapping that length
	 *    could unmap a neighbour's memory. */
	if (h->size == 0 || h->size > SIZE_MAX - SMALLOC_HEADER - (pg - 1) ||
	    h->maplen != map_length(h->size, pg))
		return "damaged header (length does not match size)";
	if (mincore((char *)h + h->maplen - pg, pg, &vec) == -1)
		return "damaged header (the block's last page is not mapped)";
	return NULL;
	/* STUB
	return NULL;
	*/
	/* END EXERCISE */
}

size_t smalloc_maplen(const void *ptr)
{
	if (!ptr || smalloc_check(ptr))
		return 0;
	return ((const struct smalloc_header *)((const char *)ptr -
						SMALLOC_HEADER))
		->maplen;
}

int sfree(void *ptr)
{
	struct smalloc_header *h;

	if (!ptr)
		return 0; /* like free(NULL) */
	/*
	 * Seed bug: "never p++" is advice munmap does not enforce (guide, lab 8).
	 * Classic mistake: unmapping at once whatever the bytes before PTR
	 * say, which for a wrong pointer unmaps (or half-unmaps) someone
	 * else's memory, and the program crashes far away, much later.
	 */
	if (smalloc_check(ptr)) {
		errno = EINVAL;
		return -1;
	}
	h = (struct smalloc_header *)((char *)ptr - SMALLOC_HEADER);
	/*
	 * We do NOT wipe the magic before unmapping.  The header is shared
	 * memory too: a child's sfree() would wipe it for the parent, whose
	 * own sfree() of its own, still valid mapping would then be refused.
	 * A second sfree() in the SAME process is caught anyway: the page is
	 * unmapped (check 2).  Unless a later mmap reused the address: then,
	 * as with free(), a double free hits the new block.
	 */
	/* BEGIN EXERCISE 8.2: Unmap the whole block and return munmap's
	 * result, as free() would release it.  Hint: munmap(2) wants the very
	 * address and length of the mapping that mmap(2) made, and neither is
	 * PTR's: that is why the header exists. */
	return munmap(h, h->maplen);
	/* STUB
	(void)h;
	return 0;
	*/
	/* END EXERCISE */
}
