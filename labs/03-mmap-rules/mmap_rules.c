/*
 * mmap_rules.c - Lab 3: the rules of mmap(2), one experiment each.
 *
 * The classic notes end with a list of "things to watch out for" when
 * using mmap.  Each rule becomes a numbered experiment here: the program
 * does the forbidden (or the allowed) thing and prints what the rule
 * predicts next to what the kernel really did:
 *
 *     [4] offset not a multiple of the page size
 *         mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 100)
 *         expected EINVAL, observed EINVAL: PASS
 *
 *  1  MAP_SHARED + PROT_WRITE on an O_RDONLY fd     -> EACCES
 *  2  MAP_PRIVATE + PROT_WRITE on an O_RDONLY fd    -> works (file unchanged)
 *  3  any mapping of an O_WRONLY fd                 -> EACCES
 *  4  offset not a multiple of the page size        -> EINVAL
 *  5  offset = one page                             -> works
 *  6  length 0                                      -> EINVAL
 *  7  munmap(p + 1, ...)                            -> EINVAL
 *  8  munmap of the second page only                -> works (partial unmap)
 *  9  store into a PROT_READ mapping                -> SIGSEGV (SEGV_ACCERR)
 * 10  touch memory after munmap()                   -> SIGSEGV (SEGV_MAPERR)
 * 11  use the mapping after close(fd)               -> works
 *
 * None of these depends on who you are: the access checks of 1-3 compare
 * the mapping with the descriptor's open mode (O_RDONLY/O_WRONLY/O_RDWR),
 * not with the file's permission bits, so root gets EACCES too.
 *
 * Run:   mmap_rules all        mmap_rules 4        mmap_rules 1 2 3
 *        mmap_rules --list
 * Exit status: 0 when every experiment run behaved as expected, 1 if not.
 *
 * Man pages: mmap(2) (ERRORS), munmap(2), open(2), sigaction(2),
 * sigsetjmp(3), sysconf(3).
 */
#include "shmlabs.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char usage[] = "all | N... | --list\n"
			    "  run every experiment, or the numbered ones; "
			    "--list names them";

static size_t page;	 /* sysconf(_SC_PAGESIZE) */
static const char *path; /* a 2-page file: page 1 all 'a', page 2 all 'b' */

/* ---- catching SIGSEGV (as in lab 2) --------------------------------
 *
 * touch() makes one access; if it faults, the handler jumps back into
 * touch() with siglongjmp() (returning from the handler would re-run the
 * faulting instruction forever).  sigsetjmp(env, 1) saves the signal mask
 * so that siglongjmp() unblocks SIGSEGV again - plain setjmp/longjmp
 * would leave it blocked and the next fault would kill the process.  The
 * jump is safe because the interrupted code is a single access in touch().
 */
static sigjmp_buf touch_env;
static volatile sig_atomic_t touch_armed;
static volatile int fault_code; /* si_code: SEGV_ACCERR or SEGV_MAPERR */

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (!touch_armed) {
		/* Not one of our experiments: a real bug.  Remove the temp
		 * file (cleanup_run is async-signal-safe), restore the
		 * default action and let the access fault again, fatally. */
		cleanup_run();
		signal(sig, SIG_DFL);
		return;
	}
	fault_code = si->si_code;
	touch_armed = 0;
	siglongjmp(touch_env, sig);
}

/* Read *ADDR, or store 'W' there with WRITE.  0 when it worked, else the
 * signal it raised. */
static int touch(volatile char *addr, bool write)
{
	int sig = sigsetjmp(touch_env, 1);

	if (sig != 0)
		return sig;
	touch_armed = 1;
	if (write)
		*addr = 'W';
	else
		(void)*addr;
	touch_armed = 0;
	return 0;
}

/* "SIGSEGV (SEGV_ACCERR)", "no signal", ... for touch()'s result. */
static const char *fault_name(int sig)
{
	if (sig == 0)
		return "no signal";
	if (sig == SIGSEGV && fault_code == SEGV_ACCERR)
		return "SIGSEGV (SEGV_ACCERR)";
	if (sig == SIGSEGV && fault_code == SEGV_MAPERR)
		return "SIGSEGV (SEGV_MAPERR)";
	return sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : "signal";
}

/* "success" or the errno name, for a call that returned -1 or MAP_FAILED
 * on failure.  These are the calls whose failure we WANT to see, so they
 * are not checked with CHK: errno is the observation. */
static const char *outcome(bool failed)
{
	return failed ? errno_name(errno) : "success";
}

static char observed_buf[128]; /* for observations built with snprintf */

static int open_file(int mode, const char *mode_name)
{
	int fd = CHK(open(path, mode), "open", path);

	printf("    fd = open(file, %s)\n", mode_name);
	return fd;
}

/* ---- the experiments -------------------------------------------------
 * Each returns what it observed, as a string to compare with the
 * expectation in the table in main(). */

/* 1. Seed rule: with MAP_SHARED the mapping's protection may not exceed
 * the descriptor's access mode.  A shared writable mapping writes to the
 * file, so it needs a descriptor that may write: mmap(2), EACCES: "MAP_SHARED
 * was requested and PROT_WRITE is set, but fd is not open in read/write
 * (O_RDWR) mode".  The same check guards mprotect(2): a shared PROT_READ
 * mapping of an O_RDONLY descriptor cannot be upgraded to PROT_WRITE later
 * (EACCES again). */
static const char *shared_write_on_rdonly(void)
{
	int fd = open_file(O_RDONLY, "O_RDONLY");
	void *p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);

	printf("    (control: PROT_READ alone, MAP_SHARED: %s)\n",
	       outcome(p == MAP_FAILED));
	if (p != MAP_FAILED)
		CHK(munmap(p, page), "munmap", path);

	printf("    mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_SHARED, fd, "
	       "0)\n",
	       page);
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	/* Classic mistake: "if (p == NULL)".  mmap() reports failure with
	 * MAP_FAILED, which is (void *)-1; NULL is never returned then. */
	const char *obs = outcome(p == MAP_FAILED);

	if (p != MAP_FAILED)
		CHK(munmap(p, page), "munmap", path);
	CHK(close(fd), "close", path);
	return obs;
}

/* 2. MAP_PRIVATE is copy-on-write: stores go to private copies of the
 * pages and never to the file, so a read-only descriptor is enough even
 * for PROT_WRITE.  (The seed puts it as "for MAP_PRIVATE the permissions
 * do not matter" - too strong: the descriptor must still be readable,
 * see experiment 3.) */
static const char *private_write_on_rdonly(void)
{
	int fd = open_file(O_RDONLY, "O_RDONLY");

	printf("    mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_PRIVATE, fd, 0), "
	       "then store 'W' at p[0]\n",
	       page);
	/* BEGIN EXERCISE 3.1: Write the mmap(2) call of this experiment: one
	 * page of the read-only descriptor FD at offset 0, readable AND
	 * writable, private (copy-on-write), into P.  Then explain: why is
	 * this legal on an O_RDONLY descriptor when experiment 1 is not, and
	 * why does the file stay unchanged? */
	char *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	/* STUB
	char *p = MAP_FAILED;
	errno = ENOSYS;
	*/
	/* END EXERCISE */
	if (p == MAP_FAILED) {
		const char *obs = errno_name(errno);

		CHK(close(fd), "close", path);
		return obs;
	}
	p[0] = 'W';
	printf("    p[0] is now '%c' in this process\n", p[0]);
	CHK(munmap(p, page), "munmap", path);

	char c = 0;

	CHK(pread(fd, &c, 1, 0), "pread", path);
	printf("    pread(fd, 1 byte, offset 0) -> '%c'\n", c);
	CHK(close(fd), "close", path);
	return c == 'a' ? "success (file unchanged)" : "success (file CHANGED)";
}

/* 3. Seed rule: "creating a mapping implies reading the file".  Every
 * file mapping needs a descriptor open for reading - even PROT_WRITE alone
 * (on most CPUs a writable page is readable too, and the kernel fills the
 * pages by reading the file).  mmap(2), EACCES: "a file mapping was
 * requested, but fd is not open for reading". */
static const char *write_only_fd(void)
{
	int fd = open_file(O_WRONLY, "O_WRONLY");

	printf("    mmap(NULL, %zu, PROT_WRITE, MAP_SHARED, fd, 0)\n", page);
	void *p = mmap(NULL, page, PROT_WRITE, MAP_SHARED, fd, 0);
	const char *obs = outcome(p == MAP_FAILED);

	if (p != MAP_FAILED)
		CHK(munmap(p, page), "munmap", path);
	CHK(close(fd), "close", path);
	return obs;
}

/* 4. Seed rule: the offset must be a multiple of the page size.  The
 * notes say "4K"; the real unit is sysconf(_SC_PAGESIZE), which is 16K or
 * 64K on some ARM and POWER systems.  Never hard-code 4096. */
static const char *unaligned_offset(void)
{
	int fd = open_file(O_RDONLY, "O_RDONLY");

	printf("    mmap(NULL, %zu, PROT_READ, MAP_SHARED, fd, 100)\n", page);
	void *p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 100);
	const char *obs = outcome(p == MAP_FAILED);

	if (p != MAP_FAILED)
		CHK(munmap(p, page), "munmap", path);
	CHK(close(fd), "close", path);
	return obs;
}

/* 5. The same with offset = one page: allowed, and p[0] is the file's
 * byte at that offset (page 2 of the file is all 'b'). */
static const char *page_offset(void)
{
	int fd = open_file(O_RDONLY, "O_RDONLY");

	printf("    mmap(NULL, %zu, PROT_READ, MAP_SHARED, fd, %zu)\n", page,
	       page);
	const char *p =
		mmap(NULL, page, PROT_READ, MAP_SHARED, fd, (off_t)page);
	const char *obs = outcome(p == MAP_FAILED);

	if (p != MAP_FAILED) {
		printf("    p[0] = '%c' (file byte %zu)\n", p[0], page);
		obs = p[0] == 'b' ? "success" : "success (but wrong bytes)";
		CHK(munmap((void *)p, page), "munmap", path);
	}
	CHK(close(fd), "close", path);
	return obs;
}

/* 6. Seed rule: "the file must have a size".  What mmap() really rejects
 * is length 0 - which is what you pass when you map st_size bytes of an
 * empty file.  (Lab 2 maps an empty file with a non-zero length.) */
static const char *zero_length(void)
{
	int fd = open_file(O_RDONLY, "O_RDONLY");

	printf("    mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0)\n");
	void *p = mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0);
	const char *obs = outcome(p == MAP_FAILED);

	if (p != MAP_FAILED)
		CHK(munmap(p, page), "munmap", path);
	CHK(close(fd), "close", path);
	return obs;
}

/* 7. Seed rule: "pass munmap() exactly what mmap() returned; never p++".
 * munmap(2): "The address addr must be a multiple of the page size", or
 * EINVAL.  Classic mistake: code that advances the pointer it got from
 * mmap() (p++ while parsing) and later unmaps that pointer gets EINVAL -
 * and, if it does not check munmap's result, leaks the mapping silently. */
static const char *munmap_plus_one(void)
{
	int fd = open_file(O_RDONLY, "O_RDONLY");
	char *p = CHK_MAP(mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0),
			  "mmap", path);

	CHK(close(fd), "close", path);
	printf("    p = mmap(one page); munmap(p + 1, %zu)\n", page);
	const char *obs = outcome(munmap(p + 1, page) == -1);

	CHK(munmap(p, page), "munmap", path); /* the right call */
	return obs;
}

/* 8. ...but the kernel's rule is "page-aligned", not "the very pointer
 * mmap() returned": munmap() of any whole pages inside a mapping works and
 * punches a hole in it.  The remaining page stays usable. */
static const char *munmap_second_page(void)
{
	int fd = open_file(O_RDONLY, "O_RDONLY");
	char *p = CHK_MAP(mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0),
			  "mmap", path);

	CHK(close(fd), "close", path);
	printf("    p = mmap(2 pages); munmap(p + %zu, %zu); touch p[0], "
	       "p[%zu]\n",
	       page, page, page);
	if (munmap(p + page, page) == -1) {
		const char *obs = errno_name(errno);

		CHK(munmap(p, 2 * page), "munmap", path);
		return obs;
	}
	int first = touch(p, false);
	int second = touch(p + page, false);

	if (first == 0 && second == SIGSEGV && fault_code == SEGV_MAPERR)
		snprintf(observed_buf, sizeof(observed_buf),
			 "success (page 1 kept, page 2 gone: SIGSEGV)");
	else
		snprintf(observed_buf, sizeof(observed_buf),
			 "success (page 1: %s; page 2: %s)", fault_name(first),
			 fault_name(second));
	CHK(munmap(p, page), "munmap", path); /* what is left of it */
	return observed_buf;
}

/* 9. The protection is enforced by the MMU: a store into a PROT_READ page
 * raises SIGSEGV with si_code SEGV_ACCERR ("invalid permissions for
 * mapped object", see sigaction(2)).  This holds for root as well. */
static const char *write_read_only(void)
{
	int fd = open_file(O_RDWR, "O_RDWR");
	char *p = CHK_MAP(mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0),
			  "mmap", path);

	CHK(close(fd), "close", path);
	printf("    p = mmap(PROT_READ, MAP_SHARED) of an O_RDWR fd; p[0] = "
	       "'W'\n");
	const char *obs = fault_name(touch(p, true));

	CHK(munmap(p, page), "munmap", path);
	return obs;
}

/* 10. Seed 002: after munmap() the addresses are gone; touching them
 * raises SIGSEGV with si_code SEGV_MAPERR ("address not mapped to
 * object").  A dangling pointer into a mapping is worse than one into the
 * heap: free() usually leaves the memory readable, munmap() never does. */
static const char *touch_after_munmap(void)
{
	int fd = open_file(O_RDONLY, "O_RDONLY");
	char *p = CHK_MAP(mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0),
			  "mmap", path);

	CHK(close(fd), "close", path);
	printf("    p = mmap(one page); munmap(p, %zu); read p[0]\n", page);
	CHK(munmap(p, page), "munmap", path);
	/* Nothing may map anything between the munmap() and this access,
	 * or the address could be reused - so no printf() (which might
	 * allocate) in between.  For the same reason this experiment cannot
	 * be made safe in a multi-threaded program. */
	return fault_name(touch(p, false));
}

/* 11. Seed rule: "releasing the mapping and closing the file are
 * unrelated".  The mapping holds its own reference to the open file;
 * close(fd) right after mmap() is normal, and stores still reach the
 * file (MAP_SHARED). */
static const char *use_after_close(void)
{
	int fd = open_file(O_RDWR, "O_RDWR");
	char *p = CHK_MAP(
		mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
		"mmap", path);

	CHK(close(fd), "close", path);
	printf("    p = mmap(PROT_READ|PROT_WRITE, MAP_SHARED); close(fd); "
	       "p[1] = 'W'\n");
	int sig = touch(p + 1, true); /* stores 'W' */

	CHK(msync(p, page, MS_SYNC), "msync", path);
	CHK(munmap(p, page), "munmap", path);

	/* Is it in the file?  Ask with an ordinary read. */
	char c = 0;

	fd = CHK(open(path, O_RDONLY), "open", path);
	CHK(pread(fd, &c, 1, 1), "pread", path);
	CHK(close(fd), "close", path);
	/* Put the byte back, so that the experiments stay repeatable. */
	fd = CHK(open(path, O_WRONLY), "open", path);
	CHK(pwrite(fd, "a", 1, 1), "pwrite", path);
	CHK(close(fd), "close", path);

	printf("    file byte 1, read back with pread(): '%c'\n", c);
	if (sig)
		return fault_name(sig);
	return c == 'W' ? "success (file changed)" : "success (file unchanged)";
}

/* ---- driver ---------------------------------------------------------- */

static const struct experiment {
	const char *title;
	const char *expected;
	const char *(*run)(void);
} experiments[] = {
	{ "MAP_SHARED + PROT_WRITE on an O_RDONLY fd", "EACCES",
	  shared_write_on_rdonly },
	{ "MAP_PRIVATE + PROT_WRITE on an O_RDONLY fd",
	  "success (file unchanged)", private_write_on_rdonly },
	{ "any mapping of an O_WRONLY fd (mmap reads the file)", "EACCES",
	  write_only_fd },
	{ "offset not a multiple of the page size", "EINVAL",
	  unaligned_offset },
	{ "offset = one page", "success", page_offset },
	{ "length 0", "EINVAL", zero_length },
	{ "munmap(p + 1): not the address mmap() returned", "EINVAL",
	  munmap_plus_one },
	{ "munmap() of the second page only",
	  "success (page 1 kept, page 2 gone: SIGSEGV)", munmap_second_page },
	{ "store into a PROT_READ mapping", "SIGSEGV (SEGV_ACCERR)",
	  write_read_only },
	{ "touch the memory after munmap()", "SIGSEGV (SEGV_MAPERR)",
	  touch_after_munmap },
	{ "use the mapping after close(fd)", "success (file changed)",
	  use_after_close },
};
#define NEXP ((int)(sizeof(experiments) / sizeof(experiments[0])))

/* Run experiment N (1-based); true when it behaved as expected. */
static bool run_one(int n)
{
	const struct experiment *e = &experiments[n - 1];

	printf("[%d] %s\n", n, e->title);
	const char *obs = e->run();
	bool pass = strcmp(obs, e->expected) == 0;

	printf("    expected %s, observed %s: %s\n", e->expected, obs,
	       pass ? "PASS" : "FAIL");
	return pass;
}

/* The experiments' file: page 1 all 'a', page 2 all 'b'.  It is removed
 * at exit, and by the cleanup registry on SIGINT/SIGTERM/SIGHUP. */
static void make_file(void)
{
	const char *dir = getenv("TMPDIR");
	char *p;

	if (!dir || !*dir)
		dir = "/tmp";
	if (asprintf(&p, "%s/mmap_rules-XXXXXX", dir) < 0)
		fail("out of memory");
	int fd = CHK(mkstemp(p), "mkstemp", dir); /* mode 0600 */

	path = p;
	cleanup_add(CL_PATH, path, 0);
	char buf[256];

	for (size_t done = 0; done < 2 * page; done += sizeof(buf)) {
		memset(buf, done < page ? 'a' : 'b', sizeof(buf));
		if (CHK(write(fd, buf, sizeof(buf)), "write", path) !=
		    (ssize_t)sizeof(buf))
			fail("%s: short write", path);
	}
	CHK(close(fd), "close", path);
}

int main(int argc, char **argv)
{
	bool want[NEXP] = { false };

	lab_init(argc, argv);
	if (argc < 2)
		usage_error(usage, "which experiments?");
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (int n = 1; n <= NEXP; n++)
			printf("%2d  %-52s expected %s\n", n,
			       experiments[n - 1].title,
			       experiments[n - 1].expected);
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		char *end;
		long n = strtol(argv[i], &end, 10);

		if (strcmp(argv[i], "all") == 0)
			for (int k = 0; k < NEXP; k++)
				want[k] = true;
		else if (argv[i][0] == '-')
			usage_error(usage, "unknown option");
		else if (*argv[i] == '\0' || *end != '\0' || n < 1 || n > NEXP)
			usage_error(usage, "no such experiment");
		else
			want[n - 1] = true;
	}

	page = (size_t)CHK(sysconf(_SC_PAGESIZE), "sysconf", "_SC_PAGESIZE");
	make_file();

	struct sigaction sa = { .sa_sigaction = on_fault,
				.sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	CHK(sigaction(SIGSEGV, &sa, NULL), "sigaction", "SIGSEGV");
	CHK(sigaction(SIGBUS, &sa, NULL), "sigaction", "SIGBUS");

	int ran = 0, passed = 0;

	for (int n = 1; n <= NEXP; n++) {
		if (!want[n - 1])
			continue;
		ran++;
		passed += run_one(n);
	}
	printf("%d of %d experiments behaved as expected\n", passed, ran);
	return passed == ran ? 0 : 1; /* the temp file goes at exit */
}
