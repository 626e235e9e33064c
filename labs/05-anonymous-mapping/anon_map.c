/*
 * anon_map.c - lab 5: shared memory between parent and child, no file needed.
 *
 * Labs 1-4 needed a file to map.  Between a parent and the children it
 * forks there is a simpler way: an ANONYMOUS mapping, memory that belongs
 * to no file.  This program maps a region three ways, checks that it
 * starts out all zero, then lets a child write to it and looks at what the
 * parent sees afterwards (a fourth mode replays the seed's broken recipe):
 *
 *   shared    mmap(NULL, len, PROT_READ|PROT_WRITE,
 *                  MAP_SHARED|MAP_ANONYMOUS, -1, 0)
 *             parent and child share the pages: the parent sees the
 *             child's writes.
 *   private   the same with MAP_PRIVATE: after fork() each process has its
 *             own copy-on-write copy, so the parent never sees the child's
 *             writes.  (This is just what malloc() uses for big blocks.)
 *   tempfile  "the old way", for systems without MAP_ANONYMOUS: mkstemp(3)
 *             a file in $TMPDIR, unlink(2) its name at once, ftruncate(2)
 *             it to the size, mmap it MAP_SHARED, close(2) the fd.  The
 *             result behaves exactly like "shared".
 *   seed-tempfile  the seed's recipe for the old way: open, unlink, mmap,
 *             close, WITHOUT ftruncate.  mmap succeeds, but a child that
 *             touches the first byte is killed by SIGBUS.
 *
 * Run:   make lab-5
 *   or   build/05-anonymous-mapping/anon_map [-s SIZE] MODE
 *        MODE: shared, private, tempfile or seed-tempfile;
 *        SIZE in bytes (suffix K or M allowed), 64 bytes .. 64M, default 4096.
 *
 * What to observe:
 *   - "zero-filled: N of N bytes are 0" in every mode: the kernel hands out
 *     zeroed pages (it must: they may have held another process's data).
 *   - the child always sees 41, the value the parent wrote before fork();
 *   - after waitpid() the parent sees counter 42, the note and the last
 *     byte 'Z' in modes shared and tempfile, and its own 41 in private.
 *   - seed-tempfile: "the file is 0 bytes", mmap still returns an address,
 *     and the child dies of SIGBUS ("Bus error") on its first access.
 *
 * Man pages: mmap(2) (MAP_ANONYMOUS, MAP_SHARED, MAP_PRIVATE; SIGBUS under
 * ERRORS), fork(2), mkstemp(3), unlink(2), ftruncate(2), waitpid(2).
 */
#include "shmlabs.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage_text[] =
	"[-s SIZE] shared|private|tempfile|seed-tempfile\n"
	"  shared    MAP_SHARED|MAP_ANONYMOUS: parent and child share it\n"
	"  private   MAP_PRIVATE|MAP_ANONYMOUS: each process has its own copy\n"
	"  tempfile  the old way: an unlinked temp file, mapped MAP_SHARED\n"
	"  seed-tempfile  the seed's old way, without ftruncate: SIGBUS\n"
	"  -s SIZE   bytes to map (K/M suffix allowed, 64..64M, default 4096)";

/*
 * What parent and child exchange.  It sits at the start of the mapping;
 * the child also writes the LAST byte of the region, to show that the
 * whole length is shared, not just the first page.
 */
struct box {
	int counter;
	char note[60];
};

enum { BEFORE_FORK = 41, BY_CHILD = 42 };
static const char child_note[] = "written by the child";
#define LAST_BYTE 'Z'

/* ---- three ways to get the region ------------------------------------ */

/*
 * The modern way.  MAP_ANONYMOUS means "no file": the fd argument is
 * ignored by Linux but must be -1 for portability (some systems require
 * it), and the offset must be 0.  MAP_ANON is an old synonym.
 *
 * With MAP_SHARED the kernel creates an internal shared-memory object (in
 * /proc/self/maps it shows up as "/dev/zero (deleted)": lab 6 shows why).
 * fork(2) gives the child the same mapping of the same object, so both
 * processes read and write the same physical pages.  Nobody else can
 * reach it: it has no name, so it only connects a process with the
 * children it forks AFTER mapping.  Unrelated processes need a name: a
 * file (lab 7), shm_open(3) or System V shm (later labs).
 *
 * Shared anonymous mappings exist on Linux since 2.4 (mmap(2), under
 * MAP_ANONYMOUS).
 * Seed note: the seed calls MAP_ANONYMOUS and MAP_ANON "Linux-specific".
 * Not quite: BSD had MAP_ANON first, and POSIX.1-2024 standardised both.
 * What is true is that old portable code could not count on them, which
 * is why the /dev/zero idiom (lab 6) and the temp-file way below exist.
 */
static void *map_shared_anon(size_t len)
{
	void *p;

	/* BEGIN EXERCISE 5.1: Map LEN bytes that a forked child shares with
	 * its parent, without any file: mmap(2) with MAP_SHARED|MAP_ANONYMOUS,
	 * fd -1 and offset 0, checked with CHK_MAP.  Hint: PROT_READ|PROT_WRITE;
	 * MAP_PRIVATE|MAP_ANONYMOUS would give each process its own copy. */
	p = CHK_MAP(mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0),
		    "mmap", "MAP_SHARED|MAP_ANONYMOUS");
	/* STUB
	(void)len;
	p = NULL;
	fail("exercise 5.1: the shared anonymous mapping is not written yet");
	*/
	/* END EXERCISE */
	printf("mmap(NULL, %zu, PROT_READ|PROT_WRITE, "
	       "MAP_SHARED|MAP_ANONYMOUS, -1, 0) = %p\n",
	       len, p);
	return p;
}

/*
 * Private anonymous memory: what malloc(3) gets for large blocks.  fork(2)
 * copies the mapping into the child, but as copy-on-write: the first write
 * in either process gives that process a private copy of the page.
 * Classic mistake: expecting a MAP_PRIVATE region to carry data between
 * parent and child.  It only carries what was there at fork() time, one
 * way (parent to child).
 */
static void *map_private_anon(size_t len)
{
	void *p = CHK_MAP(mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
			  "mmap", "MAP_PRIVATE|MAP_ANONYMOUS");

	printf("mmap(NULL, %zu, PROT_READ|PROT_WRITE, "
	       "MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = %p\n",
	       len, p);
	return p;
}

/*
 * The old way: a file nobody else can see.
 *
 *  1. mkstemp(3) creates a NEW file with a unique name (O_EXCL, mode 0600).
 *     Classic mistake: open("/tmp/temp", O_CREAT|O_RDWR) with a fixed
 *     name: two runs at once share (and corrupt) each other's file, and
 *     another user can plant a symlink there.
 *  2. unlink(2) the name at once.  The file lives on while the fd (and
 *     later the mapping) refers to it; when the last reference goes, the
 *     kernel frees it.  Nothing is left behind, even after a crash.
 *  3. ftruncate(2) to the size.  Seed bug: the seed says "open a temp
 *     file, unlink and close it" and never sizes it.  A new file is 0
 *     bytes, and touching a mapping beyond the end of its file raises
 *     SIGBUS (lab 2).  ftruncate() extends the file with zero bytes.
 *  4. mmap(2) it MAP_SHARED, then close(2) the fd: the mapping keeps its
 *     own reference to the file (lab 1).
 *
 * It costs four system calls and a writable directory, and on a disk
 * filesystem the kernel may write the pages back to the disk.  That is
 * why MAP_ANONYMOUS was invented.  The file goes in $TMPDIR (default
 * /tmp), the convention for temporary files; the tests give every run an
 * empty one and check that it is still empty afterwards.
 */

/* Step 1: a new, empty file with a unique name in $TMPDIR.  Returns the
 * fd; *PATH_OUT is its name (static storage), *H its cleanup handle. */
static int create_tempfile(const char **path_out, int *h)
{
	static char path[PATH_MAX]; /* the cleanup registry keeps a pointer */
	const char *dir = getenv("TMPDIR");
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if (snprintf(path, sizeof(path), "%s/anon-old-way.XXXXXX", dir) >=
	    (int)sizeof(path))
		fail("TMPDIR is too long: %s", dir);
	fd = CHK(mkstemp(path), "mkstemp", path);
	/* Until the unlink, a Ctrl-C must not leave the file behind. */
	*h = cleanup_add(CL_PATH, path, 0);
	printf("mkstemp: created %s (a new file: 0 bytes)\n", path);
	*path_out = path;
	return fd;
}

static void *map_tempfile(size_t len)
{
	const char *path;
	struct stat st;
	void *p;
	int fd, h;

	fd = create_tempfile(&path, &h);

	/* BEGIN EXERCISE 5.2: Make the temporary file invisible and big
	 * enough to map: unlink(2) its name right away (then tell the cleanup
	 * registry with cleanup_done(h)), and ftruncate(2) it to LEN bytes.
	 * Hint: the open fd keeps an unlinked file alive. */
	CHK(unlink(path), "unlink", path);
	cleanup_done(h);
	CHK(ftruncate(fd, (off_t)len), "ftruncate", path);
	/* STUB
	(void)h;
	*/
	/* END EXERCISE */

	if (stat(path, &st) == 0)
		printf("unlink: NOT done: %s still has a name\n", path);
	else if (errno == ENOENT)
		printf("unlink: the name is gone (stat: ENOENT); the open fd "
		       "keeps the file alive\n");
	else
		die("stat", path);
	CHK(fstat(fd, &st), "fstat", path);
	printf("ftruncate: the file is now %lld bytes\n",
	       (long long)st.st_size);
	if ((size_t)st.st_size < len)
		fail("%s is %lld bytes but %zu would be mapped: touching the "
		     "part past the end would raise SIGBUS (lab 2)",
		     path, (long long)st.st_size, len);

	p = CHK_MAP(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
		    "mmap", path);
	printf("mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) = "
	       "%p\n",
	       len, p);
	CHK(close(fd), "close", path);
	printf("close: only the mapping refers to the nameless file now\n");
	return p;
}

/*
 * Seed bug, replayed: the seed's recipe is "open a temp file, then unlink
 * and close it", and map it.  No ftruncate.  mmap(2) does not look at the
 * file's size, so mapping LEN bytes of a 0-byte file succeeds.  The bill
 * comes with the first access: the page lies wholly beyond the end of the
 * file, there is nothing to put in it, and the kernel sends SIGBUS
 * (mmap(2), ERRORS: "Attempted access to a page of the buffer that lies
 * beyond the end of the mapped file").  Lab 2 catches that signal; here a
 * child takes the hit, so that the parent can report how it died.
 */
static void seed_tempfile(size_t len)
{
	const char *path;
	unsigned char *p;
	struct stat st;
	int fd, h, status;
	pid_t pid;

	fd = create_tempfile(&path, &h);
	CHK(unlink(path), "unlink", path);
	cleanup_done(h);
	CHK(fstat(fd, &st), "fstat", path);
	printf("seed: unlink, but no ftruncate: the file is %lld bytes\n",
	       (long long)st.st_size);
	p = CHK_MAP(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
		    "mmap", path);
	printf("mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) = %p "
	       "(mmap does not check the file size)\n",
	       len, (void *)p);
	CHK(close(fd), "close", path);

	pid = CHK(fork(), "fork", NULL);
	if (pid == 0) {
		/* A crash on purpose: no core file, and the default action
		 * even if someone (a sanitizer) installed a SIGBUS handler. */
		CHK(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl",
		    "PR_SET_DUMPABLE");
		if (signal(SIGBUS, SIG_DFL) == SIG_ERR)
			die("signal", "SIGBUS");
		printf("child:  storing 42 into byte 0 of the mapping\n");
		*(volatile unsigned char *)p = BY_CHILD;
		printf("child:  the store worked: no SIGBUS?\n");
		_exit(0);
	}
	CHK(waitpid(pid, &status, 0), "waitpid", NULL);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGBUS)
		fail("expected the child to die of SIGBUS (wait status 0x%x)",
		     (unsigned)status);
	printf("parent: the child was killed by SIGBUS (%s): byte 0 lies "
	       "beyond the end of the 0-byte file\n",
	       strsignal(SIGBUS));
	printf("fix: ftruncate(fd, %zu) before touching it (mode tempfile)\n",
	       len);
	CHK(munmap(p, len), "munmap", path);
}

/* ---- the experiment --------------------------------------------------- */

/*
 * Look at EVERY byte, not a sample.  The guarantee (mmap(2):
 * "MAP_ANONYMOUS ... its contents are initialized to zero"; ftruncate(2):
 * "the extended part reads as null bytes") covers the whole length.
 * Reading faults in every page: a shared page is allocated (zeroed) now;
 * a private one is backed by the kernel's single shared zero page until
 * the first write gives the writer its own copy.
 */
static bool check_zeroed(const unsigned char *p, size_t len)
{
	size_t zeros = 0;

	for (size_t i = 0; i < len; i++)
		zeros += p[i] == 0;
	printf("zero-filled: %zu of %zu bytes are 0\n", zeros, len);
	return zeros == len;
}

static void show_box(const char *who, const struct box *b, unsigned char last)
{
	printf("%s counter = %d, note = \"%.*s\", last byte = ", who,
	       b->counter, (int)sizeof(b->note), b->note);
	if (last == LAST_BYTE)
		printf("'%c'\n", last);
	else
		printf("0x%02x\n", last);
}

/*
 * Parent writes 41, forks; the child checks it inherited 41, writes 42,
 * a note and the last byte, and exits; the parent waits, then looks.
 * waitpid() is the synchronisation here: when it returns, the child's
 * writes are complete (no sleep, no guessing).  Returns true when the
 * parent saw the child's writes.
 */
static bool exchange(unsigned char *p, size_t len)
{
	struct box *b = (struct box *)p;
	int status;
	pid_t pid;

	b->counter = BEFORE_FORK;
	printf("parent: counter = %d before fork()\n", b->counter);

	pid = CHK(fork(), "fork", NULL);
	if (pid == 0) {
		int seen = b->counter;

		printf("child:  counter = %d (inherited through fork)\n", seen);
		b->counter = BY_CHILD;
		snprintf(b->note, sizeof(b->note), "%s", child_note);
		p[len - 1] = LAST_BYTE;
		show_box("child:  wrote", b, p[len - 1]);
		/* _exit, not exit: the parent's atexit() handlers and stdio
		 * buffers belong to the parent (common/ explains). */
		fflush(stdout);
		_exit(seen == BEFORE_FORK ? 0 : 3);
	}

	CHK(waitpid(pid, &status, 0), "waitpid", NULL);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("the child did not see the value written before fork() "
		     "(wait status 0x%x)",
		     (unsigned)status);
	show_box("parent: after waitpid():", b, p[len - 1]);

	if (b->counter == BY_CHILD && strcmp(b->note, child_note) == 0 &&
	    p[len - 1] == LAST_BYTE) {
		printf("result: shared: the parent sees every write of the "
		       "child\n");
		return true;
	}
	if (b->counter == BEFORE_FORK && b->note[0] == '\0' &&
	    p[len - 1] == 0) {
		printf("result: not shared: the child's writes went to its own "
		       "copy-on-write pages\n");
		return false;
	}
	fail("result: inconsistent: some writes of the child arrived, some did "
	     "not");
}

/* SIZE: decimal bytes with an optional K or M suffix (powers of 1024). */
static bool parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	if (shift)
		end++;
	/* Compare before shifting: 2^44 M would wrap around to a "valid" 1M. */
	if (*end || v > (64ull << 20) >> shift)
		return false;
	v <<= shift;
	if (v < sizeof(struct box))
		return false;
	*out = (size_t)v;
	return true;
}

int main(int argc, char **argv)
{
	size_t len = 4096;
	bool want_shared, shared;
	unsigned char *p;
	const char *mode;
	int opt;

	lab_init(argc, argv);
	while ((opt = getopt(argc, argv, "s:")) != -1) {
		if (opt != 's')
			usage_error(usage_text, NULL);
		if (!parse_size(optarg, &len))
			usage_error(usage_text, "SIZE must be 64..64M bytes");
	}
	if (argc - optind != 1)
		usage_error(usage_text, NULL);
	mode = argv[optind];

	if (strcmp(mode, "shared") == 0) {
		printf("== shared anonymous mapping: no file at all\n");
		p = map_shared_anon(len);
		want_shared = true;
	} else if (strcmp(mode, "private") == 0) {
		printf("== private anonymous mapping\n");
		p = map_private_anon(len);
		want_shared = false;
	} else if (strcmp(mode, "tempfile") == 0) {
		printf("== the old way: an unlinked temporary file\n");
		p = map_tempfile(len);
		want_shared = true;
	} else if (strcmp(mode, "seed-tempfile") == 0) {
		printf("== the seed's old way: open and unlink, no "
		       "ftruncate\n");
		seed_tempfile(len);
		return 0;
	} else {
		usage_error(usage_text, "unknown mode");
	}

	if (!check_zeroed(p, len))
		fail("a fresh mapping was not all zero");
	shared = exchange(p, len);
	CHK(munmap(p, len), "munmap", mode);
	if (shared != want_shared)
		fail("expected the %s mapping to be %s", mode,
		     want_shared ? "shared" : "private");
	return 0;
}
