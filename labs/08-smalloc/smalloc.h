/*
 * smalloc.h - lab 8: smalloc()/sfree(), shared memory with malloc's shape.
 *
 * The seed's exercise: "mmap needs munmap like malloc needs free; modelled
 * on malloc and free, write smalloc and sfree to create and release a
 * mapping.  How should the interface look?"  This is one answer:
 *
 *     void *p = smalloc(sizeof(struct counters));  // zeroed, 16-aligned
 *     if (!p) ... errno says why (EINVAL, ENOMEM), as with malloc
 *     fork();                 // parent and child now share *p
 *     ...
 *     if (sfree(p) == -1) ... EINVAL: p did not come from smalloc
 *
 * The memory is MAP_SHARED|MAP_ANONYMOUS (lab 5): it is shared with every
 * child forked AFTER smalloc(), and with nobody else.  Each call is one
 * mmap(2), so use it for a few shared objects, not for many small ones:
 * smalloc(1) costs a whole page.
 *
 * The design problem: munmap(2) needs the address AND the length that
 * mmap returned, but free(p) gets only p.  So smalloc() asks for a few
 * more bytes and keeps the length in a header just before the block:
 *
 *   page boundary (what mmap returned)
 *   v
 *   +-------------------------------+-------------------------------+-----
 *   | header, SMALLOC_HEADER bytes  | the caller's SIZE bytes ...   | rest
 *   | magic ^ address, map length,  | (zero-filled)                 | of
 *   | size, spare                   |                               | page
 *   +-------------------------------+-------------------------------+-----
 *                                   ^
 *                                   the pointer smalloc() returns
 *                                   (page start + 32: 16-byte aligned)
 *
 * The length kept is round_up(SMALLOC_HEADER + size, page size): what the
 * kernel really maps, and what munmap must get.
 */
#ifndef SMALLOC_H
#define SMALLOC_H

#include <stddef.h>

/* Bytes between the start of the mapping and the returned pointer: a
 * multiple of 16, so the pointer is as aligned as malloc's (max_align_t). */
#define SMALLOC_HEADER 32
#define SMALLOC_ALIGN 16

/*
 * SIZE zero-filled bytes of memory shared with children forked later,
 * aligned to SMALLOC_ALIGN.  NULL with errno EINVAL for size 0, ENOMEM when
 * the size is absurd or mmap(2) fails (errno is mmap's then).
 */
void *smalloc(size_t size);

/*
 * Unmap a block from smalloc().  sfree(NULL) does nothing and returns 0,
 * like free(NULL).  A pointer that smalloc did not return (p + 1, a heap
 * or stack address, a block freed already) is refused: -1 with errno
 * EINVAL, and nothing is unmapped.
 */
int sfree(void *ptr);

/*
 * Why sfree() would refuse PTR, in words; NULL when PTR is a live block
 * from smalloc (or NULL).  Touches no memory it is not sure is mapped.
 */
const char *smalloc_check(const void *ptr);

/* The length of the mapping behind a valid block (0 if PTR is invalid). */
size_t smalloc_maplen(const void *ptr);

#endif
