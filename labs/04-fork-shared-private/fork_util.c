/*
 * fork_util.c - Lab 4's scaffolding (see fork_util.h).
 */
#include "shmlabs.h"
#include "fork_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

size_t page;

void fork_lab_init(int argc, char **argv, bool args_ok, const char *usage)
{
	lab_init(argc, argv);
	if (argc > 1 && argv[1][0] == '-')
		usage_error(usage, "unknown option");
	if (argc > 1 && !args_ok)
		usage_error(usage, "no arguments expected");
	page = (size_t)CHK(sysconf(_SC_PAGESIZE), "sysconf", "_SC_PAGESIZE");
}

struct tempfile tmp_create(bool empty)
{
	const char *dir = getenv("TMPDIR");
	struct tempfile t;

	if (!dir || !*dir)
		dir = "/tmp";
	if (asprintf(&t.path, "%s/%s-XXXXXX", dir, lab_prog) < 0)
		fail("out of memory");
	t.fd = CHK(mkstemp(t.path), "mkstemp", dir);
	/* Registered by the parent only: the registry ignores it in a
	 * child, so a child's exit can never delete the parent's file. */
	t.handle = cleanup_add(CL_PATH, t.path, 0);
	if (!empty) {
		CHK(ftruncate(t.fd, (off_t)page), "ftruncate", t.path);
		CHK(pwrite(t.fd, ORIGINAL, sizeof(ORIGINAL), 0), "pwrite",
		    t.path);
	}
	return t;
}

void tmp_remove(struct tempfile *t)
{
	CHK(close(t->fd), "close", t->path);
	CHK(unlink(t->path), "unlink", t->path);
	cleanup_done(t->handle);
	free(t->path);
}

const char *file_says(struct tempfile *t)
{
	static char buf[48];

	memset(buf, 0, sizeof(buf));
	CHK(pread(t->fd, buf, sizeof(buf) - 1, 0), "pread", t->path);
	return quoted(buf);
}

const char *quoted(const char *buf)
{
	static char out[2][48];
	static int which;

	which ^= 1;
	snprintf(out[which], sizeof(out[which]), "\"%.40s\"", buf);
	return out[which];
}

bool reap(pid_t pid)
{
	int status;

	CHK(waitpid(pid, &status, 0), "waitpid", "child");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	printf("  parent: the child failed (status 0x%x)\n", status);
	facts_ok = false;
	return false;
}
