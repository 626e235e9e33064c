/*
 * eof_store.c - Lab 2: is a store past the end of a file really lost?  It
 * depends on the filesystem.  In each DIR: a 100-byte file, a one-page
 * MAP_SHARED mapping, a store of 'X' at byte 200 (past EOF, but in the
 * last page, so no SIGBUS), then ftruncate(2) grows the file to one page
 * and pread(2) reads byte 200 back: once after msync(2), once without.
 *
 *   $ eof_store                  (default: /dev/shm and this program's folder)
 *   [/dev/shm] tmpfs (f_type 0x01021994)
 *     msync, then grow: pread(byte 200) = 'X': the store past EOF survived
 *     no msync, grow:   pread(byte 200) = 'X': the store past EOF survived
 *   [/home/me/shm-labs/build/02-bus-error] ext2/ext3/ext4 (f_type 0x0000ef53)
 *     msync, then grow: pread(byte 200) = 0: zeroed
 *     no msync, grow:   pread(byte 200) = 0: zeroed
 *
 * Why: mmap(2) promises only that the tail of the last page reads as zero
 * when mapped and that stores there are not written to the file.  A disk
 * filesystem writes whole blocks, so it zeroes that tail whenever it
 * writes the page back (and some kernels when the file grows, too);
 * tmpfs has no disk and no writeback: the page IS the file, and the byte
 * stays until the file grows over it.  Never store past EOF: grow first.
 *
 * Man pages: mmap(2), ftruncate(2), msync(2), statfs(2), tmpfs(5).
 */
#include "shmlabs.h"
#include "catch_sigbus.h"

#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

static const char *fs_name(long type);
static int temp_in(const char *dir);

/* One trial in DIR: store past EOF, [msync,] grow, re-read byte 200. */
static void store_grow_reread(const char *dir, bool sync)
{
	int fd = temp_in(dir);
	char c = 1, data[100];

	memset(data, '#', sizeof(data));
	write_all(fd, data, sizeof(data), dir);
	char *map = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (map == MAP_FAILED)
		die("mmap", dir);
	map[200] = 'X'; /* past EOF (100), inside the last page: no SIGBUS */
	if (sync)
		CHK(msync(map, page, MS_SYNC), "msync", dir);
	CHK(ftruncate(fd, (off_t)page), "ftruncate", dir);
	CHK(pread(fd, &c, 1, 200), "pread", dir);
	printf("  %-17s pread(byte 200) = %s\n",
	       sync ? "msync, then grow:" : "no msync, grow:",
	       c == 'X' ? "'X': the store past EOF survived"
	       : c == 0 ? "0: zeroed"
			: "another byte");
	CHK(munmap(map, page), "munmap", dir);
	CHK(close(fd), "close", dir);
}

int main(int argc, char **argv)
{
	buslab_init(argc, argv, NULL);
	if (argc > 1 && argv[1][0] == '-')
		usage_error(
			"[DIR...]\n  default: /dev/shm and the folder of this program",
			"unknown option");
	/* The build folder: where this program is, whatever the cwd is. */
	char *self = realpath("/proc/self/exe", NULL);

	if (!self)
		die("realpath", "/proc/self/exe");
	*strrchr(self, '/') = '\0';
	const char *defaults[] = { "/dev/shm", self };
	const char **dirs = argc > 1 ? (const char **)argv + 1 : defaults;
	int n = argc > 1 ? argc - 1 : 2;

	for (int i = 0; i < n; i++) {
		struct statfs sf;

		CHK(statfs(dirs[i], &sf), "statfs", dirs[i]);
		printf("[%s] %s (f_type 0x%08lx)\n", dirs[i],
		       fs_name((long)sf.f_type), (unsigned long)sf.f_type);
		store_grow_reread(dirs[i], true);
		store_grow_reread(dirs[i], false);
	}
	free(self);
	return 0;
}

/* statfs(2) lists the magic numbers; <linux/magic.h> names most. */
static const char *fs_name(long type)
{
	switch (type) {
	case TMPFS_MAGIC:
		return "tmpfs";
	case EXT4_SUPER_MAGIC: /* the same number for ext2 and ext3 */
		return "ext2/ext3/ext4";
	case XFS_SUPER_MAGIC:
		return "xfs";
	case BTRFS_SUPER_MAGIC:
		return "btrfs";
	case OVERLAYFS_SUPER_MAGIC:
		return "overlayfs";
	case NFS_SUPER_MAGIC:
		return "nfs";
	case V9FS_MAGIC:
		return "9p";
	case RAMFS_MAGIC:
		return "ramfs";
	case F2FS_SUPER_MAGIC:
		return "f2fs";
	case 0x65735546:
		return "fuse";
	case 0x2fc12fc1:
		return "zfs";
	default:
		return "a filesystem this program has no name for";
	}
}

/* A new, already unlinked file in DIR, named after $SHMLABS_PREFIX so that
 * `make clean-ipc` would find it in /dev/shm. */
static int temp_in(const char *dir)
{
	char *path;

	if (asprintf(&path, "%s%s-XXXXXX", dir, ipc_name(lab_prog)) < 0)
		fail("out of memory");
	int fd = CHK(mkstemp(path), "mkstemp", dir);

	CHK(unlink(path), "unlink", path);
	free(path);
	return fd;
}
