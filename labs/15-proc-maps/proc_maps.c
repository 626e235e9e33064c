/*
 * proc_maps.c - Lab 15: read /proc/PID/maps, the kernel's list of a
 * process's virtual memory areas, and watch shared memory appear in it.
 *
 * What it shows
 *   A process's address space is a sorted list of vm_area_structs (VMAs):
 *   [vm_start, vm_end) with the same protection, the same backing object
 *   (file, shmem, nothing) and the same sharing.  /proc/PID/maps prints
 *   one line per VMA.  Every kind of shared memory of the earlier labs -
 *   a MAP_SHARED file, a System V segment, a POSIX object, shared
 *   anonymous memory, /dev/zero - is such an area, and each leaves a
 *   recognisable fingerprint in the line: the s/p flag, the offset, the
 *   device and inode, and above all the path.
 *
 * How to run
 *   proc_maps                    this process: table, picture, total
 *   proc_maps PID                another process (same user, or root)
 *   proc_maps --table | --map    only the table, or only the picture
 *   proc_maps --parse FILE       parse saved or crafted lines (- = stdin)
 *   proc_maps --tour             create one mapping of each kind, one at
 *                                a time, and show only the lines that
 *                                changed, with what each column means
 *   proc_maps --tour --hold      stop before the clean-up, so you can run
 *                                `proc_maps PID` or `cat /proc/PID/maps`
 *                                from another terminal; Ctrl-C ends it
 *   make lab-15                  the narrated demo
 *
 * What to observe
 *   - 's' in the permissions = VM_MAYSHARE: stores are seen by every
 *     process mapping the object; 'p' = private, copy-on-write.
 *   - A System V segment is "/SYSV<key> (deleted)" whose inode number is
 *     the shmid; shared anonymous memory is "/dev/zero (deleted)"; a
 *     POSIX object is a plain tmpfs file "/dev/shm/<name>".
 *   - Unlinking a mapped file only adds " (deleted)": the area stays.
 *   - The sizes in the table add up to the total, and the picture shows
 *     how sparse a 64-bit address space is: a few MiB used in 128 TiB.
 *   - Reading /proc/self/maps changes it a little (malloc, stdio): the
 *     tour reads into buffers it set aside before the first look.
 *
 * Seed bugs (note 002, "virtual memory areas"):
 *   - It lists the fields as start-end, perms, offset, major:minor,
 *     inode - and forgets the sixth, the path, which is the column that
 *     tells the shared-memory kinds apart (and may contain spaces).
 *   - It does not say that end is exclusive (size = end - start), nor
 *     that major:minor are hex (fe:00 is device 254,0) while the inode is
 *     decimal.
 *   - Its sample is hand-edited: one start address has a stray digit and
 *     one inode appears under two different library names.  It tags an
 *     anonymous rwxp area as ".bss": with NX, data, bss and heap are rw-p;
 *     an executable anonymous area today is a JIT (or an exploit).
 *   - It presents VM_IO and VM_RESERVED as the flags a driver sets.
 *     VM_RESERVED was removed in Linux 3.7 (VM_DONTEXPAND | VM_DONTDUMP
 *     replace it), remap_pfn_range() sets VM_IO | VM_PFNMAP |
 *     VM_DONTEXPAND | VM_DONTDUMP itself, and none of them is visible in
 *     maps: the "VmFlags:" line of /proc/PID/smaps shows them (io pf de
 *     dd).  The tour prints that line for the areas it creates.
 *
 * Man pages: proc(5) (/proc/pid/maps, /proc/pid/smaps), mmap(2),
 * shmget(2), shmat(2), shm_open(3), shm_overview(7), prctl(2).
 */
#include "maps_parse.h"
#include "shmlabs.h"

#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

static const char usage[] =
	"[--table|--map] [PID]\n"
	"       proc_maps [--table|--map] --parse FILE   (FILE - reads stdin)\n"
	"       proc_maps --tour [--hold]";

enum { SHOW_TABLE = 1, SHOW_MAP = 2 };

/* The top half of a 64-bit address space belongs to the kernel (on
 * x86-64 user space ends at 0x00007fffffffffff, then comes the
 * non-canonical hole, then the kernel from 0xffff800000000000). */
#define KERNEL_HALF (1ULL << 63)

/* ---- reading a whole file ------------------------------------------ */

/* A byte buffer.  FIXED buffers (the tour's) are never reallocated, so
 * reading them does not change the address space being read. */
struct text {
	char *p;
	size_t len, cap;
	bool fixed;
};

/* Read FD to the end into T, keeping a spare byte for the NUL that
 * maps_parse_text() may write at the end.  /proc files have no size
 * (st_size is 0), so read until read(2) returns 0.  Returns false if a
 * fixed buffer filled up before the end. */
static bool slurp(int fd, const char *name, struct text *t)
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
static const char *human(uint64_t bytes, char buf[24])
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
static void print_row(const char *lead, const struct maps_table *t, size_t i,
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
static int range_width(const struct maps_table *t)
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

static void print_table(const struct maps_table *t, const char *exe)
{
	int rw = range_width(t);

	printf("%-*s %11s %s %-8s %-5s %-9s %-12s %s\n", rw, "START-END", "KiB",
	       "PERM", "OFFSET", "DEV", "INODE", "KIND", "PATH");
	for (size_t i = 0; i < t->n; i++)
		print_row("", t, i, exe, rw);
}

/* The total, and where it goes by kind. */
static void print_total(const struct maps_table *t, const char *exe)
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

static void print_map(const struct maps_table *t, const char *exe)
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
	printf("Address space, low to high.  Bar: one '#' per doubling of the "
	       "size\n(# = 4 KiB, ########## = 2 MiB, 20 = 2 GiB); "
	       "'.' rows are unmapped gaps, same scale.\n");
	prev = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct maps_entry *e = &t->v[i];

		if (e->start > prev && kernel_gap(prev, e->start)) {
			printf("%*s ~~~ %s: rest of user space, non-canonical "
			       "hole, kernel half ~~~\n",
			       aw, "", human(e->start - prev, h));
		} else if (e->start > prev) {
			int n = bar_len(e->start - prev);

			printf("%*llx %.*s%*s %10s unmapped%s\n", aw,
			       (unsigned long long)prev, n,
			       "......................................"
			       "..........................",
			       bw - n, "", human(e->start - prev, h),
			       prev == 0 ? " (from address 0: NULL derefs "
					   "fault here)"
					 : "");
		}
		int n = bar_len(e->end - e->start);

		printf("%*llx %.*s%*s %10s %s %-*s%s%s\n", aw,
		       (unsigned long long)e->start, n,
		       "######################################"
		       "##########################",
		       bw - n, "", human(e->end - e->start, h), e->perms,
		       e->path[0] ? 12 : 0,
		       maps_kind_name(maps_classify(t, i, exe)),
		       e->path[0] ? " " : "", e->path);
		prev = e->end;
	}
}

/* ---- one process, or a file of lines -------------------------------- */

/* Reads the whole file first, then parses: the kernel builds the text
 * under the mmap lock a page at a time, so a partial read of another,
 * running process can mix two moments; reading fast and once keeps the
 * window small.  Returns the number of rejected lines. */
static size_t load(int fd, const char *name, struct text *txt,
		   struct maps_table *t)
{
	slurp(fd, name, txt);
	t->n = 0;
	return maps_parse_text(txt->p, txt->len, name, t);
}

static void show(const struct maps_table *t, const char *exe, int what)
{
	if (what & SHOW_TABLE)
		print_table(t, exe);
	if (what & SHOW_MAP) {
		if (what & SHOW_TABLE)
			putchar('\n');
		print_map(t, exe);
	}
	putchar('\n');
	print_total(t, exe);
}

/* proc_maps [PID]: PIDSTR is "self" or a number already checked. */
static int show_process(const char *pidstr, int what)
{
	char path[64], exepath[64], exe[PATH_MAX], comm[64] = "";
	struct text txt = { 0 };
	struct maps_table t = { 0 };
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/maps", pidstr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		/* The usual two: the process is gone, or we may not look.
		 * The file's r--r--r-- mode is not the whole story: open()
		 * runs the ptrace check (PTRACE_MODE_READ_FSCREDS): the same
		 * uid and a dumpable process, or CAP_SYS_PTRACE over the
		 * process's user namespace; an LSM may refuse too.  Even
		 * root gets EACCES for a process outside its reach. */
		int err = errno;

		if (err == ENOENT)
			fprintf(stderr, "%s: no process %s\n", lab_prog,
				pidstr);
		else if (err == EACCES || err == EPERM)
			fprintf(stderr,
				"%s: pid %s: reading its maps needs ptrace "
				"read access (same user, or CAP_SYS_PTRACE)\n",
				lab_prog, pidstr);
		errno = err;
		die("open", path);
	}
	size_t nbad = load(fd, path, &txt, &t);

	CHK(close(fd), "close", path);
	if (txt.len == 0)
		fail("%s is empty: pid %s has no user address space (a kernel "
		     "thread, or a zombie)",
		     path, pidstr);

	/* Which file is the program?  The maps line cannot say; the exe
	 * link can (it needs the same access as maps). */
	snprintf(exepath, sizeof(exepath), "/proc/%s/exe", pidstr);
	ssize_t n = readlink(exepath, exe, sizeof(exe) - 1);

	if (n >= 0)
		exe[n] = '\0';
	else
		snprintf(exe, sizeof(exe), "%s",
			 maps_guess_exe(&t) ? maps_guess_exe(&t) : "?");
	snprintf(exepath, sizeof(exepath), "/proc/%s/comm", pidstr);
	fd = open(exepath, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) { /* only for the heading: failure is harmless */
		ssize_t c = read(fd, comm, sizeof(comm) - 1);

		comm[c > 0 ? c : 0] = '\0';
		comm[strcspn(comm, "\n")] = '\0';
		CHK(close(fd), "close", exepath);
	}
	printf("%s: pid %d (%s), program %s\n\n", path,
	       strcmp(pidstr, "self") == 0 ? (int)getpid() : atoi(pidstr), comm,
	       exe);
	show(&t, exe, what);
	return nbad ? 1 : 0;
}

static int parse_file(const char *file, int what)
{
	bool is_stdin = strcmp(file, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : file;
	struct text txt = { 0 };
	struct maps_table t = { 0 };
	int fd = is_stdin ? 0
			  : CHK(open(file, O_RDONLY | O_CLOEXEC), "open", file);
	size_t nbad = load(fd, name, &txt, &t);

	if (!is_stdin)
		CHK(close(fd), "close", file);
	if (txt.len == 0)
		fail("%s: empty, no lines to parse", name);
	if (t.n == 0)
		fail("%s: no valid line (%zu rejected)", name, nbad);

	const char *exe = maps_guess_exe(&t);

	printf("%s: %zu lines parsed, %zu rejected; program guessed as %s\n\n",
	       name, t.n, nbad, exe ? exe : "?");
	show(&t, exe, what);
	if (nbad)
		fprintf(stderr, "%s: %s: %zu bad line%s\n", lab_prog, name,
			nbad, nbad == 1 ? "" : "s");
	return nbad ? 1 : 0;
}

/* ---- the tour ------------------------------------------------------- */

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
static void changes(void)
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
static const struct maps_entry *area(const void *addr)
{
	const struct maps_entry *e = maps_lookup(&snap[cur], (uintptr_t)addr);

	if (!e)
		fail("no area holds %p in /proc/self/maps", addr);
	return e;
}

static void step(int n, const char *title)
{
	printf("\n-- step %d. %s\n", n, title);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An explanation line: indented under the diff. */
static void say(const char *fmt, ...)
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
static void smaps_of(const struct maps_entry *e, bool show_anon)
{
	static const struct {
		char code[3];
		const char *flag;
	} codes[] = {
		{ "rd", "READ" },      { "wr", "WRITE" },
		{ "ex", "EXEC" },      { "sh", "SHARED" },
		{ "mr", "MAYREAD" },   { "mw", "MAYWRITE" },
		{ "me", "MAYEXEC" },   { "ms", "MAYSHARE" },
		{ "gd", "GROWSDOWN" }, { "pf", "PFNMAP" },
		{ "lo", "LOCKED" },    { "io", "IO" },
		{ "dc", "DONTCOPY" },  { "de", "DONTEXPAND" },
		{ "ac", "ACCOUNT" },   { "nr", "NORESERVE" },
		{ "dd", "DONTDUMP" },  { "sd", "SOFTDIRTY" },
		{ "hg", "HUGEPAGE" },  { "nh", "NOHUGEPAGE" },
		{ "mg", "MERGEABLE" }, { "wf", "WIPEONFORK" },
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
		say("Anonymous  %s  (smaps: pages copied on write, private to "
		    "us)",
		    anon);
}

/* The columns every step explains: s/p, offset, device and inode. */
static void explain_sp(const struct maps_entry *e)
{
	if (e->perms[3] == 's')
		say("s          VM_MAYSHARE: stores go to the shared object; "
		    "every process that maps it sees them");
	else
		say("p          private: a store copies the page first "
		    "(copy-on-write); nobody else sees it");
}

static void explain_dev(const struct maps_entry *e, const struct stat *st)
{
	say("dev inode  %02x:%02x = major %u, minor %u (hex in maps), inode "
	    "%llu",
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

static void tour(bool hold)
{
	const long page = sysconf(_SC_PAGESIZE);
	const char *tmp = getenv("TMPDIR");
	static char file[PATH_MAX];
	const char *posix = ipc_name("maps");
	const key_t key = ipc_key("maps");
	struct stat st;
	char buf[16];
	int h_file, h_sysv, h_posix;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (snprintf(file, sizeof(file), "%s/tour file XXXXXX", tmp) >=
	    (int)sizeof(file))
		fail("TMPDIR too long: %s", tmp);
	ssize_t n = readlink("/proc/self/exe", tour_exe, sizeof(tour_exe) - 1);
	if (n < 0)
		die("readlink", "/proc/self/exe");
	else
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

	printf("proc_maps tour, pid %d.  Each step maps one object and shows "
	       "the lines of\n/proc/self/maps that changed "
	       "('+' new, '-' gone).  Columns as in the table:\n"
	       "START-END KiB PERM OFFSET DEV INODE KIND PATH\n",
	       (int)getpid());
	snapshot(cur); /* the baseline */

	/* 1. A shared file mapping.  The name has spaces on purpose: the
	 * path is the rest of the line, not the next word. */
	step(1,
	     "MAP_SHARED of a regular file: 2 pages from file offset 1 page");
	int fd = CHK(mkstemp(file), "mkstemp", file);
	h_file = cleanup_add(CL_PATH, file, -1);
	CHK(ftruncate(fd, 3 * page), "ftruncate", file);
	CHK(pwrite(fd, "original", 8, 0), "pwrite", file);
	CHK(fstat(fd, &st), "fstat", file);
	char *shared = CHK_MAP(mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
				    MAP_SHARED, fd, page),
			       "mmap", file);
	shared[0] = 'S';
	printf("$ mmap(NULL, %ld, PROT_READ|PROT_WRITE, MAP_SHARED, fd, %ld) "
	       "on \"%s\"\n",
	       2 * page, page, file);
	changes();
	const struct maps_entry *e = area(shared);
	explain_sp(e);
	say("offset     %08llx = the %ld bytes passed to mmap: vm_pgoff = %llu "
	    "page(s) into the file",
	    (unsigned long long)e->offset, page,
	    (unsigned long long)e->offset / (unsigned long long)page);
	explain_dev(e, &st);
	say("path       the file's name, spaces and all: the rest of the line");
	smaps_of(e, true);

	/* 2. A private mapping of the same file, then a store into it. */
	step(2, "MAP_PRIVATE of the same file, then a store into it");
	char *priv = CHK_MAP(
		mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0),
		"mmap", file);
	memcpy(priv, "PRIVATE!", 8);
	printf("$ mmap(NULL, %ld, PROT_READ|PROT_WRITE, MAP_PRIVATE, fd, 0); "
	       "memcpy(p, \"PRIVATE!\", 8)\n",
	       page);
	changes();
	e = area(priv);
	explain_sp(e);
	CHK(pread(fd, buf, 8, 0), "pread", file);
	buf[8] = '\0';
	say("           the file still reads \"%s\": the store went to a copy",
	    buf);
	say("offset     %08llx; dev and inode are step 1's: two areas, one "
	    "file",
	    (unsigned long long)e->offset);
	smaps_of(e, true);

	/* 3. Private anonymous memory, and a name for it if we may. */
	step(3, "MAP_PRIVATE|MAP_ANONYMOUS: memory with no file");
	char *anon = CHK_MAP(mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
			     "mmap", "anonymous");
	anon[0] = 1;
	printf("$ mmap(NULL, %ld, PROT_READ|PROT_WRITE, "
	       "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)\n",
	       4 * page);
	/* Deliberately allowed to fail: CONFIG_ANON_VMA_NAME is optional. */
	int r = prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, anon, 4 * page, "tour");
	int perr = r ? errno : 0;

	printf("$ prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, p, %ld, \"tour\") = "
	       "%d%s%s\n",
	       4 * page, r, r ? " " : "", r ? errno_name(perr) : "");
	changes();
	e = area(anon);
	say("no file    dev 00:00, inode 0, offset 0: vm_file is NULL (for "
	    "anonymous memory");
	say("           vm_pgoff holds the page number of the address; maps "
	    "prints 0)");
	if (r == 0)
		say("path       [anon:tour]: the name prctl gave the area");
	else
		say("path       none; prctl failed (%s): this kernel lacks "
		    "CONFIG_ANON_VMA_NAME, else [anon:tour]",
		    errno_name(perr));
	if (e->end - e->start != (uint64_t)(4 * page)) {
		say("merged     the area is bigger than our %ld bytes: the "
		    "kernel merged it with a",
		    4 * page);
		say("           neighbour of the same flags into one "
		    "vm_area_struct");
	}
	smaps_of(e, true);

	/* 4. Shared anonymous memory. */
	step(4, "MAP_SHARED|MAP_ANONYMOUS: shared memory with no name");
	char *sanon = CHK_MAP(mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
				   MAP_ANONYMOUS | MAP_SHARED, -1, 0),
			      "mmap", "shared anonymous");
	printf("$ mmap(NULL, %ld, PROT_READ|PROT_WRITE, "
	       "MAP_SHARED|MAP_ANONYMOUS, -1, 0)\n",
	       4 * page);
	changes();
	e = area(sanon);
	explain_sp(e);
	say("           (after fork() parent and child share these pages)");
	say("path       /dev/zero (deleted): the kernel backs the area with a "
	    "file on its internal");
	say("           shmem mount, named \"dev/zero\" and linked in no "
	    "directory, hence (deleted)");
	explain_dev(e, NULL);
	say("           %02x:%02x is that internal mount; the inode is the "
	    "hidden file's",
	    e->major, e->minor);
	smaps_of(e, false);

	/* 5. A System V segment. */
	step(5, "System V: shmget() + shmat()");
	int id = CHK(
		shmget(key, (size_t)(4 * page), IPC_CREAT | IPC_EXCL | 0600),
		"shmget", "maps key");
	h_sysv = cleanup_add(CL_SYSV_SHM, NULL, id);
	char *sysv = CHK_MAP(shmat(id, NULL, 0), "shmat", "maps segment");
	printf("$ shmget(0x%08x, %ld, IPC_CREAT|IPC_EXCL|0600) = %d; "
	       "shmat(%d, NULL, 0)\n",
	       (unsigned int)key, 4 * page, id, id);
	changes();
	e = area(sysv);
	explain_sp(e);
	say("path       /SYSV%08x: \"SYSV\" + the key in 8 hex digits, on the "
	    "internal shmem",
	    (unsigned int)key);
	say("           mount; (deleted) because no directory links it "
	    "(IPC_PRIVATE gives /SYSV00000000)");
	say("inode      %llu %s the shmid %d: the kernel numbers the "
	    "segment's inode with its id",
	    (unsigned long long)e->inode,
	    e->inode == (uint64_t)id ? "=" : "!= (unexpected)", id);
	say("offset     00000000: shmat() always maps the whole segment");
	smaps_of(e, false);

	/* 6. A POSIX shared memory object. */
	step(6, "POSIX: shm_open() + ftruncate() + mmap(MAP_SHARED)");
	int pfd = CHK(shm_open(posix, O_CREAT | O_EXCL | O_RDWR, 0600),
		      "shm_open", posix);
	h_posix = cleanup_add(CL_SHM_NAME, posix, -1);
	CHK(ftruncate(pfd, 2 * page), "ftruncate", posix);
	CHK(fstat(pfd, &st), "fstat", posix);
	char *pshm = CHK_MAP(mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
				  MAP_SHARED, pfd, 0),
			     "mmap", posix);
	printf("$ shm_open(\"%s\", O_CREAT|O_EXCL|O_RDWR, 0600); "
	       "ftruncate(fd, %ld); mmap(MAP_SHARED)\n",
	       posix, 2 * page);
	changes();
	e = area(pshm);
	explain_sp(e);
	say("path       /dev/shm%s: a POSIX object is an ordinary file on the "
	    "tmpfs at /dev/shm",
	    posix);
	explain_dev(e, &st);
	smaps_of(e, false);

	/* 7. /dev/zero, shared and private. */
	step(7, "mmap() of /dev/zero: MAP_SHARED, then MAP_PRIVATE");
	int zfd =
		CHK(open("/dev/zero", O_RDWR | O_CLOEXEC), "open", "/dev/zero");
	CHK(fstat(zfd, &st), "fstat", "/dev/zero");
	char *zs = CHK_MAP(mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
				MAP_SHARED, zfd, 0),
			   "mmap", "/dev/zero");
	char *zp = CHK_MAP(mmap(NULL, 2 * page, PROT_READ, MAP_PRIVATE, zfd, 0),
			   "mmap", "/dev/zero");
	printf("$ fd = open(\"/dev/zero\"); mmap(%ld, MAP_SHARED, fd); "
	       "mmap(%ld, PROT_READ, MAP_PRIVATE, fd)\n",
	       3 * page, 2 * page);
	changes();
	e = area(zs);
	say("shared     the same fingerprint as step 4: /dev/zero's mmap "
	    "swaps in a new shmem file");
	say("           (shmem_zero_setup) - inode %llu on %02x:%02x, not "
	    "/dev/zero's own inode",
	    (unsigned long long)e->inode, e->major, e->minor);
	e = area(zp);
	say("private    \"/dev/zero\", no (deleted): the area keeps the real "
	    "file but its pages");
	say("           are plain anonymous zero pages.  dev %02x:%02x inode "
	    "%llu is where /dev/zero's",
	    e->major, e->minor, (unsigned long long)e->inode);
	say("           inode lives (st_dev %u:%u, st_ino %llu: the devtmpfs "
	    "on /dev), not the",
	    major(st.st_dev), minor(st.st_dev), (unsigned long long)st.st_ino);
	say("           device it stands for (st_rdev %u:%u)",
	    major(st.st_rdev), minor(st.st_rdev));

	if (hold) {
		/* Objects all in place: another terminal can look at us.
		 * Ctrl-C (or kill) runs the cleanup registry and exits. */
		printf("\nholding: pid %d; look at /proc/%d/maps from another "
		       "terminal, Ctrl-C to clean up\n",
		       (int)getpid(), (int)getpid());
		for (;;)
			pause();
	}

	/* 8. Names removed while the areas stay. */
	step(8, "unlink() the file and shm_unlink() the POSIX name, "
		"mappings kept");
	CHK(unlink(file), "unlink", file);
	cleanup_done(h_file);
	CHK(shm_unlink(posix), "shm_unlink", posix);
	cleanup_done(h_posix);
	printf("$ unlink(\"%s\"); shm_unlink(\"%s\")\n", file, posix);
	changes();
	shared[1] = 'x'; /* still perfectly usable */
	say("(deleted)  d_path() appends it once the name is gone; the areas "
	    "keep the inodes");
	say("           alive and still work.  The object dies at the last "
	    "munmap()/close().");

	/* 9. Everything undone. */
	step(9, "munmap() everything, shmdt(), IPC_RMID, close()");
	CHK(munmap(shared, 2 * page), "munmap", file);
	CHK(munmap(priv, page), "munmap", file);
	CHK(munmap(anon, 4 * page), "munmap", "anonymous");
	CHK(munmap(sanon, 4 * page), "munmap", "shared anonymous");
	CHK(shmdt(sysv), "shmdt", "maps segment");
	CHK(shmctl(id, IPC_RMID, NULL), "shmctl(IPC_RMID)", "maps segment");
	cleanup_done(h_sysv);
	CHK(munmap(pshm, 2 * page), "munmap", posix);
	CHK(munmap(zs, 3 * page), "munmap", "/dev/zero");
	CHK(munmap(zp, 2 * page), "munmap", "/dev/zero");
	CHK(close(fd), "close", file);
	CHK(close(pfd), "close", posix);
	CHK(close(zfd), "close", "/dev/zero");
	printf("$ munmap() x 8; shmdt(); shmctl(%d, IPC_RMID); close() x 3\n",
	       id);
	changes();
	say("every area above is gone, and so are the file, the segment and "
	    "the object");
}

/* ---- main ------------------------------------------------------------- */

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "table", no_argument, NULL, 't' },
		{ "map", no_argument, NULL, 'm' },
		{ "parse", required_argument, NULL, 'p' },
		{ "tour", no_argument, NULL, 'T' },
		{ "hold", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = NULL;
	bool do_tour = false, hold = false;
	int what = 0, c;

	lab_init(argc, argv);
	opterr = 0; /* we print the usage ourselves */
	while ((c = getopt_long(argc, argv, "tmp:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			what |= SHOW_TABLE;
			break;
		case 'm':
			what |= SHOW_MAP;
			break;
		case 'p':
			file = optarg;
			break;
		case 'T':
			do_tour = true;
			break;
		case 'H':
			hold = true;
			break;
		case 'h':
			printf("usage: %s %s\n", lab_prog, usage);
			return 0;
		default: {
			char why[80];

			snprintf(why, sizeof(why), "%s: %s", argv[optind - 1],
				 optopt == 'p' ? "needs a FILE"
					       : "unknown option");
			usage_error(usage, why);
		}
		}
	}
	if (!what)
		what = SHOW_TABLE | SHOW_MAP;
	if (do_tour) {
		if (file || what != (SHOW_TABLE | SHOW_MAP) || optind < argc)
			usage_error(usage, "--tour takes no other argument");
		tour(hold);
		return 0;
	}
	if (hold)
		usage_error(usage, "--hold goes with --tour");
	if (file) {
		if (optind < argc)
			usage_error(usage, "--parse FILE takes no PID");
		return parse_file(file, what);
	}
	if (argc - optind > 1)
		usage_error(usage, "one PID at most");
	if (optind == argc)
		return show_process("self", what);

	/* A PID: digits only, 1..INT_MAX ("self" works too). */
	const char *pid = argv[optind];
	char *end;

	errno = 0;
	long v = strtol(pid, &end, 10);

	if (strcmp(pid, "self") != 0 &&
	    (end == pid || *end || errno || v < 1 || v > INT_MAX ||
	     !(pid[0] >= '0' && pid[0] <= '9')))
		usage_error(usage, "PID must be a positive process id");
	return show_process(pid, what);
}
