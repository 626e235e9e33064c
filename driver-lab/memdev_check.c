/*
 * memdev_check.c - lab 17: facts about the memdev buffer, one per
 * subcommand: the kernel and the process share it.
 *
 *   memdev_check zeroed DEV          the whole buffer reads as zeros
 *   memdev_check share DEV           mapping -> pread, pwrite -> mapping
 *   memdev_check fork DEV            a forked child's store reaches the parent
 *   memdev_check separate DEV0 DEV1  the two devices have separate buffers
 *   memdev_check rw DEV              read/write/lseek at and past the end
 *   memdev_check kwriter DEV         the driver's ioctl store, seen by a child
 *                                    that only polls the mapping
 *   memdev_check busy DEV MODULE     the module cannot be removed while mapped
 *
 * Each prints one line of what it saw and exits 0 when the fact holds, or
 * 1 with a message saying what it saw instead.  The rules of mapping
 * (bounds, MAP_PRIVATE, mremap) are memdev_maprules.c; the two ways of
 * building page tables, side by side, memdev_faults.c.
 *
 * The tests (tests/17-memdev.bats) run these inside the QEMU guest through
 * driver-lab/guest-checks.sh.  A session there:
 *   # memdev_check share /dev/memdev1
 *   pread saw "stored through the mapping"; the mapping saw "stored by pwrite"
 *   # memdev_check busy /dev/memdev0 memdev
 *   open: refcnt 2; mapped, fd closed: refcnt 2; delete_module: EAGAIN; ...
 *
 * Each check opens DEV itself, so the order does not matter, except that
 * they leave data in the buffer ("zeroed" runs first after loading) and
 * that "busy" unloads the module.  See mmap(2), fork(2), delete_module(2).
 */
#include "shmlabs.h"
#include "memdev.h"
#include "memdev_facts.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define USAGE \
	"zeroed|share|fork|rw|kwriter DEVICE | separate DEVICE0 DEVICE1 | busy DEVICE MODULE"

static void check_zeroed(const char *dev)
{
	int fd = open_dev(dev, O_RDWR);
	size_t size = dev_size(fd, dev);
	char *p = map_dev(fd, dev, size, 0, PROT_READ);
	char *buf = malloc(size);
	ssize_t n;

	if (!buf)
		fail("out of memory");
	for (size_t i = 0; i < size; i++)
		if (p[i] != 0)
			fail("%s: byte %zu of the mapping is 0x%02x, not 0",
			     dev, i, (unsigned char)p[i]);
	n = CHK(pread(fd, buf, size, 0), "pread", dev);
	if ((size_t)n != size)
		fail("%s: pread returned %zd of %zu bytes", dev, n, size);
	for (size_t i = 0; i < size; i++)
		if (buf[i] != 0)
			fail("%s: byte %zu from pread is not 0", dev, i);
	note("%zu bytes (%zu pages), all zero through mmap and through read",
	     size, size / pg);
	free(buf);
	CHK(munmap(p, size), "munmap", dev);
	CHK(close(fd), "close", dev);
}

static void check_share(const char *dev)
{
	static const char via_map[] = "stored through the mapping";
	static const char via_write[] = "stored by pwrite";
	int fd = open_dev(dev, O_RDWR);
	size_t size = dev_size(fd, dev);
	char *p = map_dev(fd, dev, size, 0, PROT_READ | PROT_WRITE);
	char buf[64] = "";
	ssize_t n;

	/* User space stores, the kernel's read path sees it. */
	memcpy(p + 100, via_map, sizeof(via_map));
	n = CHK(pread(fd, buf, sizeof(via_map), 100), "pread", dev);
	if ((size_t)n != sizeof(via_map) || memcmp(buf, via_map, n) != 0)
		fail("%s: pread at 100 returned \"%.*s\", expected \"%s\"", dev,
		     (int)n, buf, via_map);
	note("pread saw \"%s\"", buf);

	/* The kernel's write path stores, the mapping sees it. */
	n = CHK(pwrite(fd, via_write, sizeof(via_write), 200), "pwrite", dev);
	if ((size_t)n != sizeof(via_write))
		fail("%s: short pwrite: %zd", dev, n);
	if (memcmp(p + 200, via_write, sizeof(via_write)) != 0)
		fail("%s: the mapping at 200 holds \"%.30s\", expected \"%s\"",
		     dev, p + 200, via_write);
	note("the mapping saw \"%s\"", p + 200);
	CHK(munmap(p, size), "munmap", dev);
	CHK(close(fd), "close", dev);
}

static int child_store(void *arg)
{
	char *p = arg;

	snprintf(p + 300, 64, "child %d was here", (int)getpid());
	return 0;
}

static void check_fork(const char *dev)
{
	int fd = open_dev(dev, O_RDWR);
	size_t size = dev_size(fd, dev);
	char *p = map_dev(fd, dev, size, 0, PROT_READ | PROT_WRITE);
	int status;

	memset(p + 300, 0, 64);
	/* MAP_SHARED mappings stay shared across fork(2): the child's page
	 * tables point at the same pages. */
	status = in_child(child_store, p);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("%s: the child failed (status 0x%x)", dev, status);
	if (strncmp(p + 300, "child ", 6) != 0)
		fail("%s: the parent sees \"%.63s\", not the child's store",
		     dev, p + 300);
	note("the parent read \"%.63s\"", p + 300);
	CHK(munmap(p, size), "munmap", dev);
	CHK(close(fd), "close", dev);
}

static void check_separate(const char *dev0, const char *dev1)
{
	static const char mark[] = "only in device 0";
	int fd0 = open_dev(dev0, O_RDWR), fd1 = open_dev(dev1, O_RDWR);
	char *p0 = map_dev(fd0, dev0, pg, 0, PROT_READ | PROT_WRITE);
	char *p1 = map_dev(fd1, dev1, pg, 0, PROT_READ | PROT_WRITE);

	memset(p1 + 400, 0, sizeof(mark));
	memcpy(p0 + 400, mark, sizeof(mark));
	if (memcmp(p1 + 400, mark, sizeof(mark)) == 0)
		fail("%s and %s share one buffer", dev0, dev1);
	note("%s holds \"%s\", %s does not", dev0, p0 + 400, dev1);
	CHK(munmap(p0, pg), "munmap", dev0);
	CHK(munmap(p1, pg), "munmap", dev1);
	CHK(close(fd0), "close", dev0);
	CHK(close(fd1), "close", dev1);
}

static void check_rw(const char *dev)
{
	int fd = open_dev(dev, O_RDWR);
	size_t size = dev_size(fd, dev);
	char buf[16];
	ssize_t n;

	note("SEEK_END: %zu", size);
	/* A write that would cross the end is cut short. */
	CHK(lseek(fd, (off_t)size - 4, SEEK_SET), "lseek", dev);
	n = CHK(write(fd, "12345678", 8), "write", dev);
	if (n != 4)
		fail("%s: write of 8 bytes 4 before the end returned %zd", dev,
		     n);
	note("8 bytes written 4 before the end: %zd", n);
	/* At the end: write says ENOSPC, read says 0 (end of file). */
	if (write(fd, "x", 1) != -1 || errno != ENOSPC)
		fail("%s: write at the end: expected ENOSPC, got %s", dev,
		     errno_name(errno));
	note("write at the end: ENOSPC");
	n = CHK(read(fd, buf, sizeof(buf)), "read", dev);
	if (n != 0)
		fail("%s: read at the end returned %zd, expected 0", dev, n);
	note("read at the end: 0");
	if (lseek(fd, 1, SEEK_END) != -1 || errno != EINVAL)
		fail("%s: lseek past the end: expected EINVAL, got %s", dev,
		     errno_name(errno));
	note("lseek past the end: EINVAL");
	/* Clean up what we wrote. */
	CHK(pwrite(fd, "\0\0\0\0", 4, (off_t)size - 4), "pwrite", dev);
	CHK(close(fd), "close", dev);
}

/*
 * The kernel-side writer, watched.  The parent asks the driver to bump a
 * counter in the buffer (ioctl); the child only reads its mapping - no
 * system call at all - and must see every value 1..KW_BUMPS appear.  It
 * acknowledges each value by storing it into a second slot of the mapping,
 * and the parent waits for that before the next bump, so the two really
 * take turns (even on one CPU) and the child cannot miss a value.
 */
#define KW_OFF 512 /* the counter the driver bumps */
#define KW_ACK 520 /* the child's acknowledgement */
#define KW_BUMPS 100

static int child_watch(void *arg)
{
	char *p = arg;
	const uint64_t *ctr = (const uint64_t *)(p + KW_OFF);
	uint64_t *ack = (uint64_t *)(p + KW_ACK);
	uint64_t last = 0, v;
	unsigned changes = 0, skipped = 0;

	alarm(30); /* a bound, in case the kernel never writes */
	while (last < KW_BUMPS) {
		/* An atomic load: the compiler must re-read memory each
		 * time (a plain load could be hoisted out of the loop). */
		v = __atomic_load_n(ctr, __ATOMIC_ACQUIRE);
		if (v == last)
			continue;
		if (v != last + 1)
			skipped++;
		changes++;
		last = v;
		__atomic_store_n(ack, v, __ATOMIC_RELEASE);
	}
	printf("child, reading only its mapping: saw %u new values, the last %llu, %u skipped\n",
	       changes, (unsigned long long)last, skipped);
	return changes == KW_BUMPS && skipped == 0 ? 0 : 1;
}

static void check_kwriter(const char *dev)
{
	int fd = open_dev(dev, O_RDWR);
	char *p = map_dev(fd, dev, pg, 0, PROT_READ | PROT_WRITE);
	uint64_t *ctr = (uint64_t *)(p + KW_OFF), via_read;
	const uint64_t *ack = (const uint64_t *)(p + KW_ACK);
	int status;
	pid_t pid;

	memset(p + KW_OFF, 0, 16);
	pid = CHK(fork(), "fork", NULL);
	if (pid == 0)
		_exit(child_watch(p));
	alarm(30); /* the same bound for the parent's waits */
	for (uint64_t i = 1; i <= KW_BUMPS; i++) {
		CHK(ioctl(fd, MEMDEV_IOC_BUMP, (unsigned long)KW_OFF), "ioctl",
		    dev);
		while (__atomic_load_n(ack, __ATOMIC_ACQUIRE) != i)
			sched_yield(); /* let the child run */
	}
	CHK(waitpid(pid, &status, 0), "waitpid", NULL);
	alarm(0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("%s: the polling child did not see every value (status 0x%x)",
		     dev, status);
	note("%d MEMDEV_IOC_BUMP calls", KW_BUMPS);
	CHK(pread(fd, &via_read, sizeof(via_read), KW_OFF), "pread", dev);
	if (*ctr != KW_BUMPS || via_read != KW_BUMPS)
		fail("%s: counter %llu in the mapping, %llu by read", dev,
		     (unsigned long long)*ctr, (unsigned long long)via_read);
	note("parent: %llu in the mapping and by read",
	     (unsigned long long)*ctr);
	/* The driver checks its argument. */
	if (ioctl(fd, MEMDEV_IOC_BUMP, 3UL) != -1 || errno != EINVAL)
		fail("%s: misaligned offset: expected EINVAL, got %s", dev,
		     errno_name(errno));
	if (ioctl(fd, MEMDEV_IOC_BUMP, (unsigned long)pg * 4096) != -1 ||
	    errno != EINVAL)
		fail("%s: offset past the end: expected EINVAL, got %s", dev,
		     errno_name(errno));
	if (ioctl(fd, _IO(MEMDEV_IOC_MAGIC, 99), 0UL) != -1 || errno != ENOTTY)
		fail("%s: unknown ioctl: expected ENOTTY, got %s", dev,
		     errno_name(errno));
	note("bad offsets: EINVAL; unknown ioctl: ENOTTY");
	CHK(munmap(p, pg), "munmap", dev);
	CHK(close(fd), "close", dev);
}

static long refcnt(const char *module)
{
	char path[128], buf[32] = "";
	int fd;

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", module);
	fd = open(path, O_RDONLY);
	if (fd == -1)
		return -1; /* the module is gone */
	CHK(read(fd, buf, sizeof(buf) - 1), "read", path);
	CHK(close(fd), "close", path);
	return strtol(buf, NULL, 10);
}

static void check_busy(const char *dev, const char *module)
{
	int fd = open_dev(dev, O_RDWR);
	char *p;
	long r;

	note("open: refcnt %ld", refcnt(module));
	p = map_dev(fd, dev, pg, 0, PROT_READ | PROT_WRITE);
	CHK(close(fd), "close", dev);
	/* The mapping holds the file (vma->vm_file), the file holds the
	 * module (fops.owner): removal must be refused. */
	r = refcnt(module);
	note("mapped, fd closed: refcnt %ld", r);
	if (r < 1)
		fail("%s: the mapping holds no reference on %s", dev, module);
	if (syscall(SYS_delete_module, module, O_NONBLOCK) != -1)
		fail("%s: delete_module(%s) succeeded while mapped", dev,
		     module);
	note("delete_module: %s", errno_name(errno));
	if (errno != EAGAIN && errno != EBUSY)
		fail("%s: delete_module: expected EAGAIN or EBUSY, got %s", dev,
		     errno_name(errno));
	p[0] = 'y'; /* the mapping still works */
	CHK(munmap(p, pg), "munmap", dev);
	note("after munmap: refcnt %ld", refcnt(module));
	CHK(syscall(SYS_delete_module, module, O_NONBLOCK), "delete_module",
	    module);
	note("delete_module: ok, /sys/module/%s %s", module,
	     refcnt(module) == -1 ? "gone" : "still there");
}

int main(int argc, char **argv)
{
	const char *check, *dev;

	lab_init(argc, argv);
	facts_init();
	if (argc < 3)
		usage_error(USAGE, "need a check and a device");
	check = argv[1];
	dev = argv[2];
	if (strcmp(check, "separate") == 0 || strcmp(check, "busy") == 0) {
		if (argc != 4)
			usage_error(USAGE, "this check takes two arguments");
	} else if (argc != 3) {
		usage_error(USAGE, "this check takes one device");
	}

	if (strcmp(check, "zeroed") == 0)
		check_zeroed(dev);
	else if (strcmp(check, "share") == 0)
		check_share(dev);
	else if (strcmp(check, "fork") == 0)
		check_fork(dev);
	else if (strcmp(check, "separate") == 0)
		check_separate(dev, argv[3]);
	else if (strcmp(check, "rw") == 0)
		check_rw(dev);
	else if (strcmp(check, "kwriter") == 0)
		check_kwriter(dev);
	else if (strcmp(check, "busy") == 0)
		check_busy(dev, argv[3]);
	else
		usage_error(USAGE, "unknown check");
	facts_print();
	return 0;
}
