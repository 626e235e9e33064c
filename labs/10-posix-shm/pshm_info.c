/*
 * pshm_info.c - Lab 10: fstat(2) on the persistent object, and proof that
 * it is the file /dev/shm/NAME on a tmpfs.
 *
 *   $ pshm_info
 *   name    /shmlabs-alice-persist
 *   path    /dev/shm/shmlabs-alice-persist
 *   size    13 bytes (st_size, set by ftruncate)
 *   mode    0600
 *   type    regular file
 *   owner   uid 0 gid 0
 *   inode   973 (same file as the path: yes)
 *   links   1
 *   fs      tmpfs (f_type 0x01021994)
 *
 * Man pages: fstat(2), fstatfs(2) (TMPFS_MAGIC), shm_overview(7).
 */
#include "pshm.h"

#include <fcntl.h>
#include <linux/magic.h> /* TMPFS_MAGIC */
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	const char *name = persist_name();
	char *path = shm_path(name);
	struct stat st, pst;
	struct statfs fs;
	int fd = CHK(shm_open(name, O_RDONLY, 0), "shm_open", name);

	CHK(fstat(fd, &st), "fstat", name);
	CHK(stat(path, &pst), "stat", path);
	CHK(fstatfs(fd, &fs), "fstatfs", name);
	printf("name    %s\n", name);
	printf("path    %s\n", path);
	printf("size    %lld bytes (st_size, set by ftruncate)\n",
	       (long long)st.st_size);
	printf("mode    %04o\n", (unsigned)(st.st_mode & 07777));
	printf("type    %s\n", S_ISREG(st.st_mode) ? "regular file" : "other");
	printf("owner   uid %u gid %u\n", (unsigned)st.st_uid,
	       (unsigned)st.st_gid);
	printf("inode   %llu (same file as the path: %s)\n",
	       (unsigned long long)st.st_ino,
	       st.st_ino == pst.st_ino && st.st_dev == pst.st_dev ? "yes"
								  : "no");
	printf("links   %lu\n", (unsigned long)st.st_nlink);
	printf("fs      %s (f_type 0x%08lx)\n",
	       (unsigned long)fs.f_type == TMPFS_MAGIC ? "tmpfs" : "not tmpfs",
	       (unsigned long)fs.f_type);
	CHK(close(fd), "close", name);
	return 0;
}
