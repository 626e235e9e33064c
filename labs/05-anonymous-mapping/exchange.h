/*
 * exchange.h - lab 5: the experiment every program of this lab runs on the
 * region it mapped, so that the programs differ only in how they map it.
 *
 * region_size() reads the [-s SIZE] option.  experiment() checks that
 * every byte of the region is 0, then: the parent stores 41 and forks; the
 * child checks that it inherited 41, stores 42, a note and the region's
 * LAST byte ('Z'), and exits; after waitpid() the parent looks, and
 * unmaps the region.
 */
#ifndef EXCHANGE_H
#define EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>

/* Parse "[-s SIZE] (no other arguments)": SIZE 64 bytes .. 64M, K/M/G
 * suffix, default 4096.  Exits 2 with USAGE on anything else. */
size_t region_size(int argc, char **argv, const char *usage);

/* The experiment on the LEN bytes at P, named WHAT in messages.  Exits 1
 * unless the region was all zero and the parent saw every write of the
 * child (WANT_SHARED) or none of them (!WANT_SHARED). */
void experiment(unsigned char *p, size_t len, bool want_shared,
		const char *what);

#endif
