/*
 * pshm_names.c - Lab 10: which names shm_open(3) accepts.  POSIX: a name
 * that begins with '/' names the same object in every process; without
 * the leading '/' the effect is implementation-defined, and so is the
 * meaning of any further '/'.  Portable: "/somename", no other '/', at
 * most NAME_MAX (255) characters (shm_overview(7)).
 *
 *   $ pshm_names
 *   shm_open("/shmlabs-alice-names", O_CREAT|O_EXCL) -> fd 3; /dev/shm/shmlabs-alice-names exists
 *   without the leading '/' (POSIX: implementation-defined):
 *     shm_open("shmlabs-alice-names", O_CREAT|O_EXCL) -> EEXIST
 *     noslash: accepted, the SAME object as "/shmlabs-alice-names" (glibc strips the '/')
 *   with two leading '/':
 *     shm_open("//shmlabs-alice-names", O_CREAT|O_EXCL) -> EEXIST
 *     doubleslash: the SAME object as "/shmlabs-alice-names"
 *   a name that is not there yet, without '/':
 *     shm_open("shmlabs-alice-noslash", O_CREAT|O_EXCL) -> fd 4, a new object; /dev/shm/shmlabs-alice-noslash exists
 *     noslash-new: accepted
 *   names glibc refuses:
 *     shm_open("/NAME/obj", O_CREAT)               -> EINVAL (Invalid argument), as expected
 *     shm_open("/", O_CREAT)                       -> EINVAL (Invalid argument), as expected
 *     shm_open("/256 chars", O_CREAT)              -> ENAMETOOLONG (File name too long), as expected
 *   shm_unlink("/shmlabs-alice-names"): /dev/shm/shmlabs-alice-names is gone
 *
 * What glibc (2.36 here) does: strip EVERY leading '/', refuse an empty
 * result or one containing '/' (EINVAL) or one longer than NAME_MAX
 * (ENAMETOOLONG), and open /dev/shm/RESULT.  So a program that forgets
 * the slash works here and may break elsewhere.
 * Man pages: shm_open(3), shm_overview(7).
 */
#include "pshm.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int try_name(const char *name);
static const char *exists(const char *path);

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	const char *name = ipc_name("names");
	char buf[512], shown[64];
	int h, fd = obj_create(name, 0600, &h);
	int err;

	printf("shm_open(\"%s\", O_CREAT|O_EXCL) -> fd %d; %s %s\n", name, fd,
	       shm_path(name), exists(shm_path(name)));

	printf("without the leading '/' (POSIX: implementation-defined):\n");
	err = try_name(name + 1);
	if (err == EEXIST)
		printf("  noslash: accepted, the SAME object as \"%s\" (glibc strips the '/')\n",
		       name);
	else
		printf("  noslash: %s\n",
		       err ? errno_name(err) : "accepted, a DIFFERENT object");

	printf("with two leading '/':\n");
	snprintf(buf, sizeof(buf), "/%s", name);
	err = try_name(buf);
	if (err == EEXIST)
		printf("  doubleslash: the SAME object as \"%s\"\n", name);
	else
		printf("  doubleslash: %s\n", err ? errno_name(err) : "new");

	printf("a name that is not there yet, without '/':\n");
	err = try_name(ipc_name("noslash") + 1);
	printf("  noslash-new: %s\n", err ? errno_name(err) : "accepted");

	printf("names glibc refuses:\n");
	snprintf(buf, sizeof(buf), "%s/obj", name);
	refused("shm_open(\"/NAME/obj\", O_CREAT)",
		shm_open(buf, O_CREAT | O_RDWR, 0600), EINVAL);
	refused("shm_open(\"/\", O_CREAT)",
		shm_open("/", O_CREAT | O_RDWR, 0600), EINVAL);
	/* 256 characters after the '/': one more than NAME_MAX. */
	snprintf(buf, sizeof(buf), "%s-%0*d", name,
		 (int)(NAME_MAX + 1 - strlen(name)), 0);
	snprintf(shown, sizeof(shown), "shm_open(\"/%zu chars\", O_CREAT)",
		 strlen(buf) - 1);
	refused(shown, shm_open(buf, O_CREAT | O_RDWR, 0600), ENAMETOOLONG);

	CHK(close(fd), "close", name);
	obj_unlink(name, h);
	printf("shm_unlink(\"%s\"): %s %s\n", name, shm_path(name),
	       strcmp(exists(shm_path(name)), "exists") == 0 ? "still exists"
							     : "is gone");
	return 0;
}

/* Try NAME with O_CREAT|O_EXCL and report what happened, without judging:
 * POSIX leaves these cases to the implementation.  Returns the errno (0 if
 * a new object was made; it is unlinked again at once). */
static int try_name(const char *name)
{
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	int err = errno;

	if (fd == -1) {
		printf("  shm_open(\"%s\", O_CREAT|O_EXCL) -> %s\n", name,
		       errno_name(err));
		return err;
	}
	int h = cleanup_add(CL_SHM_NAME, name, -1);

	printf("  shm_open(\"%s\", O_CREAT|O_EXCL) -> fd %d, a new object; %s %s\n",
	       name, fd, shm_path(name), exists(shm_path(name)));
	CHK(close(fd), "close", name);
	obj_unlink(name, h);
	return 0;
}

static const char *exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? "exists" : "does NOT exist";
}
