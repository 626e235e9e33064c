/*
 * memdev_test.c - lab 17: map the memdev driver's kernel buffer and show
 * that the kernel and this process share it, in both directions.
 *
 *   memdev_test [DEVICE]        (default /dev/memdev0; needs the module)
 *
 * This is the seed's test program, corrected and extended:
 *   1. map the whole buffer (its size comes from lseek(SEEK_END));
 *   2. user -> kernel: a string stored through the mapping is what
 *      pread(2) returns (read runs in the driver, on its kernel pointer);
 *   3. kernel -> user: pwrite(2) stores through the driver, and the
 *      mapping shows the bytes without any read(2);
 *   4. the driver writes on its own: each MEMDEV_IOC_BUMP ioctl adds 1 to a
 *      counter in the buffer, and the mapping shows every new value;
 *   5. close(fd) right after mmap does not end the mapping (the seed's
 *      closing question): the VMA keeps its own reference to the file;
 *   6. munmap(2).
 *
 * Seed bug: unchecked open/mmap, missing headers, sleep (guide, lab 17).
 *
 * What to observe: right after loading, the whole buffer reads 0 (a
 * second run finds the first run's bytes: the buffer belongs to the
 * module, not to a mapping); the two strings cross over; the counter
 * climbs 1, 2, 3 in the mapping; the /proc/self/maps line reads
 * "rw-s 00000000 ... /dev/memdev0" (offset 0: the file offset, never the
 * buffer's physical address).
 */
#include "shmlabs.h"
#include "memdev.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define COUNTER_OFF 256 /* byte offset of the counter the driver bumps */

/* Print our own /proc/self/maps line for the mapping at P (proc(5)). */
static void show_maps_line(const void *p)
{
	char line[256];

	if (maps_find(p, line, sizeof(line)))
		printf("  /proc/self/maps: %s\n", line);
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/memdev0";
	char buf[64] = "";
	volatile uint64_t *counter;
	size_t size;
	char *p;
	int fd;

	lab_init(argc, argv);
	if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
		usage_error("[DEVICE]", NULL);
	if (argc == 2)
		dev = argv[1];

	fd = CHK(open(dev, O_RDWR), "open", dev);
	size = (size_t)CHK(lseek(fd, 0, SEEK_END), "lseek", dev);
	if (size == 0)
		fail("%s: the device has no buffer", dev);

	/* 1. One shared mapping of the whole buffer. */
	p = CHK_MAP(mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
		    "mmap", dev);
	printf("1. mapped %zu bytes of %s\n", size, dev);
	show_maps_line(p);
	/* Loads through the mapping, no read(2): are the pages zeroed? */
	size_t nonzero = 0;
	for (size_t i = 0; i < size; i++)
		nonzero += p[i] != 0;
	if (nonzero == 0)
		printf("  all %zu bytes are 0: the driver zeroed its pages (__GFP_ZERO)\n",
		       size);
	else
		printf("  %zu of %zu bytes are not 0: left by an earlier program (the buffer lives as long as the module, not as long as a mapping)\n",
		       nonzero, size);

	/* 2. User space stores, the kernel reads. */
	strcpy(p, "written through the mapping");
	CHK(pread(fd, buf, sizeof(buf) - 1, 0), "pread", dev);
	printf("2. stored \"%s\" at offset 0 through the mapping\n", p);
	printf("   pread(fd, 0) returned    \"%s\"\n", buf);

	/* 3. The kernel stores (write path), user space reads the mapping. */
	CHK(pwrite(fd, "written by pwrite(2)", 21, 64), "pwrite", dev);
	printf("3. pwrite(fd, \"written by pwrite(2)\", 64)\n");
	printf("   the mapping at 64 holds  \"%s\"\n", p + 64);

	/* 4. The driver writes through its own kernel pointer. */
	counter = (volatile uint64_t *)(p + COUNTER_OFF);
	printf("4. counter at %d in the mapping: %llu\n", COUNTER_OFF,
	       (unsigned long long)*counter);
	for (int i = 0; i < 3; i++) {
		CHK(ioctl(fd, MEMDEV_IOC_BUMP, (unsigned long)COUNTER_OFF),
		    "ioctl(MEMDEV_IOC_BUMP)", dev);
		printf("   after ioctl(MEMDEV_IOC_BUMP): %llu\n",
		       (unsigned long long)*counter);
	}

	/* 5. Closing the descriptor does not unmap: the VMA holds the file. */
	CHK(close(fd), "close", dev);
	strcpy(p + 128, "still mapped after close(fd)");
	printf("5. closed the fd; the mapping still works: \"%s\"\n", p + 128);

	/* 6. Unmap: afterwards any access to p would be SIGSEGV. */
	CHK(munmap(p, size), "munmap", dev);
	printf("6. munmap done\n");
	return 0;
}
