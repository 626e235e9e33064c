/*
 * maps_view.h - print a parsed /proc/PID/maps (maps_view.c), and read a
 * /proc file whole.
 */
#ifndef MAPS_VIEW_H
#define MAPS_VIEW_H

#include "maps_parse.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A byte buffer.  FIXED buffers (the tour's) are never reallocated, so
 * reading into them does not change the address space being read. */
struct text {
	char *p;
	size_t len, cap;
	bool fixed;
};

/* Read FD to the end into T, keeping a spare byte for the NUL that
 * maps_parse_text() may write.  /proc files have no size (st_size 0), so
 * read until read(2) returns 0.  False if a fixed buffer filled up. */
bool slurp(int fd, const char *name, struct text *t);

/* "8 KiB", "1.5 MiB", "42.0 TiB". */
const char *human(uint64_t bytes, char buf[24]);

/* One row of the table: START-END KiB PERM OFFSET DEV INODE KIND PATH,
 * after LEAD ("" or the tour's "  + "), the range in RW columns. */
void print_row(const char *lead, const struct maps_table *t, size_t i,
	       const char *exe, int rw);
/* The width of the START-END column for T. */
int range_width(const struct maps_table *t);

void print_table(const struct maps_table *t, const char *exe);
/* "total: N KiB in M mappings", then the KiB and count of each kind. */
void print_total(const struct maps_table *t, const char *exe);
/* The address space to scale: one '#' per doubling, gaps in '.'. */
void print_map(const struct maps_table *t, const char *exe);

#endif
