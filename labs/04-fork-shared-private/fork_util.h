/*
 * fork_util.h - the scaffolding Lab 4's programs share: a temporary file,
 * and reaping a child (the facts are common's fact()).
 */
#ifndef FORK_UTIL_H
#define FORK_UTIL_H

#include <stdbool.h>
#include <sys/types.h>

#define ORIGINAL "original"

extern size_t page; /* sysconf(_SC_PAGESIZE), set by fork_lab_init() */

/* lab_init(), no arguments unless ARGS_OK, and the page size. */
void fork_lab_init(int argc, char **argv, bool args_ok, const char *usage);

struct tempfile {
	char *path;
	int fd;	    /* open O_RDWR */
	int handle; /* in the cleanup registry */
};
/* A one-page file in $TMPDIR starting with "original" (the rest zeros),
 * or an empty one with EMPTY; removed at exit, on SIGINT/SIGTERM, or by
 * tmp_remove(). */
struct tempfile tmp_create(bool empty);
void tmp_remove(struct tempfile *t);
/* What the file itself says, read with pread(2), quoted. */
const char *file_says(struct tempfile *t);

/* The NUL-terminated string at BUF (at most 40 bytes), quoted, in one of
 * two static buffers: enough for one fact() call. */
const char *quoted(const char *buf);

/* waitpid() for PID; true when it exited with status 0. */
bool reap(pid_t pid);

#endif
