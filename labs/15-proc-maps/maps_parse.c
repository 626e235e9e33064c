/*
 * maps_parse.c - parse and classify /proc/PID/maps lines (maps_parse.h).
 *
 * Why not one sscanf()?  The line most tutorials parse with
 *     sscanf(line, "%lx-%lx %4s %lx %x:%x %lu %s", ...)
 * goes wrong in four ways, and this file exists to avoid each of them:
 *  - "%s" stops at the first blank, so "/tmp/my file" becomes "/tmp/my"
 *    and "/SYSV00000000 (deleted)" loses its "(deleted)".  The path is
 *    everything after the inode's padding, to the end of the line.
 *  - The path is optional (anonymous memory has none), so a correct line
 *    returns 7 conversions, not 8; code that checks "== 8" drops it.
 *  - "%lx" skips leading blanks and accepts "0x", a sign, and any length
 *    (a 17-digit number silently overflows), so garbage is "parsed".
 *  - Nothing checks that the line ends where it should, that end > start,
 *    or that the addresses are page-aligned - so a truncated or corrupted
 *    line turns into a plausible, wrong mapping.
 * Here every field is read by hand, with its own error message.
 */
#include "maps_parse.h"

#include "shmlabs.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Scaffolding of the parser, below maps_parse_line(). */
static int bad(char *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *what_is(const char *p, char buf[16]);
static int get_hex(const char **pp, uint64_t *v, int maxdig, const char *what,
		   char *err);
static int blanks(const char **pp, const char *after, const char *next,
		  char *err);

int maps_parse_line(const char *line, struct maps_entry *e,
		    char err[MAPS_ERR_MAX])
{
	static const char allowed[4][3] = { "r-", "w-", "x-", "ps" };
	const char *p = line;
	uint64_t v, x;
	char b[16];

	memset(e, 0, sizeof(*e));
	if (*p == '\0')
		return bad(err, "empty line");

	/* vm_start-vm_end: hex, 64-bit at most.  The kernel pads them to
	 * 8 digits, so a 64-bit process shows 12 (user space ends at
	 * 0x7fffffffffff on x86-64) and [vsyscall] shows 16. */
	if (get_hex(&p, &v, 16, "start address", err) < 0)
		return -1;
	e->start = v;
	if (*p != '-')
		return bad(err,
			   "expected '-' after the start address, found %s",
			   what_is(p, b));
	p++;
	if (get_hex(&p, &v, 16, "end address", err) < 0)
		return -1;
	e->end = v;
	if (e->end <= e->start)
		return bad(
			err,
			"end %llx is not above start %llx (vm_end is one past the last byte: an area is never empty)",
			(unsigned long long)e->end,
			(unsigned long long)e->start);
	if (e->start % MAPS_MIN_PAGE || e->end % MAPS_MIN_PAGE)
		return bad(
			err,
			"%llx-%llx is not page-aligned (an area is a whole number of pages)",
			(unsigned long long)e->start,
			(unsigned long long)e->end);
	if (blanks(&p, "addresses", "permissions", err) < 0)
		return -1;

	/* rwxp: exactly four characters, each from a fixed pair. */
	for (int i = 0; i < 4; i++) {
		if (p[i] == '\0')
			return bad(
				err,
				"truncated: the permissions stop after %d character%s",
				i, i == 1 ? "" : "s");
		if (!strchr(allowed[i], p[i]))
			return bad(
				err,
				"permissions: character %d is %s; expected [r-][w-][x-][ps] as in rw-p",
				i + 1, what_is(p + i, b));
		e->perms[i] = p[i];
	}
	e->perms[4] = '\0';
	p += 4;
	if (blanks(&p, "permissions", "offset", err) < 0)
		return -1;

	/* The offset is vm_pgoff << PAGE_SHIFT: a whole number of pages. */
	if (get_hex(&p, &v, 16, "offset", err) < 0)
		return -1;
	e->offset = v;
	if (e->offset % MAPS_MIN_PAGE)
		return bad(err,
			   "offset %llx is not a multiple of the page size",
			   (unsigned long long)e->offset);
	if (blanks(&p, "offset", "device", err) < 0)
		return -1;

	/* BEGIN EXERCISE 15.2: Parse the device field MAJOR:MINOR into
	 * e->major and e->minor, leaving P just after it, and reject a
	 * malformed field (return -1 with a reason of your wording in ERR).
	 * Hint: proc(5) and the kernel's show_map_vma() say in which base
	 * the two numbers are printed; <linux/kdev_t.h> says how large each
	 * can be.  The helpers above read one number and name what they
	 * found. */
	if (get_hex(&p, &v, 3, "device major", err) < 0)
		return -1;
	e->major = (unsigned int)v;
	if (*p != ':')
		return bad(err,
			   "device: expected ':' after the major, found %s",
			   what_is(p, b));
	p++;
	if (get_hex(&p, &v, 5, "device minor", err) < 0)
		return -1;
	e->minor = (unsigned int)v;
	/* STUB
	while (*p != '\0' && *p != ' ' && *p != '\t')
		p++; // skipped: every device reads 00:00 until 15.2 is done
	e->major = e->minor = 0;
	*/
	/* END EXERCISE */
	if (blanks(&p, "device", "inode", err) < 0)
		return -1;

	/* The inode is decimal (%lu), unlike every number before it. */
	if (!isdigit((unsigned char)*p))
		return bad(err, "inode: expected a decimal digit, found %s",
			   what_is(p, b));
	for (x = 0; isdigit((unsigned char)*p); p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (x > (UINT64_MAX - d) / 10)
			return bad(err, "inode: does not fit in 64 bits");
		x = x * 10 + d;
	}
	e->inode = x;

	/* The path: optional, and everything after the padding - spaces in
	 * the name included.  (The kernel escapes only '\n', as "\012".) */
	e->path = p;
	if (*p != '\0') {
		if (*p != ' ' && *p != '\t')
			return bad(
				err,
				"inode: expected a decimal digit, a space or the end of the line, found %s",
				what_is(p, b));
		while (*p == ' ' || *p == '\t')
			p++;
		e->path = p;
	}
	/* d_path() appends " (deleted)" when the name was unlinked (or never
	 * existed: SysV segments, shared anonymous memory, memfds). */
	size_t n = strlen(e->path);
	e->deleted = n >= 10 && strcmp(e->path + n - 10, " (deleted)") == 0;
	return 0;
}

/* Write the reason for a rejection; always returns -1. */
static int bad(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, MAPS_ERR_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

/* How to name the character at P in a message: 'g', a space, byte 0x01. */
static const char *what_is(const char *p, char buf[16])
{
	unsigned char c = (unsigned char)*p;

	if (c == '\0')
		return "the end of the line";
	if (c == ' ')
		return "a space";
	if (isprint(c))
		snprintf(buf, 16, "'%c'", c);
	else
		snprintf(buf, 16, "byte 0x%02x", c);
	return buf;
}

static unsigned int hexval(char c)
{
	return isdigit((unsigned char)c)
		       ? (unsigned int)(c - '0')
		       : (unsigned int)(tolower((unsigned char)c) - 'a' + 10);
}

/* Read 1..MAXDIG hex digits at *PP into *V; WHAT names the field. */
static int get_hex(const char **pp, uint64_t *v, int maxdig, const char *what,
		   char *err)
{
	const char *p = *pp;
	uint64_t x = 0;
	int n = 0;
	char b[16];

	if (*p == '\0')
		return bad(err, "truncated: the line ends before the %s", what);
	while (isxdigit((unsigned char)*p)) {
		if (++n > maxdig)
			return bad(err, "%s: more than %d hex digits", what,
				   maxdig);
		x = x << 4 | hexval(*p++);
	}
	if (n == 0)
		return bad(err, "%s: expected a hex digit, found %s", what,
			   what_is(p, b));
	*v = x;
	*pp = p;
	return 0;
}

/* The blanks between two fields.  The kernel writes one space (and pads
 * before the path); we accept any run of spaces or tabs. */
static int blanks(const char **pp, const char *after, const char *next,
		  char *err)
{
	const char *p = *pp;
	char b[16];

	if (*p == '\0')
		return bad(err, "truncated: the line ends after the %s (no %s)",
			   after, next);
	if (*p != ' ' && *p != '\t')
		return bad(err, "expected a space after the %s, found %s",
			   after, what_is(p, b));
	while (*p == ' ' || *p == '\t')
		p++;
	*pp = p;
	return 0;
}

/* Print a rejected line: the reason, then the text (escaped, cut). */
static void report(const char *name, size_t lineno, const char *why,
		   const char *line, size_t len)
{
	fprintf(stderr, "%s: %s:%zu: %s\n%s:   | ", lab_prog, name, lineno, why,
		lab_prog);
	for (size_t i = 0; i < len && i < 100; i++) {
		unsigned char c = (unsigned char)line[i];

		if (isprint(c))
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputs(len > 100 ? "...\n" : "\n", stderr);
}

static void append(struct maps_table *t, const struct maps_entry *e)
{
	if (t->n == t->cap) {
		if (t->fixed)
			fail("more than %zu mappings: enlarge the table",
			     t->cap);
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct maps_entry *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			fail("out of memory for %zu mappings", cap);
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = *e;
}

size_t maps_parse_text(char *text, size_t len, const char *name,
		       struct maps_table *t)
{
	char *p = text, *stop = text + len;
	size_t nbad = 0, lineno = 0;
	char err[MAPS_ERR_MAX];

	while (p < stop) {
		char *nl = memchr(p, '\n', (size_t)(stop - p));
		char *eol = nl ? nl : stop;
		struct maps_entry e;

		lineno++;
		/* A NUL would end the C string early and hide the rest. */
		if (memchr(p, '\0', (size_t)(eol - p))) {
			report(name, lineno,
			       "contains a NUL byte (binary data?)", p,
			       (size_t)(eol - p));
			nbad++;
			p = eol + 1;
			continue;
		}
		*eol = '\0'; /* text[len] is ours too: see the header */
		if (maps_parse_line(p, &e, err) < 0) {
			report(name, lineno, err, p, (size_t)(eol - p));
			nbad++;
		} else if (t->n && e.start < t->v[t->n - 1].end) {
			snprintf(
				err, sizeof(err),
				"starts at %llx, below the end of line %zu (%llx): the kernel lists areas sorted and disjoint",
				(unsigned long long)e.start,
				t->v[t->n - 1].lineno,
				(unsigned long long)t->v[t->n - 1].end);
			report(name, lineno, err, p, (size_t)(eol - p));
			nbad++;
		} else {
			e.lineno = lineno;
			append(t, &e);
		}
		p = eol + 1;
	}
	return nbad;
}

bool maps_same(const struct maps_entry *a, const struct maps_entry *b)
{
	return a->start == b->start && a->end == b->end &&
	       a->offset == b->offset && a->major == b->major &&
	       a->minor == b->minor && a->inode == b->inode &&
	       strcmp(a->perms, b->perms) == 0 && strcmp(a->path, b->path) == 0;
}

const struct maps_entry *maps_lookup(const struct maps_table *t, uint64_t addr)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].start <= addr && addr < t->v[i].end)
			return &t->v[i];
	return NULL;
}
