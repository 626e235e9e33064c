/*
 * memdev_facts.c - the scaffolding of lab 17's check programs
 * (memdev_check, memdev_maprules, memdev_faults): see memdev_facts.h.
 * Nothing here is the lesson; each program's own file is.
 */
#include "shmlabs.h"
#include "memdev_facts.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

size_t pg;
static char seen[2048]; /* what the check saw */

void facts_init(void)
{
	pg = (size_t)sysconf(_SC_PAGESIZE);
}

void note(const char *fmt, ...)
{
	size_t used = strlen(seen);
	va_list ap;

	if (used && used < sizeof(seen) - 2) {
		strcat(seen, "; ");
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(seen + used, sizeof(seen) - used, fmt, ap);
	va_end(ap);
}

void facts_print(void)
{
	printf("%s\n", seen);
}

int open_dev(const char *dev, int flags)
{
	return CHK(open(dev, flags), "open", dev);
}

size_t dev_size(int fd, const char *dev)
{
	off_t end = CHK(lseek(fd, 0, SEEK_END), "lseek", dev);

	CHK(lseek(fd, 0, SEEK_SET), "lseek", dev);
	if (end <= 0 || end % (off_t)pg != 0)
		fail("%s: size %lld is not a whole number of pages", dev,
		     (long long)end);
	return (size_t)end;
}

static dev_t dev_number(int fd, const char *dev)
{
	struct stat st;

	CHK(fstat(fd, &st), "fstat", dev);
	if (!S_ISCHR(st.st_mode))
		fail("%s: not a character device", dev);
	return st.st_rdev;
}

unsigned dev_minor(int fd, const char *dev)
{
	return minor(dev_number(fd, dev));
}

long dev_faults(int fd, const char *dev)
{
	dev_t d = dev_number(fd, dev);
	char path[64], buf[32] = "";
	int sfd;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/faults", major(d),
		 minor(d));
	sfd = CHK(open(path, O_RDONLY), "open", path);
	n = CHK(read(sfd, buf, sizeof(buf) - 1), "read", path);
	CHK(close(sfd), "close", path);
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

char *map_dev(int fd, const char *dev, size_t len, off_t off, int prot)
{
	return CHK_MAP(mmap(NULL, len, prot, MAP_SHARED, fd, off), "mmap", dev);
}

void expect_map_error(int fd, const char *dev, size_t len, off_t off, int prot,
		      int flags, int want, const char *what)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p != MAP_FAILED) {
		munmap(p, len);
		fail("%s: mmap(%s) succeeded (length %zu, offset %lld): expected %s",
		     dev, what, len, (long long)off, errno_name(want));
	}
	if (errno != want)
		fail("%s: mmap(%s): expected %s, got %s", dev, what,
		     errno_name(want), errno_name(errno));
	note("%s: %s", what, errno_name(errno));
}

int in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = CHK(fork(), "fork", NULL);

	if (pid == 0)
		_exit(fn(arg));
	CHK(waitpid(pid, &status, 0), "waitpid", NULL);
	return status;
}
