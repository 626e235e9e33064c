/*
 * seed_tempfile.c - lab 5: the seed's recipe for the old way, replayed
 * literally: open a temporary file, unlink it, map it, close it; no
 * ftruncate.  mmap(2) succeeds; the first store is SIGBUS.
 *
 *   $ build/05-anonymous-mapping/seed_tempfile
 *   mkstemp: created /tmp/anon-old-way.17NryM (a new file: 0 bytes)
 *   seed: unlink, but no ftruncate: the file is 0 bytes
 *   mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) = 0x7f20fddd3000 (mmap does not check the file size)
 *   child:  storing 42 into byte 0 of the mapping
 *   parent: the child was killed by SIGBUS (Bus error): byte 0 lies beyond the end of the 0-byte file
 *   fix: ftruncate(fd, 4096) before touching it (tempfile_shared)
 *
 * A child takes the hit, so that the parent can say how it died.
 * Usage: seed_tempfile [-s SIZE]
 *
 * Man pages: mmap(2) (SIGBUS under ERRORS), mkstemp(3), waitpid(2).
 */
#include "shmlabs.h"

#include "exchange.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage_text[] =
	"[-s SIZE]\n"
	"  the seed's old way (no ftruncate) on SIZE bytes: a child dies of SIGBUS";

static int tempfile_0_bytes(void);
static void store_in_child(volatile unsigned char *p);

int main(int argc, char **argv)
{
	unsigned char *p;
	size_t len;
	int status;
	pid_t pid;
	int fd;

	lab_init(argc, argv);
	len = region_size(argc, argv, usage_text);
	fd = tempfile_0_bytes();

	/* mmap(2) never looks at the file size: mapping LEN bytes of a
	 * 0-byte file works.  The bill comes with the first access. */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap", "temporary file");
	printf("mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) = %p (mmap does not check the file size)\n",
	       len, (void *)p);
	CHK(close(fd), "close", "temporary file");

	pid = CHK(fork(), "fork", NULL);
	if (pid == 0)
		store_in_child(p);
	CHK(waitpid(pid, &status, 0), "waitpid", NULL);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGBUS)
		fail("expected the child to die of SIGBUS (wait status 0x%x)",
		     (unsigned)status);
	printf("parent: the child was killed by SIGBUS (%s): byte 0 lies beyond the end of the 0-byte file\n",
	       strsignal(SIGBUS));
	printf("fix: ftruncate(fd, %zu) before touching it (tempfile_shared)\n",
	       len);
	CHK(munmap(p, len), "munmap", "temporary file");
	return 0;
}

/* Seed bug: open, unlink, but never ftruncate (guide, lab 5). */
static int tempfile_0_bytes(void)
{
	static char path[PATH_MAX]; /* the cleanup registry keeps a pointer */
	const char *dir = getenv("TMPDIR");
	struct stat st;
	int fd, h;

	if (snprintf(path, sizeof(path), "%s/anon-old-way.XXXXXX",
		     dir && *dir ? dir : "/tmp") >= (int)sizeof(path))
		fail("TMPDIR is too long: %s", dir);
	fd = CHK(mkstemp(path), "mkstemp", path);
	h = cleanup_add(CL_PATH, path, 0);
	printf("mkstemp: created %s (a new file: 0 bytes)\n", path);
	if (unlink(path) == -1) /* the seed's recipe does unlink... */
		die("unlink", path);
	cleanup_done(h);
	CHK(fstat(fd, &st), "fstat", path); /* ...but never ftruncate */
	printf("seed: unlink, but no ftruncate: the file is %lld bytes\n",
	       (long long)st.st_size);
	return fd;
}

/* The page lies wholly beyond the end of the file: there is nothing to
 * put in it, and the kernel sends SIGBUS (mmap(2), ERRORS). */
static void store_in_child(volatile unsigned char *p)
{
	/* A crash on purpose: no core file, and the default action even if
	 * a sanitizer installed a SIGBUS handler. */
	CHK(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl", "PR_SET_DUMPABLE");
	if (signal(SIGBUS, SIG_DFL) == SIG_ERR)
		die("signal", "SIGBUS");
	printf("child:  storing 42 into byte 0 of the mapping\n");
	fflush(stdout);
	*p = 42;
	printf("child:  the store worked: no SIGBUS?\n");
	_exit(0);
}
