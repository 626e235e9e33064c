/*
 * tour_look.h - maps_tour's way of looking at its own address space
 * (tour_look.c).  All buffers are mapped before the first look, so that
 * looking does not change what is looked at (malloc() could move the
 * [heap] end or add an area between two looks).
 */
#ifndef TOUR_LOOK_H
#define TOUR_LOOK_H

#include "maps_parse.h"

#include <stdbool.h>
#include <sys/stat.h>

/* Map the buffers and take the first snapshot of /proc/self/maps. */
void look_begin(void);
/* Look again; print the lines that changed since the last look: "  - "
 * for an area gone (or changed), "  + " for a new (or changed) one, or
 * "  (no line changed)". */
void look_changes(void);
/* The area holding ADDR in the latest look (exit 1 if none). */
const struct maps_entry *look_area(const void *addr);
/* E's VmFlags line of /proc/self/smaps, decoded, and (SHOW_ANON) its
 * Anonymous counter. */
void look_smaps(const struct maps_entry *e, bool show_anon);

/* "-- step N. TITLE", and an explanation line indented under the diff. */
void tour_step(int n, const char *title);
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The s/p column, and the device and inode (compared with ST if any). */
void explain_sp(const struct maps_entry *e);
void explain_dev(const struct maps_entry *e, const struct stat *st);

#endif
