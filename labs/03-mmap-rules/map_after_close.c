/*
 * map_after_close.c - Lab 3, rule 11: releasing the mapping and closing
 * the file are unrelated.  The mapping holds its own reference to the
 * open file: close(fd) right after mmap() is normal, and stores still
 * reach the file (MAP_SHARED).
 *
 *   $ map_after_close
 *   [11] use the mapping after close(fd)
 *       fd = open(file, O_RDWR)
 *       p = mmap(PROT_READ|PROT_WRITE, MAP_SHARED); close(fd); p[1] = 'W'
 *       file byte 1, read back with pread(): 'W'
 *       expected success (file changed), observed success (file changed): PASS
 *   1 of 1 experiments behaved as expected
 *
 * Man pages: mmap(2), close(2), msync(2).
 */
#include "shmlabs.h"
#include "rules.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *use_after_close(void)
{
	int fd = open_file(O_RDWR, "O_RDWR");
	char *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char c = 0;

	if (p == MAP_FAILED)
		die("mmap", path);
	CHK(close(fd), "close", path);
	printf("    p = mmap(PROT_READ|PROT_WRITE, MAP_SHARED); close(fd); p[1] = 'W'\n");
	int sig = try_write(p + 1, 'W', NULL);

	CHK(msync(p, page, MS_SYNC), "msync", path);
	CHK(munmap(p, page), "munmap", path);

	/* Is it in the file?  Ask with an ordinary read. */
	fd = CHK(open(path, O_RDONLY), "open", path);
	CHK(pread(fd, &c, 1, 1), "pread", path);
	CHK(close(fd), "close", path);
	printf("    file byte 1, read back with pread(): '%c'\n", c);
	if (sig)
		return fault_name(sig, 0);
	return c == 'W' ? "success (file changed)" : "success (file unchanged)";
}

int main(int argc, char **argv)
{
	rules_init(argc, argv, "\n  rule 11: the mapping outlives close(fd)");
	rule(11, "use the mapping after close(fd)");
	verdict("success (file changed)", use_after_close());
	return rules_done();
}
