/*
 * catch_sigbus.c - how a program survives the SIGBUS it provokes on
 * purpose, so that Lab 2 can print each fault instead of dying of it.
 *
 * Returning from a handler of a fault caused by an access does not help:
 * the faulting instruction runs again and faults again.  So the handler
 * siglongjmp()s back into touch(), past the access.  Leaving a handler by
 * a jump is safe here because the code it interrupts is one memory access
 * in touch(), never the middle of malloc() or printf().
 *
 * Classic mistake: setjmp()/longjmp() instead of sigsetjmp(env, 1) and
 * siglongjmp().  The kernel blocks SIGBUS while its handler runs; plain
 * longjmp() does not restore the signal mask, so SIGBUS stays blocked, and
 * the next fault - a signal that cannot be delivered while blocked - kills
 * the process outright.  sigsetjmp(env, 1) saves the mask, siglongjmp()
 * restores it.
 *
 * Man pages: sigaction(2) (SA_SIGINFO, si_addr, si_code BUS_ADRERR),
 * sigsetjmp(3), signal(7).
 */
#include "shmlabs.h"
#include "catch_sigbus.h"

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

size_t page;
void *volatile fault_addr;
volatile int fault_code;

static sigjmp_buf touch_env;
static volatile sig_atomic_t touch_armed; /* 1 only inside touch() */

static void on_fault(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	if (!touch_armed) {
		/* A fault we did not expect: the default action again, and
		 * return; the access runs again and kills us with SIG. */
		signal(sig, SIG_DFL);
		return;
	}
	fault_addr = si->si_addr; /* the address that was touched */
	fault_code = si->si_code; /* BUS_ADRERR: no file page behind it */
	touch_armed = 0;
	siglongjmp(touch_env, sig);
}

int touch(volatile char *addr, bool write, char *val)
{
	int sig = sigsetjmp(touch_env, 1); /* 1: save the signal mask */

	if (sig != 0)
		return sig; /* came back from on_fault() */
	touch_armed = 1;
	if (write) /* volatile: the compiler must really access it */
		*addr = *val;
	else
		*val = *addr;
	touch_armed = 0;
	return 0;
}

void catch_faults(void)
{
	struct sigaction sa = { .sa_sigaction = on_fault,
				.sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	CHK(sigaction(SIGBUS, &sa, NULL), "sigaction", "SIGBUS");
	CHK(sigaction(SIGSEGV, &sa, NULL), "sigaction", "SIGSEGV");
}

void buslab_init(int argc, char **argv, const char *usage)
{
	lab_init(argc, argv);
	if (usage && argc != 1)
		usage_error(usage, "no arguments expected");
	page = (size_t)CHK(sysconf(_SC_PAGESIZE), "sysconf", "_SC_PAGESIZE");
}

void explain_fault(const char *who, const char *map, long long file_size)
{
	size_t off = (size_t)((const char *)fault_addr - map);

	printf("  %s  si_addr %p = map + %zu: page %zu of the mapping; si_code %s; file size %lld\n",
	       who, fault_addr, off, off / page + 1,
	       fault_code == BUS_ADRERR ? "BUS_ADRERR" : "not BUS_ADRERR",
	       file_size);
}

const char *signame(int sig)
{
	if (sig == 0)
		return "no signal";
	return sig == SIGBUS	? "SIGBUS"
	       : sig == SIGSEGV ? "SIGSEGV"
				: "another signal";
}

/* ---- scaffolding: reporting and the temporary file --------------------- */

void fill_file(int fd, off_t size, const char *what)
{
	char buf[512];

	memset(buf, '#', sizeof(buf));
	for (off_t done = 0; done < size; done += (off_t)sizeof(buf)) {
		size_t n = (size_t)(size - done);

		write_all(fd, buf, n < sizeof(buf) ? n : sizeof(buf), what);
	}
}

int temp_file(off_t size)
{
	const char *dir = getenv("TMPDIR");
	char *path;

	if (!dir || !*dir)
		dir = "/tmp";
	if (asprintf(&path, "%s/%s-XXXXXX", dir, lab_prog) < 0)
		fail("out of memory");
	/* mkstemp overwrites the XXXXXX even when it fails: name the dir. */
	int fd = CHK(mkstemp(path), "mkstemp", dir);

	CHK(unlink(path), "unlink", path);
	fill_file(fd, size, path);
	free(path);
	return fd;
}

long long file_size(int fd)
{
	struct stat st;

	CHK(fstat(fd, &st), "fstat", "temp file");
	return (long long)st.st_size;
}
