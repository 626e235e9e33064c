/*
 * memdev_maprules.c - lab 17: the rules of mapping a memdev device, one
 * per subcommand, and how the two devices' methods differ.
 *
 *   memdev_maprules bounds DEV    too long / too far mappings: EINVAL
 *   memdev_maprules pgoff DEV     offset page k maps buffer page k (2+ pages)
 *   memdev_maprules protread DEV  a store into a PROT_READ mapping: SIGSEGV
 *   memdev_maprules rdonly DEV    O_RDONLY + PROT_WRITE|MAP_SHARED: EACCES
 *   memdev_maprules mremap DEV    memdev0: growing fails (VM_DONTEXPAND);
 *                                 memdev1: grows, and past the buffer SIGBUS
 *   memdev_maprules private DEV   memdev0: MAP_PRIVATE is EINVAL;
 *                                 memdev1: copy-on-write, the device untouched
 *   memdev_maprules maps DEV      the /proc/self/maps line and VmFlags
 *
 * /dev/memdev0 builds its page tables with remap_pfn_range() at mmap time,
 * /dev/memdev1 from a fault handler (driver-lab/memdev_mmap.c); the
 * program tells them apart by the minor number.  Each check prints one
 * line of what it saw, exit 0; or what it saw instead, exit 1.
 *
 * A session in the QEMU guest (insmod memdev.ko):
 *   # memdev_maprules mremap /dev/memdev0
 *   mremap grow in place: EFAULT; mremap grow, may move: EFAULT
 *   # memdev_maprules mremap /dev/memdev1
 *   grown to 2 pages: page 1 reads "page 1"; grown to 5 pages: page 4
 *   gives SIGBUS (BUS_ADRERR), 1 fault
 *
 * See mmap(2), mremap(2), mprotect(2), proc(5) (smaps, VmFlags).
 */
#include "shmlabs.h"
#include "memdev_facts.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USAGE "bounds|pgoff|protread|rdonly|mremap|private|maps DEVICE"

static void check_bounds(const char *dev)
{
	int fd = open_dev(dev, O_RDWR);
	size_t size = dev_size(fd, dev);
	int rw = PROT_READ | PROT_WRITE;

	note("buffer %zu bytes", size);
	/* Seed bug: the seed's driver mapped all three, and with them
	 * whatever physical memory follows its buffer. */
	expect_map_error(fd, dev, size + pg, 0, rw, MAP_SHARED, EINVAL,
			 "length > buffer");
	expect_map_error(fd, dev, pg, (off_t)size, rw, MAP_SHARED, EINVAL,
			 "offset = end");
	expect_map_error(fd, dev, 2 * pg, (off_t)(size - pg), rw, MAP_SHARED,
			 EINVAL, "offset + length > end");
	CHK(close(fd), "close", dev);
}

static void check_pgoff(const char *dev)
{
	int fd = open_dev(dev, O_RDWR);
	size_t size = dev_size(fd, dev), npages = size / pg;
	char tag[32];

	if (npages < 2)
		fail("%s: load the module with pages=2 or more", dev);
	/* Label every page through write(2)... */
	for (size_t k = 0; k < npages; k++) {
		int len = snprintf(tag, sizeof(tag), "page %zu", k);

		CHK(pwrite(fd, tag, (size_t)len + 1, (off_t)(k * pg)), "pwrite",
		    dev);
	}
	/* ...then map each page alone, by its offset, and read the label. */
	for (size_t k = 0; k < npages; k++) {
		char *p = map_dev(fd, dev, pg, (off_t)(k * pg), PROT_READ);

		snprintf(tag, sizeof(tag), "page %zu", k);
		if (strcmp(p, tag) != 0)
			fail("%s: the mapping at offset %zu starts with \"%.20s\", expected \"%s\"",
			     dev, k * pg, p, tag);
		CHK(munmap(p, pg), "munmap", dev);
	}
	note("offset k*%zu mapped the page labelled \"page k\" for k = 0..%zu",
	     pg, npages - 1);
	CHK(close(fd), "close", dev);
}

static int child_store_readonly(void *arg)
{
	volatile char *p = arg;

	p[0] = 'x'; /* must die of SIGSEGV here */
	return 0;
}

static void check_protread(const char *dev)
{
	int fd = open_dev(dev, O_RDWR);
	char *p = map_dev(fd, dev, pg, 0, PROT_READ);
	int status;

	/* In a child, so the expected SIGSEGV kills only the child. */
	status = in_child(child_store_readonly, p);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSEGV)
		fail("%s: a store into a PROT_READ mapping: expected SIGSEGV, child status 0x%x",
		     dev, status);
	note("a child's store into the PROT_READ mapping: killed by %s",
	     sigabbrev_np(WTERMSIG(status)));
	CHK(munmap(p, pg), "munmap", dev);
	CHK(close(fd), "close", dev);
}

static void check_rdonly(const char *dev)
{
	int fd = open_dev(dev, O_RDONLY);
	char *p;

	/* The core of mmap(2) checks the open mode before the driver runs. */
	expect_map_error(fd, dev, pg, 0, PROT_READ | PROT_WRITE, MAP_SHARED,
			 EACCES, "O_RDONLY, PROT_WRITE|MAP_SHARED");
	/* A read-only shared mapping is fine, but can never become writable:
	 * the kernel cleared VM_MAYWRITE. */
	p = map_dev(fd, dev, pg, 0, PROT_READ);
	note("O_RDONLY, PROT_READ|MAP_SHARED: mapped");
	if (mprotect(p, pg, PROT_READ | PROT_WRITE) != -1 || errno != EACCES)
		fail("%s: mprotect(PROT_WRITE) of a read-only fd's mapping: expected EACCES, got %s",
		     dev, errno_name(errno));
	note("then mprotect(PROT_WRITE): EACCES");
	CHK(munmap(p, pg), "munmap", dev);
	CHK(close(fd), "close", dev);
}

/* The label pgoff and mremap write into page K of the buffer. */
static void label_pages(int fd, const char *dev, size_t npages)
{
	char tag[32];

	for (size_t k = 0; k < npages; k++) {
		int len = snprintf(tag, sizeof(tag), "page %zu", k);

		CHK(pwrite(fd, tag, (size_t)len + 1, (off_t)(k * pg)), "pwrite",
		    dev);
	}
}

/* memdev0: remap_pfn_range() set VM_DONTEXPAND | VM_PFNMAP, and mremap(2)
 * refuses with EFAULT, even though the buffer has a second page. */
static void mremap_remap(char *p, const char *dev)
{
	void *q = mremap(p, pg, 2 * pg, 0);

	if (q != MAP_FAILED)
		fail("%s: mremap grew the mapping in place", dev);
	note("mremap grow in place: %s", errno_name(errno));
	q = mremap(p, pg, 2 * pg, MREMAP_MAYMOVE);
	if (q != MAP_FAILED)
		fail("%s: mremap(MREMAP_MAYMOVE) grew the mapping", dev);
	note("mremap grow, may move: %s", errno_name(errno));
	if (errno != EFAULT)
		fail("%s: expected EFAULT, got %s", dev, errno_name(errno));
	CHK(munmap(p, pg), "munmap", dev);
}

/* memdev1: nothing forbids growing; the fault handler guards the buffer. */
static void mremap_fault(char *p, int fd, const char *dev, size_t npages)
{
	unsigned char byte;
	long before;
	siginfo_t si;
	int sig;

	p = CHK_MAP(mremap(p, pg, 2 * pg, MREMAP_MAYMOVE), "mremap", dev);
	if (strcmp(p + pg, "page 1") != 0)
		fail("%s: grown to 2 pages, page 1 reads \"%.20s\"", dev,
		     p + pg);
	note("grown to 2 pages: page 1 reads \"%s\"", p + pg);
	/* One page more than the buffer has: mremap agrees (it does not ask
	 * the driver), the first access to that page asks memdev_fault(). */
	p = CHK_MAP(mremap(p, 2 * pg, (npages + 1) * pg, MREMAP_MAYMOVE),
		    "mremap", dev);
	before = dev_faults(fd, dev);
	sig = try_read(p + npages * pg, &byte, &si);
	if (sig != SIGBUS)
		fail("%s: reading page %zu past the buffer: %s, expected SIGBUS",
		     dev, npages, sig ? sigabbrev_np(sig) : "no signal");
	note("grown to %zu pages: page %zu gives SIG%s (%s), %ld fault",
	     npages + 1, npages, sigabbrev_np(sig),
	     si.si_code == BUS_ADRERR ? "BUS_ADRERR" : "?",
	     dev_faults(fd, dev) - before);
	CHK(munmap(p, (npages + 1) * pg), "munmap", dev);
}

static void check_mremap(const char *dev)
{
	int fd = open_dev(dev, O_RDWR);
	size_t npages = dev_size(fd, dev) / pg;
	char *p = map_dev(fd, dev, pg, 0, PROT_READ | PROT_WRITE);

	if (npages < 2)
		fail("%s: load the module with pages=2 or more", dev);
	label_pages(fd, dev, npages);
	if (dev_minor(fd, dev) == 0)
		mremap_remap(p, dev);
	else
		mremap_fault(p, fd, dev, npages);
	CHK(close(fd), "close", dev);
}

/*
 * memdev1 and MAP_PRIVATE: reads see the device's page until the first
 * store to it; the store goes to a private copy (an anonymous page, counted
 * in smaps "Anonymous"), and the device never sees it.
 */
static void private_cow(int fd, const char *dev)
{
	static const char orig[] = "the device's bytes", mine[] = "my copy";
	char *p, buf[32] = "", line[256];
	long f0 = dev_faults(fd, dev);

	CHK(pwrite(fd, orig, sizeof(orig), 0), "pwrite", dev);
	CHK(pwrite(fd, orig, sizeof(orig), (off_t)pg), "pwrite", dev);
	p = CHK_MAP(
		mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0),
		"mmap", dev);
	if (strcmp(p, orig) != 0)
		fail("%s: MAP_PRIVATE page 0 reads \"%.20s\"", dev, p);
	note("MAP_PRIVATE page 0 reads \"%s\"", p);
	strcpy(p, mine);
	CHK(pread(fd, buf, sizeof(orig), 0), "pread", dev);
	if (strcmp(buf, orig) != 0)
		fail("%s: a private store reached the device: \"%s\"", dev,
		     buf);
	note("after storing \"%s\" there, read(2) still gives \"%s\"", p, buf);
	/* A page the process never stored to still shows the device's page:
	 * mmap(2) leaves this unspecified; Linux shares it until the store. */
	CHK(pwrite(fd, "changed", 8, (off_t)pg), "pwrite", dev);
	if (strcmp(p + pg, "changed") != 0)
		fail("%s: page 1 (not stored to) reads \"%.20s\"", dev, p + pg);
	note("page 1, not stored to, shows the device's later pwrite");
	note("%ld faults for 2 pages, Anonymous %ld kB",
	     dev_faults(fd, dev) - f0, smaps_kb(p, "Anonymous"));
	if (!maps_find(p, line, sizeof(line)))
		fail("%s: the private mapping is not in /proc/self/maps", dev);
	note("maps: %.13s", strchr(line, ' ') + 1);
	CHK(munmap(p, 2 * pg), "munmap", dev);
}

static void check_private(const char *dev)
{
	int fd = open_dev(dev, O_RDWR);

	if (dev_minor(fd, dev) == 0) {
		/* A private PFN mapping would show the physical address in
		 * /proc/PID/maps: the driver refuses (memdev_mmap.c). */
		expect_map_error(fd, dev, pg, 0, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE, EINVAL, "MAP_PRIVATE read-write");
		expect_map_error(fd, dev, pg, 0, PROT_READ, MAP_PRIVATE, EINVAL,
				 "MAP_PRIVATE read-only");
	} else {
		private_cow(fd, dev);
	}
	CHK(close(fd), "close", dev);
}

/* The VmFlags line of the smaps entry holding ADDR (proc(5)). */
static void vmflags(const void *addr, char *out, size_t size)
{
	static const char path[] = "/proc/self/smaps";
	char head[32], *line = NULL;
	size_t cap = 0, n;
	FILE *f = fopen(path, "re");
	int inside = 0;

	if (!f)
		die("fopen", path);
	n = (size_t)snprintf(head, sizeof(head), "%lx-", (unsigned long)addr);
	*out = '\0';
	while (getline(&line, &cap, f) != -1) {
		if (strncmp(line, head, n) == 0)
			inside = 1;
		else if (inside && strncmp(line, "VmFlags:", 8) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, size, "%s", line + 9);
			break;
		}
	}
	free(line);
	fclose(f);
}

static void check_maps(const char *dev)
{
	int fd = open_dev(dev, O_RDWR);
	size_t size = dev_size(fd, dev);
	char *p = map_dev(fd, dev, size, 0, PROT_READ | PROT_WRITE);
	char line[256], flags[128];

	/* The offset column is the file offset we asked for, never the
	 * buffer's physical address. */
	if (!maps_find(p, line, sizeof(line)))
		fail("%s: no line for %p in /proc/self/maps", dev, (void *)p);
	if (!strstr(line, dev))
		fail("%s: the line names another file: %s", dev, line);
	note("maps: %s", line);
	/* pf = VM_PFNMAP, io = VM_IO, de = VM_DONTEXPAND, dd = VM_DONTDUMP */
	vmflags(p, flags, sizeof(flags));
	note("VmFlags: %s", flags);
	CHK(munmap(p, size), "munmap", dev);
	CHK(close(fd), "close", dev);
}

int main(int argc, char **argv)
{
	const char *check, *dev;

	lab_init(argc, argv);
	facts_init();
	if (argc != 3)
		usage_error(USAGE, "need a check and a device");
	check = argv[1];
	dev = argv[2];
	if (strcmp(check, "bounds") == 0)
		check_bounds(dev);
	else if (strcmp(check, "pgoff") == 0)
		check_pgoff(dev);
	else if (strcmp(check, "protread") == 0)
		check_protread(dev);
	else if (strcmp(check, "rdonly") == 0)
		check_rdonly(dev);
	else if (strcmp(check, "mremap") == 0)
		check_mremap(dev);
	else if (strcmp(check, "private") == 0)
		check_private(dev);
	else if (strcmp(check, "maps") == 0)
		check_maps(dev);
	else
		usage_error(USAGE, "unknown check");
	facts_print();
	return 0;
}
