/*
 * devzero.c - lab 6: mapping /dev/zero, the way to get zeroed (and
 * shared) memory before MAP_ANONYMOUS existed.
 *
 * /dev/zero is a character device: read(2) from it returns zero bytes,
 * write(2) to it discards the data.  mmap(2) of it is special-cased in the
 * kernel (drivers/char/mem.c, mmap_zero):
 *
 *   MAP_SHARED   the kernel creates a NEW, nameless shared-memory object
 *                (shmem_zero_setup() in mm/shmem.c, the very same function
 *                MAP_SHARED|MAP_ANONYMOUS uses) and maps that instead of
 *                the device.  fork(2) shares it with the child.
 *   MAP_PRIVATE  the mapping becomes plain anonymous memory (copy-on-write
 *                zero pages); the kernel only keeps the file for display.
 *
 * So "open /dev/zero + mmap" is exactly "MAP_ANONYMOUS", spelled with an
 * ordinary open() and mmap().  SunOS 4 and SVR4 introduced it; BSD had
 * MAP_ANON; some systems (IRIX, per gnulib's notes) had only /dev/zero,
 * HP-UX only MAP_ANONYMOUS.  POSIX standardised MAP_ANONYMOUS only in
 * POSIX.1-2024.
 * Seed note: the seed calls MAP_ANONYMOUS/MAP_ANON "Linux-specific"; they
 * are not (BSD had MAP_ANON first), but portable code of the past could
 * not rely on either, hence the /dev/zero idiom.
 *
 * Run:   make lab-6
 *   or   build/06-dev-zero/devzero [-f DEVICE] shared|private|twice|anon
 *   shared   MAP_SHARED of /dev/zero, then fork: the parent sees the child
 *   private  MAP_PRIVATE of /dev/zero, then fork: it does not
 *   twice    two MAP_SHARED mappings of the SAME fd: two separate objects
 *   anon     MAP_SHARED|MAP_ANONYMOUS and MAP_PRIVATE|MAP_ANONYMOUS, to
 *            compare their /proc/self/maps lines with the ones above
 *   -f DEVICE  map another character device (default /dev/zero); try
 *            /dev/null: it cannot be mapped at all (ENODEV).
 *
 * What to observe (verified on Linux 6.18; the inode numbers vary):
 *   shared   "rw-s 00000000 00:01 1032 /dev/zero (deleted)": s = shared; the
 *            device and inode are NOT /dev/zero's: it is a fresh, unlinked
 *            file in the kernel's internal tmpfs, hence "(deleted)".
 *   private  "rw-p 00000000 00:06 4 /dev/zero": p = private; the name and
 *            inode ARE the device node's, yet smaps counts the written
 *            page as "Anonymous": the memory is anonymous, only the label
 *            says /dev/zero.
 *   anon     shared anonymous memory looks exactly like shared /dev/zero
 *            ("/dev/zero (deleted)"); private anonymous has no name and
 *            inode 0.
 *   twice    two different inodes: each mmap() of /dev/zero is new memory,
 *            so UNRELATED processes cannot meet there (lab 7 uses a file).
 *
 * Seed bug: the seed's fallback for systems without MAP_ANONYMOUS spells
 * the flag MMAP_SHARED.  No header defines that name, so the snippet does
 * not even compile (`make lab-6` shows the compiler's verdict); the flag is
 * MAP_SHARED.  seed_typo.c.txt keeps the snippet, with the bugs a compiler
 * cannot see (unchecked open and mmap, a leaked descriptor).
 *
 * Man pages: mmap(2), zero(4), proc(5) (/proc/pid/maps, smaps), fork(2).
 */
#include "shmlabs.h"

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage_text[] =
	"[-f DEVICE] shared|private|twice|anon\n"
	"  shared    map DEVICE MAP_SHARED, fork: parent and child share it\n"
	"  private   map DEVICE MAP_PRIVATE, fork: each has its own copy\n"
	"  twice     map DEVICE MAP_SHARED twice: two separate objects\n"
	"  anon      the MAP_ANONYMOUS equivalents, for comparison\n"
	"  -f DEVICE a character device to map (default /dev/zero)";

enum { BEFORE_FORK = 41, BY_CHILD = 42 };

/* ---- /proc/self/maps ----------------------------------------------------
 *
 * proc(5): one line per mapping, fields separated by spaces:
 *
 *   7f8bedbe2000-7f8bedbe4000 rw-s 00000000 00:01 1032    /dev/zero (deleted)
 *   start-end (hex)           perms offset  dev   inode   pathname
 *
 *   perms   r/w/x, then s (shared) or p (private, copy-on-write)
 *   offset  into the file, in bytes (hex)
 *   dev     major:minor (hex) of the FILESYSTEM holding the inode (st_dev),
 *           not the device number of a device node (st_rdev, 1:5 for
 *           /dev/zero)
 *   inode   0 for anonymous memory
 *   name    the file's path, " (deleted)" if it has no name any more, or a
 *           pseudo name like [heap] or [stack], or nothing.
 */
struct maps_entry {
	unsigned long start, end;
	char perms[5];
	unsigned long long offset;
	unsigned int major, minor;
	unsigned long inode;
	char name[PATH_MAX];
};

/*
 * Copy the line of /proc/self/maps whose range contains ADDR into LINE.
 * Returns false when no line does (not mapped).
 */
static bool find_maps_line(const void *addr, char *line, size_t size)
{
	/* BEGIN EXERCISE 6.1: Find the line of /proc/self/maps that contains
	 * ADDR and copy it into LINE (at most SIZE bytes).  Hint: each line
	 * starts with "start-end" in hex, sscanf "%lx-%lx"; the range is
	 * half-open, start <= addr < end. */
	uintptr_t a = (uintptr_t)addr;
	unsigned long start, end;
	bool found = false;
	char *buf = NULL;
	size_t cap = 0;
	FILE *f = fopen("/proc/self/maps", "r");

	if (!f)
		die("fopen", "/proc/self/maps");
	while (!found && getline(&buf, &cap, f) != -1) {
		if (sscanf(buf, "%lx-%lx", &start, &end) == 2 && start <= a &&
		    a < end) {
			snprintf(line, size, "%s", buf);
			found = true;
		}
	}
	free(buf);
	fclose(f);
	return found;
	/* STUB
	(void)addr;
	(void)line;
	(void)size;
	return false;
	*/
	/* END EXERCISE */
}

/* Split a maps line into its fields (the name may contain spaces). */
static bool parse_maps_line(const char *line, struct maps_entry *e)
{
	int n = 0;

	if (sscanf(line, "%lx-%lx %4s %llx %x:%x %lu %n", &e->start, &e->end,
		   e->perms, &e->offset, &e->major, &e->minor, &e->inode,
		   &n) != 7 ||
	    n == 0)
		return false;
	snprintf(e->name, sizeof(e->name), "%s", line + n);
	e->name[strcspn(e->name, "\n")] = '\0';
	return true;
}

/*
 * Print the maps line of ADDR (padding squeezed to one space) and what
 * its fields say.  DEV is stat() of the device node, to tell whether the
 * line names the node itself.  Returns false if the line was not found.
 */
static bool show_maps(const char *who, const void *addr, const struct stat *dev,
		      struct maps_entry *e)
{
	char line[PATH_MAX + 128];

	if (!find_maps_line(addr, line, sizeof(line))) {
		printf("%smaps: no line of /proc/self/maps contains %p\n", who,
		       addr);
		return false;
	}
	if (!parse_maps_line(line, e))
		fail("cannot parse this /proc/self/maps line: %s", line);
	printf("%smaps: %lx-%lx %s %08llx %02x:%02x %lu%s%s\n", who, e->start,
	       e->end, e->perms, e->offset, e->major, e->minor, e->inode,
	       e->name[0] ? " " : "", e->name);
	printf("%s  %s mapping, dev %02x:%02x inode %lu, name \"%s\"\n", who,
	       e->perms[3] == 's' ? "shared (s)" : "private (p)", e->major,
	       e->minor, e->inode, e->name);
	if (dev) {
		bool own = e->major == major(dev->st_dev) &&
			   e->minor == minor(dev->st_dev) &&
			   e->inode == dev->st_ino;

		printf("%s  is it the device node's own inode (dev %02x:%02x "
		       "inode %lu)? %s\n",
		       who, major(dev->st_dev), minor(dev->st_dev),
		       (unsigned long)dev->st_ino, own ? "yes" : "no");
	}
	return true;
}

/*
 * The "Anonymous:" field of /proc/self/smaps for the mapping at ADDR: how
 * much of it the kernel manages as anonymous memory (proc(5)).  -1 when
 * not found.  smaps repeats the maps line, then "Field: value kB" lines.
 */
static long smaps_anonymous_kb(const void *addr)
{
	uintptr_t a = (uintptr_t)addr;
	unsigned long start, end;
	bool inside = false;
	long kb = -1;
	char *buf = NULL;
	size_t cap = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		die("fopen", "/proc/self/smaps");
	while (kb < 0 && getline(&buf, &cap, f) != -1) {
		/* Only the header lines start with "hex-hex" ("Anonymous:"
		 * starts with a hex digit A, but no '-' follows it). */
		if (sscanf(buf, "%lx-%lx", &start, &end) == 2)
			inside = start <= a && a < end;
		else if (inside && sscanf(buf, "Anonymous: %ld kB", &kb) == 1)
			break;
	}
	free(buf);
	fclose(f);
	return kb;
}

/* ---- mapping a device -------------------------------------------------- */

/*
 * open + fstat + mmap + close.  O_RDWR even for /dev/zero: a MAP_SHARED
 * mapping with PROT_WRITE needs a descriptor open for writing, whatever
 * the file is (EACCES otherwise, lab 3).  The fd can be closed at once:
 * the mapping does not need it (lab 1).  Seed bug: the seed's snippet
 * neither checks open() nor ever closes the fd: one leaked descriptor per
 * mapping, and with fd -1 the mmap fails with EBADF.
 */
static int open_device(const char *path, struct stat *st)
{
	int fd = CHK(open(path, O_RDWR | O_CLOEXEC), "open", path);

	CHK(fstat(fd, st), "fstat", path);
	if (!S_ISCHR(st->st_mode))
		fail("%s is not a character device (this lab maps devices; "
		     "lab 1 maps regular files)",
		     path);
	printf("%s: character device %u:%u, node on dev %02x:%02x inode %lu\n",
	       path, major(st->st_rdev), minor(st->st_rdev), major(st->st_dev),
	       minor(st->st_dev), (unsigned long)st->st_ino);
	return fd;
}

static unsigned char *map_device(int fd, const char *path, size_t len,
				 int flags, const char *flags_text)
{
	/* A device without an mmap method (/dev/null, a tty) fails here with
	 * ENODEV: not every file can be mapped. */
	unsigned char *p =
		CHK_MAP(mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, 0),
			"mmap", path);

	printf("mmap(NULL, %zu, PROT_READ|PROT_WRITE, %s, fd, 0) = %p\n", len,
	       flags_text, (void *)p);
	return p;
}

static void check_zeroed(const unsigned char *p, size_t len)
{
	size_t zeros = 0;

	for (size_t i = 0; i < len; i++)
		zeros += p[i] == 0;
	printf("zero-filled: %zu of %zu bytes are 0\n", zeros, len);
	if (zeros != len)
		fail("a fresh mapping of /dev/zero was not all zero");
}

/*
 * Parent writes 41 and forks; the child reports what it sees (also its
 * own maps line), writes 42 and exits; after waitpid() the parent reads.
 * Returns true when the parent sees the child's 42.
 */
static bool fork_exchange(int *word, const struct stat *dev)
{
	struct maps_entry e;
	int status;
	pid_t pid;

	*word = BEFORE_FORK;
	printf("parent: wrote %d before fork()\n", *word);
	pid = CHK(fork(), "fork", NULL);
	if (pid == 0) {
		int seen = *word;

		printf("child:  sees %d, writes %d\n", seen, BY_CHILD);
		*word = BY_CHILD;
		/* The child has the same mapping at the same address: fork
		 * copies the address space layout (with perms and inode). */
		show_maps("child:  ", word, dev, &e);
		fflush(stdout);
		_exit(seen == BEFORE_FORK ? 0 : 3);
	}
	CHK(waitpid(pid, &status, 0), "waitpid", NULL);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("the child did not see %d (wait status 0x%x)", BEFORE_FORK,
		     (unsigned)status);
	printf("parent: after waitpid() sees %d\n", *word);
	if (*word == BY_CHILD) {
		printf("result: shared with the child\n");
		return true;
	}
	printf("result: not shared: the child wrote its own copy-on-write "
	       "page\n");
	return false;
}

/* ---- the modes --------------------------------------------------------- */

/* shared and private: one mapping of the device, then fork. */
static void one_mapping(const char *path, bool shared)
{
	const size_t len = (size_t)sysconf(_SC_PAGESIZE);
	struct maps_entry e;
	struct stat st;
	unsigned char *p;
	const char *why;
	int fd;

	printf("== %s mapping of %s\n", shared ? "MAP_SHARED" : "MAP_PRIVATE",
	       path);
	fd = open_device(path, &st);
	p = map_device(fd, path, len, shared ? MAP_SHARED : MAP_PRIVATE,
		       shared ? "MAP_SHARED" : "MAP_PRIVATE");
	CHK(close(fd), "close", path);
	printf("close(fd): the mapping stays\n");
	check_zeroed(p, len);

	show_maps("", p, &st, &e);
	/* Touch the page, then ask smaps how the kernel accounts for it. */
	why = shared ? "shared memory pages are not anonymous"
		     : "private /dev/zero pages are ordinary anonymous memory";
	p[len - 1] = 1;
	printf("smaps: Anonymous: %ld kB after writing one page (%s)\n",
	       smaps_anonymous_kb(p), why);

	if (fork_exchange((int *)p, &st) != shared)
		fail("expected the %s mapping %sto be shared", path,
		     shared ? "" : "not ");
	CHK(munmap(p, len), "munmap", path);
}

/*
 * Two MAP_SHARED mappings of one open /dev/zero: each mmap() call runs
 * shmem_zero_setup() again, so each gets its own object.  That is why
 * /dev/zero connects a process only with its children: another process
 * that opens /dev/zero gets new memory, not ours.
 */
static void twice(const char *path)
{
	const size_t len = (size_t)sysconf(_SC_PAGESIZE);
	struct maps_entry e1, e2;
	unsigned char *first, *second;
	struct stat st;
	bool found;
	int fd;

	printf("== two MAP_SHARED mappings of the same %s descriptor\n", path);
	fd = open_device(path, &st);
	first = map_device(fd, path, len, MAP_SHARED, "MAP_SHARED");
	second = map_device(fd, path, len, MAP_SHARED, "MAP_SHARED");
	CHK(close(fd), "close", path);

	first[0] = 'A';
	printf("wrote 'A' to first[0]: first[0] = '%c', second[0] = 0x%02x\n",
	       first[0], second[0]);
	if (second[0] == 0)
		printf("result: two separate objects: each mmap of %s creates "
		       "new memory\n",
		       path);
	else
		fail("the two mappings share memory");

	found = show_maps("first:  ", first, &st, &e1);
	found = show_maps("second: ", second, &st, &e2) && found;
	if (found)
		printf("inodes: %lu and %lu: %s\n", e1.inode, e2.inode,
		       e1.inode != e2.inode ? "different objects"
					    : "the same object");
	CHK(munmap(first, len), "munmap", "first");
	CHK(munmap(second, len), "munmap", "second");
}

/* The MAP_ANONYMOUS equivalents, to compare what maps calls them. */
static void anon(void)
{
	const size_t len = (size_t)sysconf(_SC_PAGESIZE);
	struct maps_entry e;
	void *s, *p;

	printf("== MAP_ANONYMOUS, for comparison\n");
	s = CHK_MAP(mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0),
		    "mmap", "MAP_SHARED|MAP_ANONYMOUS");
	p = CHK_MAP(mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
		    "mmap", "MAP_PRIVATE|MAP_ANONYMOUS");
	printf("MAP_SHARED|MAP_ANONYMOUS:\n");
	show_maps("", s, NULL, &e);
	printf("MAP_PRIVATE|MAP_ANONYMOUS:\n");
	show_maps("", p, NULL, &e);
	CHK(munmap(s, len), "munmap", "shared");
	CHK(munmap(p, len), "munmap", "private");
}

int main(int argc, char **argv)
{
	const char *path = "/dev/zero";
	const char *mode;
	int opt;

	lab_init(argc, argv);
	while ((opt = getopt(argc, argv, "f:")) != -1) {
		if (opt != 'f')
			usage_error(usage_text, NULL);
		if (!*optarg)
			usage_error(usage_text, "DEVICE must not be empty");
		path = optarg;
	}
	if (argc - optind != 1)
		usage_error(usage_text, NULL);
	mode = argv[optind];

	if (strcmp(mode, "shared") == 0)
		one_mapping(path, true);
	else if (strcmp(mode, "private") == 0)
		one_mapping(path, false);
	else if (strcmp(mode, "twice") == 0)
		twice(path);
	else if (strcmp(mode, "anon") == 0)
		anon();
	else
		usage_error(usage_text, "unknown mode");
	return 0;
}
