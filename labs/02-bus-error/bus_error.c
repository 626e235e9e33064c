/*
 * bus_error.c - Lab 2: a mapping is not the file.  What happens at and past
 * the end of a mapped file, and where "Bus error" comes from.
 *
 * A mapping has a length (chosen by mmap's caller, rounded up to whole
 * pages) and the file has a size (which can change at any time).  Only the
 * pages that hold file data can be touched:
 *
 *     file: 100 bytes
 *     |<-100->|
 *     +-------+-----------------------+-------------------------------+
 *     | data  | zeros (rest of page)  |   no file behind this page    |
 *     +-------+-----------------------+-------------------------------+
 *     ^map    ^map+100                ^map+4096                       ^map+8192
 *     |<------- page 1: readable ---->|<---- page 2: SIGBUS --------->|
 *
 * Steps (run one by name, or all of them):
 *   zero    an empty file: mmap() with length = st_size = 0 fails with
 *           EINVAL; with length = one page it SUCCEEDS, and the first
 *           touch raises SIGBUS.  (The seeds say "an empty file cannot be
 *           mapped"; the EINVAL is really about the length 0.)
 *   tail    a 100-byte file mapped with a 2-page length: bytes 100..4095
 *           read as zero, a store there never reaches the file, and the
 *           first byte of page 2 raises SIGBUS.  The handler reports the
 *           faulting address (si_addr) and which page it is in.
 *   grow    the same SIGBUS, then ftruncate(2) grows the file to 2 pages
 *           and the very same access succeeds.
 *   shrink  a child maps a 2-page file and reads page 2; the parent
 *           shrinks the file to 100 bytes; the child's next read of page 2
 *           raises SIGBUS in the child.  The two processes synchronise
 *           with pipes, not sleep().
 *   --crash no handler: SIGBUS kills the program.  A shell prints
 *           "Bus error" and $? is 135 = 128 + 7 (SIGBUS is signal 7 on
 *           x86 and ARM; see signal(7)).
 *
 * Run:   bus_error all        bus_error tail        bus_error --crash; echo $?
 * Observe: each fact is printed as "expected X, observed Y"; the exit
 * status is 0 when every observation matched.
 *
 * Man pages: mmap(2) (see SIGBUS under ERRORS), ftruncate(2),
 * sigaction(2), sigsetjmp(3), signal(7), pipe(2), fork(2), waitpid(2).
 */
#include "shmlabs.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"zero|tail|grow|shrink|all\n"
	"       bus_error --crash\n"
	"  zero    mmap of an empty file: length 0 -> EINVAL, length 1 page "
	"-> SIGBUS\n"
	"  tail    2-page mapping of a 100-byte file: zeros, then SIGBUS\n"
	"  grow    ftruncate() the file bigger: the same access works\n"
	"  shrink  another process shrinks a file we mapped: SIGBUS\n"
	"  --crash no handler: the shell reports \"Bus error\" (status 135)";

static size_t page; /* sysconf(_SC_PAGESIZE): never hard-code 4096 */

/* ---- catching SIGBUS -----------------------------------------------
 *
 * touch() performs one memory access and reports whether it raised a
 * signal.  The handler cannot "return" from a SIGBUS caused by an access:
 * the faulting instruction would simply run again and fault again.  So it
 * siglongjmp()s back into touch(), past the access.  Leaving a handler by
 * a jump is safe here because the code it interrupts is one memory access
 * in touch(), never the middle of malloc() or printf().
 *
 * Classic mistake: setjmp()/longjmp() instead of sigsetjmp(env, 1)/
 * siglongjmp().  The kernel blocks SIGBUS while its handler runs; plain
 * longjmp() does not restore the signal mask, so SIGBUS stays blocked, and
 * the next fault - a signal that cannot be delivered while blocked - kills
 * the process outright.  sigsetjmp(env, 1) saves the mask and siglongjmp()
 * restores it.
 */
static sigjmp_buf touch_env;
static volatile sig_atomic_t touch_armed; /* 1 only inside touch() */
static void *volatile fault_addr;	  /* si_addr of the last fault */
static volatile int fault_code;		  /* si_code of the last fault */

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (!touch_armed) {
		/* A fault we did not expect: restore the default action and
		 * return; the access runs again and kills us with SIG, as
		 * without a handler (and with a core dump if enabled). */
		signal(sig, SIG_DFL);
		return;
	}
	fault_addr = si->si_addr; /* the address that was touched */
	fault_code = si->si_code; /* BUS_ADRERR: no page behind it */
	touch_armed = 0;
	siglongjmp(touch_env, sig);
}

static void catch_sigbus(void)
{
	struct sigaction sa = { .sa_sigaction = on_fault,
				.sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	CHK(sigaction(SIGBUS, &sa, NULL), "sigaction", "SIGBUS");
}

/* Read (or, with WRITE, store VAL into) *ADDR.  Returns 0 when the access
 * worked, else the signal it raised.  A read stores the byte in *VAL.  The
 * pointer is volatile so that the compiler really performs the access. */
static int touch(volatile char *addr, bool write, char *val)
{
	int sig = sigsetjmp(touch_env, 1);

	if (sig != 0)
		return sig; /* came back from on_fault() */
	touch_armed = 1;
	if (write)
		*addr = *val;
	else
		*val = *addr;
	touch_armed = 0;
	return 0;
}

/* ---- reporting ----------------------------------------------------- */

static bool all_ok = true;

/* One observed fact: "  WHAT: expected X, observed Y" and a verdict. */
static void fact(const char *what, const char *expected, const char *observed)
{
	bool ok = strcmp(expected, observed) == 0;

	printf("  %-40s expected %s, observed %s%s\n", what, expected, observed,
	       ok ? "" : "   <-- UNEXPECTED");
	if (!ok)
		all_ok = false;
}

/* "SIGBUS" / "no signal" for touch()'s result. */
static const char *signame(int sig)
{
	switch (sig) {
	case 0:
		return "no signal";
	case SIGBUS:
		return "SIGBUS";
	case SIGSEGV:
		return "SIGSEGV";
	default:
		return "another signal";
	}
}

/* Explain the last fault from what the kernel put in the siginfo_t: where
 * it was relative to the mapping MAP, and in which of its pages (counted
 * from 1).  WHO prefixes the line. */
static void explain_fault(const char *who, const char *map, off_t file_size)
{
	size_t off = (size_t)((const char *)fault_addr - map);

	printf("  %s  si_addr %p = map + %zu: page %zu of the mapping; "
	       "si_code %s; file size %lld\n",
	       who, fault_addr, off, off / page + 1,
	       fault_code == BUS_ADRERR ? "BUS_ADRERR" : "not BUS_ADRERR",
	       (long long)file_size);
}

/* ---- the temporary file -------------------------------------------- */

/* A new file of SIZE bytes, all '#', in $TMPDIR; returns its descriptor.
 * The name is unlinked at once: the file lives on as long as a descriptor
 * OR A MAPPING refers to it, and nothing is left behind even when --crash
 * kills us. */
static int temp_file(off_t size)
{
	const char *dir = getenv("TMPDIR");
	char *path;

	if (!dir || !*dir)
		dir = "/tmp";
	if (asprintf(&path, "%s/bus_error-XXXXXX", dir) < 0)
		fail("out of memory");
	/* (mkstemp overwrites the XXXXXX even when it fails: name the
	 * directory in a failure message.) */
	int fd = CHK(mkstemp(path), "mkstemp", dir);

	CHK(unlink(path), "unlink", path);
	char buf[512];

	memset(buf, '#', sizeof(buf));
	for (off_t done = 0; done < size;) {
		size_t n = (size_t)(size - done) < sizeof(buf)
				   ? (size_t)(size - done)
				   : sizeof(buf);

		done += CHK(write(fd, buf, n), "write", path);
	}
	free(path);
	return fd;
}

static off_t file_size(int fd)
{
	struct stat st;

	CHK(fstat(fd, &st), "fstat", "temp file");
	return st.st_size;
}

/* ---- the steps ------------------------------------------------------- */

static void step_zero(void)
{
	int fd = temp_file(0);
	char v = 0;

	printf("[zero] an empty file (st_size = %lld)\n",
	       (long long)file_size(fd));

	/* The usual code maps st_size bytes.  mmap(2), ERRORS: "EINVAL
	 * (since Linux 2.6.12) length was 0."  We want this failure, so
	 * errno is reported instead of checked. */
	void *p = mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0);

	fact("mmap(length = st_size = 0):", "EINVAL",
	     p == MAP_FAILED ? errno_name(errno) : "success");

	/* The kernel does not compare the length with the file size: the
	 * file may grow before anybody touches the pages. */
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	fact("mmap(length = 1 page):", "success",
	     p == MAP_FAILED ? errno_name(errno) : "success");
	if (p == MAP_FAILED)
		return;

	int sig = touch(p, false, &v);

	fact("read byte 0:", "SIGBUS", signame(sig));
	if (sig == SIGBUS)
		explain_fault("      ", p, 0);
	CHK(munmap(p, page), "munmap", "empty file");
	CHK(close(fd), "close", "empty file");
}

static void step_tail(void)
{
	int fd = temp_file(100);
	char v = 0;

	printf("[tail] a 100-byte file mapped with length 2 pages (%zu "
	       "bytes)\n",
	       2 * page);
	char *map = CHK_MAP(
		mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
		"mmap", "100-byte file");

	/* The file's data. */
	fact("byte 99 (last byte of the file):", "'#'",
	     map[99] == '#' ? "'#'" : "something else");

	/* The rest of the last page that holds file data is filled with
	 * zeros by the kernel - mmap(2): "the remaining bytes in the partial
	 * page at the end of the mapping are zeroed". */
	size_t nonzero = 0;

	for (size_t i = 100; i < page; i++)
		nonzero += map[i] != 0;
	fact("bytes 100..page end:", "all zero",
	     nonzero ? "some non-zero" : "all zero");

	/* A store there is allowed (the page exists) but is never written
	 * to the file: it lies beyond the end of file. */
	map[200] = 'X';
	CHK(msync(map, page, MS_SYNC), "msync", "100-byte file");
	char buf[300];
	ssize_t n = CHK(pread(fd, buf, sizeof(buf), 0), "pread", "file");
	char got[32];

	snprintf(got, sizeof(got), "%zd bytes", n);
	fact("store 'X' at 200; pread() of 300:", "100 bytes", got);
	snprintf(got, sizeof(got), "%lld", (long long)file_size(fd));
	fact("file size after that store:", "100", got);

	/* Page 2 has no file data behind it at all. */
	int sig = touch(map + page, false, &v);

	fact("read the first byte of page 2:", "SIGBUS", signame(sig));
	if (sig == SIGBUS)
		explain_fault("      ", map, file_size(fd));
	sig = touch(map + 2 * page - 1, false, &v);
	fact("read the last byte of page 2:", "SIGBUS", signame(sig));

	CHK(munmap(map, 2 * page), "munmap", "100-byte file");
	CHK(close(fd), "close", "100-byte file");
}

static void step_grow(void)
{
	int fd = temp_file(100);
	char v = 0;

	printf("[grow] the same 100-byte file and 2-page mapping; then "
	       "ftruncate() it to 2 pages\n");
	char *map = CHK_MAP(
		mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
		"mmap", "100-byte file");
	int sig = touch(map + page, false, &v);

	fact("before: read the first byte of page 2:", "SIGBUS", signame(sig));

	/* BEGIN EXERCISE 2.1: Make page 2 of the mapping usable: grow the
	 * file with ftruncate(2) so that it covers both pages of the
	 * mapping.  The mapping itself needs no change. */
	CHK(ftruncate(fd, (off_t)(2 * page)), "ftruncate", "grow to 2 pages");
	/* END EXERCISE */
	char size[32];

	snprintf(size, sizeof(size), "%lld", (long long)file_size(fd));
	printf("  file size is now %s bytes\n", size);

	/* The same address, the same mapping: now there is a file page. */
	sig = touch(map + page, false, &v);
	fact("after: read the first byte of page 2:", "no signal",
	     signame(sig));
	fact("its value (grown part of a file):", "0",
	     sig      ? "none"
	     : v == 0 ? "0"
		      : "non-zero");

	/* And it is part of the file now: a store reaches it. */
	v = 'G';
	sig = touch(map + page, true, &v);
	fact("after: store 'G' at the start of page 2:", "no signal",
	     signame(sig));
	char back = 0;

	if (sig == 0)
		CHK(pread(fd, &back, 1, (off_t)page), "pread", "grown file");
	fact("pread() of that file offset:", "'G'",
	     back == 'G' ? "'G'" : "something else");

	CHK(munmap(map, 2 * page), "munmap", "grown file");
	CHK(close(fd), "close", "grown file");
}

/* Child of step_shrink(): map the file, read page 2, tell the parent
 * (byte on TO_PARENT), wait for "shrunk" (byte on FROM_PARENT), read page
 * 2 again.  Exit 0 when the second read raised SIGBUS, 3 when it did not.
 * Runs only in the child, so every failure ends with _exit (die_child). */
static noreturn void shrink_child(int fd, int to_parent, int from_parent)
{
	char v = 0, token = 'm';
	char *map = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);

	if (map == MAP_FAILED)
		die_child("mmap", "2-page file");
	if (touch(map + page, false, &v) != 0)
		_exit(4);
	printf("  child : mapped 2 pages; read page 2: ok ('%c')\n", v);
	if (write(to_parent, &token, 1) != 1)
		die_child("write", "pipe to parent");

	/* Block until the parent says it shrank the file.  If the parent
	 * dies instead, read() returns 0 (end of file: no writer left) and
	 * we stop, rather than hang forever. */
	ssize_t n = read(from_parent, &token, 1);

	if (n == -1)
		die_child("read", "pipe from parent");
	if (n == 0)
		_exit(5);

	int sig = touch(map + page, false, &v);

	printf("  child : read page 2 again: %s\n", signame(sig));
	if (sig == SIGBUS)
		explain_fault("child :", map, 100);
	_exit(sig == SIGBUS ? 0 : 3);
}

static void step_shrink(void)
{
	int fd = temp_file((off_t)(2 * page));
	int up[2], down[2]; /* child -> parent, parent -> child */
	char token;

	printf("[shrink] a child maps a 2-page file; the parent shrinks the "
	       "file to 100 bytes\n");
	CHK(pipe(up), "pipe", "child to parent");
	CHK(pipe(down), "pipe", "parent to child");
	pid_t pid = CHK(fork(), "fork", NULL);

	if (pid == 0) {
		/* Close the ends we do not use, or EOF never comes. */
		CHK(close(up[0]), "close", "pipe");
		CHK(close(down[1]), "close", "pipe");
		shrink_child(fd, up[1], down[0]);
	}
	CHK(close(up[1]), "close", "pipe");
	CHK(close(down[0]), "close", "pipe");

	/* Wait until the child HAS the mapping and has used page 2. */
	ssize_t n = CHK(read(up[0], &token, 1), "read", "pipe from child");

	if (n == 0)
		printf("  parent: the child ended before mapping the file\n");
	else {
		/* Shrink the file under the child's feet.  The kernel throws
		 * away the page cache beyond the new end and removes those
		 * pages from every process that has them mapped. */
		CHK(ftruncate(fd, 100), "ftruncate", "shrink to 100 bytes");
		printf("  parent: ftruncate(fd, 100) while the child has it "
		       "mapped\n");
		CHK(write(down[1], "s", 1), "write", "pipe to child");
	}
	CHK(close(down[1]), "close", "pipe");
	CHK(close(up[0]), "close", "pipe");

	int status;

	CHK(waitpid(pid, &status, 0), "waitpid", "child");
	fact("the child's second read of page 2:", "SIGBUS",
	     WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "SIGBUS"
							   : "something else");
	CHK(close(fd), "close", "2-page file");
}

/* --crash: no handler.  The default action of SIGBUS is to terminate the
 * process (and dump core): signal(7).  The shell sees "killed by signal 7"
 * and prints "Bus error"; $? is 128 + 7 = 135. */
static noreturn void crash(void)
{
	int fd = temp_file(100);
	volatile char *map =
		CHK_MAP(mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0),
			"mmap", "100-byte file");

	/* No core file: this crash is on purpose, and a "core" file left in
	 * the current directory would only puzzle.  PR_SET_DUMPABLE 0 turns
	 * core dumps off for this process, whatever ulimit -c says. */
	CHK(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl", "PR_SET_DUMPABLE");
	printf("[crash] reading map + %zu (page 2 of a 2-page mapping of a "
	       "100-byte file), no handler...\n",
	       page);
	char v = map[page]; /* SIGBUS: the process dies here */

	printf("not reached: read '%c'\n", v);
	exit(1);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(void);
	} steps[] = {
		{ "zero", step_zero },
		{ "tail", step_tail },
		{ "grow", step_grow },
		{ "shrink", step_shrink },
	};
	const size_t nsteps = sizeof(steps) / sizeof(steps[0]);

	lab_init(argc, argv);
	if (argc != 2)
		usage_error(usage, argc < 2 ? "which step?"
					    : "too many "
					      "arguments");
	long ps = CHK(sysconf(_SC_PAGESIZE), "sysconf", "_SC_PAGESIZE");

	page = (size_t)ps;
	if (strcmp(argv[1], "--crash") == 0)
		crash();

	size_t i;

	for (i = 0; i < nsteps; i++)
		if (strcmp(argv[1], steps[i].name) == 0)
			break;
	if (i == nsteps && strcmp(argv[1], "all") != 0)
		usage_error(usage, argv[1][0] == '-' ? "unknown option"
						     : "unknown step");

	catch_sigbus();
	for (size_t k = 0; k < nsteps; k++)
		if (i == nsteps || k == i)
			steps[k].run();
	printf("%s\n", all_ok ? "all observations as expected"
			      : "SOME OBSERVATIONS DIFFERED");
	return all_ok ? 0 : 1;
}
