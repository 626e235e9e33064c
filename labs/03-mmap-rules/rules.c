/*
 * rules.c - the scaffolding of Lab 3's experiments (see rules.h).
 */
#include "shmlabs.h"
#include "rules.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

size_t page;
const char *path;
static int ran, passed;

void rules_init(int argc, char **argv, const char *usage)
{
	const char *dir = getenv("TMPDIR");
	char *p, buf[256];

	lab_init(argc, argv);
	if (argc != 1)
		usage_error(usage, argv[1][0] == '-' ? "unknown option"
						     : "no arguments expected");
	page = (size_t)CHK(sysconf(_SC_PAGESIZE), "sysconf", "_SC_PAGESIZE");
	if (!dir || !*dir)
		dir = "/tmp";
	if (asprintf(&p, "%s/%s-XXXXXX", dir, lab_prog) < 0)
		fail("out of memory");
	int fd = CHK(mkstemp(p), "mkstemp", dir); /* mode 0600 */

	path = p;
	cleanup_add(CL_PATH, path, 0);
	for (size_t done = 0; done < 2 * page; done += sizeof(buf)) {
		memset(buf, done < page ? 'a' : 'b', sizeof(buf));
		write_all(fd, buf, sizeof(buf), path);
	}
	CHK(close(fd), "close", path);
}

int open_file(int mode, const char *mode_name)
{
	int fd = CHK(open(path, mode), "open", path);

	printf("    fd = open(file, %s)\n", mode_name);
	return fd;
}

char *map_file(size_t n, int mode, const char *mode_name)
{
	int fd = open_file(mode, mode_name);
	char *p = mmap(NULL, n * page, PROT_READ, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		die("mmap", path);
	CHK(close(fd), "close", path);
	return p;
}

const char *outcome(bool failed)
{
	return failed ? errno_name(errno) : "success";
}

const char *fault_name(int sig, int code)
{
	if (sig == 0)
		return "no signal";
	if (sig == SIGSEGV && code == SEGV_ACCERR)
		return "SIGSEGV (SEGV_ACCERR)";
	if (sig == SIGSEGV && code == SEGV_MAPERR)
		return "SIGSEGV (SEGV_MAPERR)";
	return sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : "signal";
}

void rule(int n, const char *title)
{
	printf("[%d] %s\n", n, title);
}

void verdict(const char *expected, const char *observed)
{
	bool pass = strcmp(expected, observed) == 0;

	printf("    expected %s, observed %s: %s\n", expected, observed,
	       pass ? "PASS" : "FAIL");
	ran++;
	passed += pass;
}

int rules_done(void)
{
	printf("%d of %d experiments behaved as expected\n", passed, ran);
	return passed == ran ? 0 : 1; /* the test file goes at exit */
}
