/*
 * devzero_twice.c - lab 6: two MAP_SHARED mappings of one open /dev/zero
 * are two separate pieces of memory.  So /dev/zero connects a process only
 * with the children it forks: another process that maps /dev/zero gets
 * new memory, not ours (lab 7 uses a file name instead).
 *
 *   $ build/06-dev-zero/devzero_twice
 *   mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) = 0x7f0aab5cd000
 *   mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) = 0x7f0aab5cc000
 *   wrote 'A' to first[0]: first[0] = 'A', second[0] = 0x00
 *   result: two separate objects: each mmap of /dev/zero creates new memory
 *   first:  maps: 7f0aab5cd000-7f0aab5ce000 rw-s 00000000 00:01 1857    /dev/zero (deleted)
 *   second: maps: 7f0aab5cc000-7f0aab5cd000 rw-s 00000000 00:01 1858    /dev/zero (deleted)
 *
 * Each mmap() of /dev/zero with MAP_SHARED runs the kernel's
 * shmem_zero_setup() again (drivers/char/mem.c), so each gets an object
 * of its own: see the two inode numbers.
 *
 * Usage: devzero_twice
 * Man pages: zero(4), mmap(2), proc(5).
 */
#include "shmlabs.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static unsigned char *map_zero(int fd, size_t len);

int main(int argc, char **argv)
{
	const size_t len = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *first, *second;
	int fd;

	lab_init(argc, argv);
	if (argc != 1)
		usage_error("\n  map /dev/zero MAP_SHARED twice through one fd",
			    NULL);

	fd = CHK(open("/dev/zero", O_RDWR | O_CLOEXEC), "open", "/dev/zero");
	first = map_zero(fd, len);
	second = map_zero(fd, len);
	CHK(close(fd), "close", "/dev/zero");

	first[0] = 'A';
	printf("wrote 'A' to first[0]: first[0] = '%c', second[0] = 0x%02x\n",
	       first[0], second[0]);
	if (second[0] != 0)
		fail("the two mappings share memory");
	printf("result: two separate objects: each mmap of /dev/zero creates new memory\n");
	maps_print("first:  maps: ", first);
	maps_print("second: maps: ", second);

	CHK(munmap(first, len), "munmap", "first");
	CHK(munmap(second, len), "munmap", "second");
	return 0;
}

static unsigned char *map_zero(int fd, size_t len)
{
	unsigned char *p =
		mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		die("mmap", "/dev/zero");
	printf("mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) = %p\n",
	       len, (void *)p);
	return p;
}
