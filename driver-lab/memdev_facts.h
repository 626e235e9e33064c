/*
 * memdev_facts.h - what lab 17's check programs share (memdev_facts.c):
 * opening a memdev device, its size and fault count, and the one line of
 * facts each check prints.
 */
#ifndef MEMDEV_FACTS_H
#define MEMDEV_FACTS_H

#include <stddef.h>
#include <sys/types.h>

extern size_t pg; /* the page size, set by facts_init() */

/* Set pg; call first in main(), after lab_init(). */
void facts_init(void);

/* Append one observation to the line facts_print() prints ("; " between). */
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the observations as one line (the check passed). */
void facts_print(void);

/* open(2) DEV or die. */
int open_dev(const char *dev, int flags);
/* The buffer size: lseek(SEEK_END); a whole number of pages, or fail. */
size_t dev_size(int fd, const char *dev);
/* The device's minor: 0 is the remap_pfn_range method, 1 the fault one. */
unsigned dev_minor(int fd, const char *dev);
/* /sys/dev/char/MAJ:MIN/faults: how often the driver's .fault ran. */
long dev_faults(int fd, const char *dev);
/* mmap(MAP_SHARED) or die. */
char *map_dev(int fd, const char *dev, size_t len, off_t off, int prot);
/* mmap(len, off, prot, flags) must fail with errno WANT; notes "WHAT: E". */
void expect_map_error(int fd, const char *dev, size_t len, off_t off, int prot,
		      int flags, int want, const char *what);
/* Fork; the child runs FN(ARG) and _exits with its result.  Returns the
 * child's wait status. */
int in_child(int (*fn)(void *), void *arg);

#endif
