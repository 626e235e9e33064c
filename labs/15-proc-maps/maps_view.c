/*
 * maps_view.c - lab 15's printing (maps_view.h): the table, the total by
 * kind and the log2 picture of an address space, and reading a /proc file
 * whole.
 */
#include "maps_view.h"

#include "shmlabs.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The top half of a 64-bit address space belongs to the kernel (on
 * x86-64 user space ends at 0x00007fffffffffff, then comes the
 * non-canonical hole, then the kernel from 0xffff800000000000). */
#define KERNEL_HALF (1ULL << 63)

/* ---- reading a whole file ------------------------------------------ */

/* Read FD to the end into T, keeping a spare byte for the NUL that
 * maps_parse_text() may write at the end.  /proc files have no size
 * (st_size is 0), so read until read(2) returns 0.  Returns false if a
 * fixed buffer filled up before the end. */
bool slurp(int fd, const char *name, struct text *t)
{
	t->len = 0;
	for (;;) {
		if (t->cap - t->len < 2) {
			if (t->fixed)
				return false;
			size_t cap = t->cap ? 2 * t->cap : 65536;
			char *p = realloc(t->p, cap);

			if (!p)
				fail("out of memory reading %s", name);
			t->p = p;
			t->cap = cap;
		}
		ssize_t r = CHK(read(fd, t->p + t->len, t->cap - t->len - 1),
				"read", name);
		if (r == 0)
			return true;
		t->len += (size_t)r;
	}
}

/* ---- printing -------------------------------------------------------- */

/* 8 KiB, 1.5 MiB, 42.0 TiB: sizes and gaps for people. */
const char *human(uint64_t bytes, char buf[24])
{
	static const char *const unit[] = { "KiB", "MiB", "GiB",
					    "TiB", "PiB", "EiB" };
	double v = (double)bytes / 1024;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, 24, u == 0 || v >= 100 ? "%.0f %s" : "%.1f %s", v,
		 unit[u]);
	return buf;
}

/* One row: the same columns in the table and in the tour's diffs. */
void print_row(const char *lead, const struct maps_table *t, size_t i,
	       const char *exe, int rw)
{
	const struct maps_entry *e = &t->v[i];
	char range[40];

	snprintf(range, sizeof(range), "%08llx-%08llx",
		 (unsigned long long)e->start, (unsigned long long)e->end);
	printf("%s%-*s %11llu %s %08llx %02x:%02x %-9llu %-*s%s%s\n", lead, rw,
	       range, (unsigned long long)((e->end - e->start) / 1024),
	       e->perms, (unsigned long long)e->offset, e->major, e->minor,
	       (unsigned long long)e->inode, e->path[0] ? 12 : 0,
	       maps_kind_name(maps_classify(t, i, exe)), e->path[0] ? " " : "",
	       e->path);
}

/* The width of the START-END column.  Rows in the kernel half (the
 * 16-digit [vsyscall]) are left to stick out rather than widen them all. */
int range_width(const struct maps_table *t)
{
	int w = 17; /* "%08llx-%08llx" */

	for (size_t i = 0; i < t->n && t->v[i].start < KERNEL_HALF; i++) {
		int n = snprintf(NULL, 0, "%08llx-%08llx",
				 (unsigned long long)t->v[i].start,
				 (unsigned long long)t->v[i].end);
		if (n > w)
			w = n;
	}
	return w;
}

void print_table(const struct maps_table *t, const char *exe)
{
	int rw = range_width(t);

	printf("%-*s %11s %s %-8s %-5s %-9s %-12s %s\n", rw, "START-END", "KiB",
	       "PERM", "OFFSET", "DEV", "INODE", "KIND", "PATH");
	for (size_t i = 0; i < t->n; i++)
		print_row("", t, i, exe, rw);
}

/* The total, and where it goes by kind. */
void print_total(const struct maps_table *t, const char *exe)
{
	uint64_t kib = 0, by[MK_COUNT] = { 0 };
	size_t cnt[MK_COUNT] = { 0 };
	char h[24];

	for (size_t i = 0; i < t->n; i++) {
		uint64_t k = (t->v[i].end - t->v[i].start) / 1024;
		enum maps_kind kind = maps_classify(t, i, exe);

		kib += k;
		by[kind] += k;
		cnt[kind]++;
	}
	printf("total: %llu KiB in %zu mappings (%s)\n",
	       (unsigned long long)kib, t->n, human(kib * 1024, h));
	for (int k = 0; k < MK_COUNT; k++)
		if (cnt[k])
			printf("  %-12s %11llu KiB in %3zu  %s\n",
			       maps_kind_name(k), (unsigned long long)by[k],
			       cnt[k], maps_kind_about(k));
}

/* Bar length: one character per doubling, 4 KiB (one page) = 1. */
static int bar_len(uint64_t bytes)
{
	int n = 63 - __builtin_clzll(bytes) - 11;

	return n < 1 ? 1 : n;
}

static bool kernel_gap(uint64_t from, uint64_t to)
{
	return from < KERNEL_HALF && to > KERNEL_HALF;
}

void print_map(const struct maps_table *t, const char *exe)
{
	int bw = 1, aw = 8;
	uint64_t prev = 0;
	char h[24];

	/* Column widths: the longest bar (gaps included) and address. */
	for (size_t i = 0; i < t->n; i++) {
		const struct maps_entry *e = &t->v[i];
		int n = bar_len(e->end - e->start);

		if (n > bw)
			bw = n;
		if (e->start > prev && !kernel_gap(prev, e->start) &&
		    bar_len(e->start - prev) > bw)
			bw = bar_len(e->start - prev);
		n = snprintf(NULL, 0, "%llx", (unsigned long long)e->start);
		if (n > aw)
			aw = n;
		prev = e->end;
	}
	printf("Address space, low to high.  Bar: one '#' per doubling of the size\n(# = 4 KiB, ########## = 2 MiB, 20 = 2 GiB); '.' rows are unmapped gaps, same scale.\n");
	prev = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct maps_entry *e = &t->v[i];

		if (e->start > prev && kernel_gap(prev, e->start)) {
			printf("%*s ~~~ %s: rest of user space, non-canonical hole, kernel half ~~~\n",
			       aw, "", human(e->start - prev, h));
		} else if (e->start > prev) {
			int n = bar_len(e->start - prev);

			printf("%*llx %.*s%*s %10s unmapped%s\n", aw,
			       (unsigned long long)prev, n,
			       "................................................................",
			       bw - n, "", human(e->start - prev, h),
			       prev == 0
				       ? " (from address 0: NULL derefs fault here)"
				       : "");
		}
		int n = bar_len(e->end - e->start);

		printf("%*llx %.*s%*s %10s %s %-*s%s%s\n", aw,
		       (unsigned long long)e->start, n,
		       "################################################################",
		       bw - n, "", human(e->end - e->start, h), e->perms,
		       e->path[0] ? 12 : 0,
		       maps_kind_name(maps_classify(t, i, exe)),
		       e->path[0] ? " " : "", e->path);
		prev = e->end;
	}
}
