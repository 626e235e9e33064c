/*
 * pshm_unlink_mapped.c - Lab 10: shm_unlink while mapped.  shm_unlink
 * removes the NAME, as unlink(2) removes a directory entry.  The object
 * itself goes away when nothing refers to it any more: no descriptor, no
 * mapping.  So everyone already attached carries on, and the name is free
 * for a new, unrelated object.
 *
 *   $ pshm_unlink_mapped
 *   created /shmlabs-alice-unlink, inode 1105, mapped at 0x7f437072f000
 *     /proc/self/maps: 7f437072f000-7f4370730000 rw-s 00000000 00:1b 1105       /dev/shm/shmlabs-alice-unlink
 *   closed the descriptor and called shm_unlink
 *     stat(/dev/shm/NAME)                          -> ENOENT (No such file or directory), as expected
 *     shm_open(NAME, O_RDWR)                       -> ENOENT (No such file or directory), as expected
 *     /proc/self/maps: 7f437072f000-7f4370730000 rw-s 00000000 00:1b 1105       /dev/shm/shmlabs-alice-unlink (deleted)
 *   the mapping still reads: "the old object"
 *   and still writes: "written after shm_unlink"
 *   shm_open(NAME, O_CREAT|O_EXCL) again -> a new object: inode 1106 (old 1105), size 0
 *   different object: yes
 *   munmap: the old object is gone too
 *
 * Man pages: shm_unlink(3), unlink(2), mmap(2), proc(5) (/proc/PID/maps).
 */
#include "pshm.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	const char *name = ipc_name("unlink");
	long page = page_size();
	struct stat st, st_new;
	int h, fd = obj_create(name, 0600, &h);

	CHK(ftruncate(fd, page), "ftruncate", name);
	char *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, 0);
	if (p == MAP_FAILED)
		die("mmap", name);
	strcpy(p, "the old object");
	CHK(fstat(fd, &st), "fstat", name);
	printf("created %s, inode %llu, mapped at %p\n", name,
	       (unsigned long long)st.st_ino, (void *)p);
	maps_print("  /proc/self/maps: ", p);

	/* The mapping keeps the object; the descriptor is not needed. */
	CHK(close(fd), "close", name);
	obj_unlink(name, h);
	printf("closed the descriptor and called shm_unlink\n");
	refused("stat(/dev/shm/NAME)", stat(shm_path(name), &st_new), ENOENT);
	refused("shm_open(NAME, O_RDWR)", shm_open(name, O_RDWR, 0), ENOENT);
	maps_print("  /proc/self/maps: ", p);
	printf("the mapping still reads: \"%s\"\n", p);
	strcpy(p, "written after shm_unlink");
	printf("and still writes: \"%s\"\n", p);

	int fd2 = obj_create(name, 0600, &h);
	CHK(fstat(fd2, &st_new), "fstat", name);
	printf("shm_open(NAME, O_CREAT|O_EXCL) again -> a new object: inode %llu (old %llu), size %lld\n",
	       (unsigned long long)st_new.st_ino, (unsigned long long)st.st_ino,
	       (long long)st_new.st_size);
	printf("different object: %s\n",
	       st_new.st_ino != st.st_ino ? "yes" : "NO");
	CHK(close(fd2), "close", name);
	obj_unlink(name, h);

	/* The last reference to the old object: its memory is freed now. */
	CHK(munmap(p, (size_t)page), "munmap", name);
	printf("munmap: the old object is gone too\n");
	return 0;
}
