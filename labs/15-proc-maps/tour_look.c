/*
 * tour_look.c - how maps_tour looks at itself (tour_look.h): two
 * snapshots of /proc/self/maps and a diff between them, the smaps
 * counters and VmFlags of one area, and the indented explanations.
 */
#include "tour_look.h"

#include "maps_view.h"
#include "shmlabs.h"

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Two snapshots of /proc/self/maps (the last and the one before) and a
 * scratch buffer for smaps, all mapped before the first look, so that
 * looking does not change what we look at: malloc() could move the
 * [heap] end or add an area between two looks. */
#define TOUR_TEXT (1u << 20)
#define TOUR_SMAPS (4u << 20)
#define TOUR_ENTRIES 8192
static char *snap_buf[2], *smaps_buf;
static struct maps_entry *snap_ent[2];
static struct text snap_txt[2];
static struct maps_table snap[2];
static int cur; /* snap[cur] is the latest */
static char tour_exe[PATH_MAX];

static void snapshot(int k);

void look_begin(void)
{
	ssize_t n = readlink("/proc/self/exe", tour_exe, sizeof(tour_exe) - 1);

	if (n < 0)
		die("readlink", "/proc/self/exe");
	tour_exe[n] = '\0';

	/* One anonymous area for all the buffers: part of the baseline, and
	 * never changed after it. */
	size_t bytes = 2 * TOUR_TEXT + TOUR_SMAPS +
		       2 * TOUR_ENTRIES * sizeof(struct maps_entry);
	char *mem = CHK_MAP(mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
			    "mmap", "tour buffers");

	snap_buf[0] = mem;
	snap_buf[1] = mem + TOUR_TEXT;
	smaps_buf = mem + 2 * TOUR_TEXT;
	snap_ent[0] = (struct maps_entry *)(void *)(smaps_buf + TOUR_SMAPS);
	snap_ent[1] = snap_ent[0] + TOUR_ENTRIES;
	snapshot(cur); /* the baseline */
}

static void snapshot(int k)
{
	int fd = CHK(open("/proc/self/maps", O_RDONLY | O_CLOEXEC), "open",
		     "/proc/self/maps");

	snap_txt[k] = (struct text){ .p = snap_buf[k],
				     .cap = TOUR_TEXT,
				     .fixed = true };
	snap[k] = (struct maps_table){ .v = snap_ent[k],
				       .cap = TOUR_ENTRIES,
				       .fixed = true };
	if (!slurp(fd, "/proc/self/maps", &snap_txt[k]))
		fail("/proc/self/maps is over %u bytes: enlarge TOUR_TEXT",
		     TOUR_TEXT);
	CHK(close(fd), "close", "/proc/self/maps");
	if (maps_parse_text(snap_txt[k].p, snap_txt[k].len, "/proc/self/maps",
			    &snap[k]) != 0)
		fail("the kernel's own maps did not parse: a parser bug");
}

static bool in_table(const struct maps_table *t, const struct maps_entry *e)
{
	for (size_t i = 0; i < t->n; i++)
		if (maps_same(&t->v[i], e))
			return true;
	return false;
}

/* Look again and print the lines that differ from the last look: '-' for
 * an area that is gone (or changed), '+' for a new (or changed) one, in
 * address order. */
void look_changes(void)
{
	const struct maps_table *old = &snap[cur], *new = &snap[1 - cur];
	size_t i = 0, j = 0;
	int shown = 0;

	snapshot(1 - cur);
	int rw = range_width(new) > range_width(old) ? range_width(new)
						     : range_width(old);

	/* Both lists are sorted by address: merge them, the old line first
	 * when both start at the same address. */
	while (i < old->n || j < new->n) {
		if (j >= new->n ||
		    (i < old->n && old->v[i].start <= new->v[j].start)) {
			if (!in_table(new, &old->v[i])) {
				print_row("  - ", old, i, tour_exe, rw);
				shown++;
			}
			i++;
		} else {
			if (!in_table(old, &new->v[j])) {
				print_row("  + ", new, j, tour_exe, rw);
				shown++;
			}
			j++;
		}
	}
	if (!shown)
		printf("  (no line changed)\n");
	cur = 1 - cur;
}

/* The area holding ADDR in the latest look. */
const struct maps_entry *look_area(const void *addr)
{
	const struct maps_entry *e = maps_lookup(&snap[cur], (uintptr_t)addr);

	if (!e)
		fail("no area holds %p in /proc/self/maps", addr);
	return e;
}

void tour_step(int n, const char *title)
{
	printf("\n-- step %d. %s\n", n, title);
}

/* An explanation line: indented under the diff. */
void say(const char *fmt, ...)
{
	va_list ap;

	fputs("     ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* smaps, the long form of maps, has per-area counters and - the only
 * place user space can see them - the vm_flags bits, as two-letter codes
 * on the "VmFlags:" line (proc(5)).  Find E's block and print both. */
void look_smaps(const struct maps_entry *e, bool show_anon)
{
	/* In bit order, as show_smap_vma_flags() (fs/proc/task_mmu.c)
	 * prints them: it walks vm_flags from bit 0 up. */
	static const struct {
		char code[3];
		const char *flag;
	} codes[] = {
		{ "rd", "READ" },	 { "wr", "WRITE" },
		{ "ex", "EXEC" },	 { "sh", "SHARED" },
		{ "mr", "MAYREAD" },	 { "mw", "MAYWRITE" },
		{ "me", "MAYEXEC" },	 { "ms", "MAYSHARE" },
		{ "gd", "GROWSDOWN" },	 { "pf", "PFNMAP" },
		{ "lo", "LOCKED" },	 { "io", "IO" },
		{ "sr", "SEQ_READ" },	 { "rr", "RAND_READ" },
		{ "dc", "DONTCOPY" },	 { "de", "DONTEXPAND" },
		{ "lf", "LOCKONFAULT" }, { "ac", "ACCOUNT" },
		{ "nr", "NORESERVE" },	 { "ht", "HUGETLB" },
		{ "sf", "SYNC" },	 { "ar", "ARCH_1" },
		{ "wf", "WIPEONFORK" },	 { "dd", "DONTDUMP" },
		{ "sd", "SOFTDIRTY" },	 { "mm", "MIXEDMAP" },
		{ "hg", "HUGEPAGE" },	 { "nh", "NOHUGEPAGE" },
		{ "mg", "MERGEABLE" },	 { "um", "UFFD_MISSING" },
		{ "uw", "UFFD_WP" },
	};
	struct text t = { .p = smaps_buf, .cap = TOUR_SMAPS, .fixed = true };
	int fd = CHK(open("/proc/self/smaps", O_RDONLY | O_CLOEXEC), "open",
		     "/proc/self/smaps");
	bool complete = slurp(fd, "/proc/self/smaps", &t);
	char *anon = NULL, *flags = NULL;
	bool ours = false;

	CHK(close(fd), "close", "/proc/self/smaps");
	t.p[t.len] = '\0';
	for (char *line = t.p, *nl; line && *line; line = nl) {
		char *q;
		unsigned long long s;

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		s = strtoull(line, &q, 16);
		if (q != line && *q == '-') /* an area's header line */
			ours = s == e->start;
		else if (ours && strncmp(line, "Anonymous:", 10) == 0)
			anon = line + 10 + strspn(line + 10, " ");
		else if (ours && strncmp(line, "VmFlags:", 8) == 0)
			flags = line + 8 + strspn(line + 8, " ");
	}
	if (!flags) {
		say("smaps      (area not found%s)",
		    complete ? "" : ": smaps too big for the buffer");
		return;
	}
	printf("     vm_flags   ");
	for (char *f = strtok(flags, " "); f; f = strtok(NULL, " ")) {
		const char *name = "?";

		for (size_t k = 0; k < sizeof(codes) / sizeof(codes[0]); k++)
			if (strcmp(f, codes[k].code) == 0)
				name = codes[k].flag;
		printf("%s=%s ", f, name);
	}
	printf("  (smaps VmFlags)\n");
	if (anon && show_anon)
		say("Anonymous  %s  (smaps: pages copied on write, private to us)",
		    anon);
}

/* The columns every step explains: s/p, offset, device and inode. */
void explain_sp(const struct maps_entry *e)
{
	if (e->perms[3] == 's')
		say("s          VM_MAYSHARE: stores go to the shared object; every process that maps it sees them");
	else
		say("p          private: a store copies the page first (copy-on-write); nobody else sees it");
}

void explain_dev(const struct maps_entry *e, const struct stat *st)
{
	say("dev inode  %02x:%02x = major %u, minor %u (hex in maps), inode %llu",
	    e->major, e->minor, e->major, e->minor,
	    (unsigned long long)e->inode);
	if (!st)
		return;
	bool same = major(st->st_dev) == e->major &&
		    minor(st->st_dev) == e->minor && st->st_ino == e->inode;
	say("           fstat(2) of our fd: st_dev %u:%u, st_ino %llu - %s",
	    major(st->st_dev), minor(st->st_dev),
	    (unsigned long long)st->st_ino,
	    same ? "the same object"
		 : "different: the area maps another inode than the fd");
}
