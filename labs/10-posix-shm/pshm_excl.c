/*
 * pshm_excl.c - Lab 10: the flags of shm_open(3), and the mode.  The mode
 * of a new object is MODE & ~umask, exactly as for open(2): ask for 0666
 * with the usual umask 022 and you get 0644.  (System V's shmget ignores
 * the umask.)  fchmod(2) sets an exact mode afterwards if you need one.
 *
 *   $ pshm_excl
 *   shm_open("/shmlabs-alice-excl", O_CREAT|O_EXCL|O_RDWR, 0666) -> fd 3
 *     umask 0022: mode asked 0666, got 0644
 *     fchmod(fd, 0600) -> mode 0600
 *     shm_open(NAME, O_CREAT|O_EXCL)               -> EEXIST (File exists), as expected
 *     shm_open(NAME, O_RDWR)                       -> fd 4, inode 1103: the same object
 *     shm_open(MISSING, O_RDWR)                    -> ENOENT (No such file or directory), as expected
 *     shm_unlink(MISSING)                          -> ENOENT (No such file or directory), as expected
 *   removed /shmlabs-alice-excl
 *
 * Man pages: shm_open(3), umask(2), fchmod(2), fstat(2).
 */
#include "pshm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	const char *name = ipc_name("excl");
	const char *missing = ipc_name("missing");
	struct stat st, st2;
	mode_t mask = umask(0); /* umask cannot fail; read it by setting it */
	int h;

	umask(mask);
	int fd = obj_create(name, 0666, &h);
	CHK(fstat(fd, &st), "fstat", name);
	printf("shm_open(\"%s\", O_CREAT|O_EXCL|O_RDWR, 0666) -> fd %d\n", name,
	       fd);
	printf("  umask %04o: mode asked 0666, got %04o\n", (unsigned)mask,
	       (unsigned)(st.st_mode & 07777));
	CHK(fchmod(fd, 0600), "fchmod", name);
	CHK(fstat(fd, &st), "fstat", name);
	printf("  fchmod(fd, 0600) -> mode %04o\n",
	       (unsigned)(st.st_mode & 07777));

	refused("shm_open(NAME, O_CREAT|O_EXCL)",
		shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600), EEXIST);

	/* Without O_CREAT: open the existing object, the same inode. */
	int fd2 = CHK(shm_open(name, O_RDWR, 0), "shm_open", name);
	CHK(fstat(fd2, &st2), "fstat", name);
	printf("  %-44s -> fd %d, inode %llu: %s\n", "shm_open(NAME, O_RDWR)",
	       fd2, (unsigned long long)st2.st_ino,
	       st2.st_ino == st.st_ino ? "the same object" : "ANOTHER object");
	CHK(close(fd2), "close", name);

	refused("shm_open(MISSING, O_RDWR)", shm_open(missing, O_RDWR, 0),
		ENOENT);
	refused("shm_unlink(MISSING)", shm_unlink(missing), ENOENT);

	CHK(close(fd), "close", name);
	obj_unlink(name, h);
	printf("removed %s\n", name);
	return 0;
}
