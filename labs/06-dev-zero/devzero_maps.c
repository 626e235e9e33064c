/*
 * devzero_maps.c - lab 6: what /proc/self/maps says about zero-filled
 * memory: /dev/zero mapped shared (twice) and private, and MAP_ANONYMOUS
 * shared and private, each line split into its fields and read.
 *
 *   $ build/06-dev-zero/devzero_maps
 *   /dev/zero: node on dev 00:06 inode 4
 *   == /dev/zero, MAP_SHARED
 *   maps: 7f3c0d1e4000-7f3c0d1e5000 rw-s 00000000 00:01 2075    /dev/zero (deleted)
 *     shared (s), dev 00:01 inode 2075, name "/dev/zero (deleted)"
 *     is it the device node's own inode (dev 00:06 inode 4)? no
 *     so: a new shared-memory object the kernel made for this mapping
 *   == /dev/zero, MAP_PRIVATE
 *   maps: 7f3c0d1e2000-7f3c0d1e3000 rw-p 00000000 00:06 4    /dev/zero
 *     private (p), dev 00:06 inode 4, name "/dev/zero"
 *     is it the device node's own inode (dev 00:06 inode 4)? yes
 *     so: anonymous pages; the mapping holds /dev/zero open, and maps names that file
 *   ...
 *
 * Usage: devzero_maps
 * Man pages: proc(5) (/proc/pid/maps), zero(4), mmap(2), stat(2) (st_dev).
 */
#include "shmlabs.h"

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/*
 * proc(5): one line per mapping, fields separated by blanks:
 *
 *   7f8bedbe2000-7f8bedbe4000 rw-s 00000000 00:01 1032    /dev/zero (deleted)
 *   start-end (hex)           perms offset  dev   inode   pathname
 *
 *   perms  r/w/x, then s (shared) or p (private, copy-on-write)
 *   dev    MAJOR:MINOR in hex of the FILESYSTEM holding the inode
 *          (st_dev), not the number of a device node (st_rdev, 1:5 for
 *          /dev/zero)
 *   inode  decimal; 0 for anonymous memory
 *   name   the file's path (" (deleted)" once it has no name), a pseudo
 *          name like [heap], or nothing
 */
struct maps_fields {
	char perms[5];
	unsigned int major, minor;
	unsigned long inode;
	char name[PATH_MAX];
};

static bool read_maps_line(const char *line, struct maps_fields *f);
static void *map_one(int fd, int flags);
static unsigned long describe(const char *title, const void *addr,
			      const struct stat *node);

int main(int argc, char **argv)
{
	const size_t len = (size_t)sysconf(_SC_PAGESIZE);
	unsigned long first, second;
	void *m[5];
	struct stat node;
	int fd;

	lab_init(argc, argv);
	if (argc != 1)
		usage_error(
			"\n  show and read the maps lines of zero-filled mappings",
			NULL);
	fd = CHK(open("/dev/zero", O_RDWR | O_CLOEXEC), "open", "/dev/zero");
	CHK(fstat(fd, &node), "fstat", "/dev/zero");
	printf("/dev/zero: node on dev %02x:%02x inode %lu\n",
	       major(node.st_dev), minor(node.st_dev),
	       (unsigned long)node.st_ino);

	m[0] = map_one(fd, MAP_SHARED);
	m[1] = map_one(fd, MAP_SHARED);
	m[2] = map_one(fd, MAP_PRIVATE);
	CHK(close(fd), "close", "/dev/zero"); /* the mappings stay */
	m[3] = map_one(-1, MAP_SHARED | MAP_ANONYMOUS);
	m[4] = map_one(-1, MAP_PRIVATE | MAP_ANONYMOUS);

	first = describe("/dev/zero, MAP_SHARED", m[0], &node);
	second = describe("/dev/zero again, MAP_SHARED, the same fd", m[1],
			  &node);
	describe("/dev/zero, MAP_PRIVATE", m[2], &node);
	describe("MAP_SHARED|MAP_ANONYMOUS", m[3], &node);
	describe("MAP_PRIVATE|MAP_ANONYMOUS", m[4], &node);
	printf("inodes of the two MAP_SHARED mappings of /dev/zero: %lu and %lu: %s\n",
	       first, second,
	       first != second ? "different objects" : "the same object");

	for (int i = 0; i < 5; i++)
		CHK(munmap(m[i], len), "munmap", "zero-filled page");
	return 0;
}

/* Split LINE into the fields above; false if it lacks one. */
static bool read_maps_line(const char *line, struct maps_fields *f)
{
	/* BEGIN EXERCISE 6.1: Split LINE, one line of /proc/self/maps, into
	 * the fields of *F: the perms, the dev field MAJOR:MINOR, the inode,
	 * and the pathname (an empty string when there is none).  Return
	 * false when LINE does not have them all.  Hint: proc(5) says which
	 * fields are hex and which decimal; the pathname may contain blanks
	 * ("/dev/zero (deleted)"), so it is all that follows the blanks after
	 * the inode.  sscanf(3) can skip a field without storing it, and can
	 * tell how many characters it has read. */
	int used = -1;

	if (sscanf(line, "%*x-%*x %4s %*x %x:%x %lu %n", f->perms, &f->major,
		   &f->minor, &f->inode, &used) != 4 ||
	    used < 0)
		return false;
	snprintf(f->name, sizeof(f->name), "%s", line + used);
	return true;
	/* STUB
	(void)line;
	(void)f;
	return false;
	*/
	/* END EXERCISE */
}

/* One page, zero-filled, FLAGS as given; FD -1 for MAP_ANONYMOUS. */
static void *map_one(int fd, int flags)
{
	void *p = mmap(NULL, (size_t)sysconf(_SC_PAGESIZE),
		       PROT_READ | PROT_WRITE, flags, fd, 0);

	if (p == MAP_FAILED)
		die("mmap", fd == -1 ? "anonymous" : "/dev/zero");
	return p;
}

/*
 * Print the maps line of ADDR, its fields, and what they say.  NODE is
 * stat() of /dev/zero: does the line name the device node itself?
 * Returns the inode.
 */
static unsigned long describe(const char *title, const void *addr,
			      const struct stat *node)
{
	char line[PATH_MAX + 128];
	struct maps_fields f;
	bool shared, own;

	printf("== %s\n", title);
	if (!maps_find(addr, line, sizeof(line)))
		fail("no line of /proc/self/maps contains %p", addr);
	printf("maps: %s\n", line);
	if (!read_maps_line(line, &f))
		fail("cannot read the fields of this maps line (read_maps_line, exercise 6.1): %s",
		     line);
	shared = f.perms[3] == 's';
	own = f.major == major(node->st_dev) &&
	      f.minor == minor(node->st_dev) && f.inode == node->st_ino;
	printf("  %s, dev %02x:%02x inode %lu, name \"%s\"\n",
	       shared ? "shared (s)" : "private (p)", f.major, f.minor, f.inode,
	       f.name);
	printf("  is it the device node's own inode (dev %02x:%02x inode %lu)? %s\n",
	       major(node->st_dev), minor(node->st_dev),
	       (unsigned long)node->st_ino, own ? "yes" : "no");
	/* The name alone misleads: a private map of /dev/zero is named
	 * after the device, a shared anonymous one after a file nobody
	 * opened.  The s/p flag and the inode tell what the kernel made. */
	if (shared)
		printf("  so: a new shared-memory object the kernel made for this mapping\n");
	else if (own)
		printf("  so: anonymous pages; the mapping holds /dev/zero open, and maps names that file\n");
	else if (f.inode == 0)
		printf("  so: anonymous pages, no file at all\n");
	return f.inode;
}
