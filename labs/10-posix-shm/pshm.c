/*
 * pshm.c - lab 10's shared scaffolding (pshm.h).
 */
#include "pshm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

void no_arguments(int argc)
{
	if (argc > 1)
		usage_error("(no arguments)", "unexpected argument");
}

char *shm_path(const char *name)
{
	char *p;

	name += strspn(name, "/");
	if (asprintf(&p, "%s/%s", SHM_DIR, name) < 0)
		fail("out of memory");
	return p;
}

int obj_create(const char *name, mode_t mode, int *handle)
{
	int fd = CHK(shm_open(name, O_CREAT | O_EXCL | O_RDWR, mode),
		     "shm_open", name);

	*handle = cleanup_add(CL_SHM_NAME, name, -1);
	return fd;
}

void obj_unlink(const char *name, int handle)
{
	CHK(shm_unlink(name), "shm_unlink", name);
	cleanup_done(handle);
}

const char *persist_name(void)
{
	return ipc_name("persist");
}

void refused(const char *what, long r, int want)
{
	int err = r == -1 ? errno : 0;

	if (err == want) {
		printf("  %-44s -> %s (%s), as expected\n", what,
		       errno_name(err), strerror(err));
		return;
	}
	if (err == 0)
		fail("%s succeeded, but %s was expected", what,
		     errno_name(want));
	fail("%s failed with %s, but %s was expected", what, errno_name(err),
	     errno_name(want));
}

long page_size(void)
{
	return CHK(sysconf(_SC_PAGESIZE), "sysconf", "_SC_PAGESIZE");
}
