/*
 * file_mmap.c - Lab 1: a file is memory.  Map it, edit it through a
 * pointer, and watch the edit land in the file (MAP_SHARED) or not
 * (MAP_PRIVATE).
 *
 * What it shows, in order:
 *   1. open(2) the file and fstat(2) it: mmap(2) needs a length, and the
 *      natural length is the file's size (an empty file cannot be mapped
 *      that way: length 0 is EINVAL, see lab 2).
 *   2. mmap(2) the whole file, then close(2) the descriptor AT ONCE.  The
 *      mapping keeps its own reference to the file, so it survives; the
 *      program proves the descriptor is gone (fcntl -> EBADF) and that the
 *      mapping is still listed in /proc/self/maps.
 *   3. Read the file through the pointer: no read(2) at all.
 *   4. Edit it in place: every lowercase ASCII letter becomes uppercase.
 *   5. msync(2) (MS_SYNC) and munmap(2).
 *   6. Re-read the file with plain read(2) and compare it with the bytes
 *      the program had before and after the edit.
 *
 * Run:
 *   printf 'hello, mapped world\n' > /tmp/f
 *   file_mmap /tmp/f            MAP_SHARED: the file now says HELLO...
 *   file_mmap --private /tmp/f  MAP_PRIVATE: the edit stays in this process
 *
 * Observe: the "maps" line ends its permissions with 's' (shared) or 'p'
 * (private); the "result" line says whether read(2) saw the edit.
 *
 * Man pages: mmap(2), munmap(2), msync(2), close(2), fcntl(2), proc(5)
 * (/proc/PID/maps).
 */
#include "shmlabs.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] = "[--private] PATH\n"
			    "  Map PATH (MAP_SHARED, or MAP_PRIVATE with "
			    "--private), uppercase its\n"
			    "  ASCII letters through the pointer, then "
			    "re-read it with read(2).";

/* Print at most 60 bytes of BUF as a C-like string literal, so binary
 * files and newlines stay on one line. */
static void preview(const char *label, const char *buf, size_t len)
{
	size_t shown = len < 60 ? len : 60;

	printf("%s \"", label);
	for (size_t i = 0; i < shown; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	printf("\"%s (%zu bytes)\n", shown < len ? "..." : "", len);
}

/* Print the /proc/self/maps line of the mapping that starts at ADDR.
 * proc(5): "address perms offset dev inode pathname"; the 4th permission
 * character is 's' for a shared mapping and 'p' for a private one. */
static void show_maps_line(const void *addr)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char *line = NULL;
	size_t cap = 0;

	if (!f)
		die("fopen", "/proc/self/maps");
	while (getline(&line, &cap, f) != -1) {
		unsigned long start;

		if (sscanf(line, "%lx-", &start) == 1 &&
		    start == (uintptr_t)addr) {
			printf("maps  : %s", line); /* line ends in '\n' */
			break;
		}
	}
	free(line);
	fclose(f);
}

/* A malloc'ed copy of LEN bytes at SRC. */
static char *copy_of(const char *src, size_t len)
{
	char *p = malloc(len);

	if (p)
		return memcpy(p, src, len);
	fail("out of memory");
}

/* Read the whole file at PATH with read(2) into a new buffer of LEN bytes
 * (the size it had when we mapped it). */
static char *read_file(const char *path, size_t len)
{
	int fd = CHK(open(path, O_RDONLY), "open", path);
	char *buf = malloc(len);
	size_t got = 0;

	if (!buf)
		fail("out of memory");
	while (got < len) {
		ssize_t n = CHK(read(fd, buf + got, len - got), "read", path);

		if (n == 0)
			fail("%s: shrank to %zu bytes while we worked", path,
			     got);
		got += (size_t)n;
	}
	CHK(close(fd), "close", path);
	return buf;
}

int main(int argc, char **argv)
{
	bool private = false;
	int argi = 1;

	lab_init(argc, argv);
	if (argi < argc && strcmp(argv[argi], "--private") == 0) {
		private = true;
		argi++;
	}
	if (argi < argc && argv[argi][0] == '-' && argv[argi][1] != '\0')
		usage_error(usage, "unknown option");
	if (argc - argi != 1)
		usage_error(usage, argi == argc ? "missing PATH"
						: "too many arguments");
	const char *path = argv[argi];

	if (path[0] == '\0') /* open("") would say ENOENT about "" */
		fail("the PATH is an empty string: name a regular file");

	/*
	 * 1. Open.  For MAP_SHARED with PROT_WRITE the descriptor must be
	 * open for reading AND writing: mmap(2) checks the mapping's
	 * protection against the descriptor's access mode (EACCES otherwise,
	 * lab 3).  MAP_PRIVATE needs only O_RDONLY even though we will write
	 * to the memory: private writes go to private copies of the pages,
	 * never to the file.
	 */
	int fd = CHK(open(path, private ? O_RDONLY : O_RDWR), "open", path);
	struct stat st;

	CHK(fstat(fd, &st), "fstat", path);
	if (S_ISDIR(st.st_mode)) /* O_RDONLY opens a directory fine */
		fail("%s: is a directory; mmap(2) needs a regular file", path);
	if (!S_ISREG(st.st_mode))
		fail("%s: not a regular file", path);
	if (st.st_size == 0)
		/* Seed note: "the file must have a real size".  Precisely:
		 * we map st_size bytes, and mmap(2) rejects length 0 with
		 * EINVAL.  Lab 2 shows what happens past the end of a file. */
		fail("%s: empty file: mapping its 0 bytes would fail with "
		     "EINVAL; put some bytes in it first",
		     path);
	size_t len = (size_t)st.st_size;

	/*
	 * 2. Map.  The six arguments, as the seeds list them:
	 *   addr   NULL: let the kernel choose where (a hint otherwise);
	 *   length the whole file;  it need not be a page multiple, the
	 *          kernel rounds the mapping up to whole pages (lab 2);
	 *   prot   what the memory allows: PROT_READ|PROT_WRITE;
	 *   flags  MAP_SHARED: stores go to the file's page cache, so the
	 *          file and every other mapping of it see them.
	 *          MAP_PRIVATE: copy-on-write, stores stay in this process;
	 *   fd     the open file;
	 *   offset 0; any offset must be a multiple of the page size (lab 3).
	 *
	 * Classic mistake: testing the result against NULL.  mmap(2) returns
	 * MAP_FAILED, i.e. (void *)-1, on failure; CHK_MAP checks that.
	 */
	int flags = private ? MAP_PRIVATE : MAP_SHARED;
	char *map =
		CHK_MAP(mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, 0),
			"mmap", path);

	printf("mapped: %s, %zu bytes, %s, PROT_READ|PROT_WRITE, at %p\n", path,
	       len, private ? "MAP_PRIVATE" : "MAP_SHARED", (void *)map);

	/*
	 * Close the descriptor right away.  mmap(2): "After the mmap() call
	 * has returned, the file descriptor, fd, can be closed immediately
	 * without invalidating the mapping" - the mapping holds its own
	 * reference to the open file.  (Seed note: releasing the mapping and
	 * closing the file are unrelated; you may close as soon as mmap()
	 * succeeded.)  To prove the descriptor really is gone we ask
	 * fcntl(2) about it, a failure we WANT, so it is not checked by CHK.
	 */
	CHK(close(fd), "close", path);
	errno = 0;
	int gone = fcntl(fd, F_GETFD);

	printf("close : fd %d closed; fcntl(%d, F_GETFD) -> %s\n", fd, fd,
	       gone == -1 ? errno_name(errno) : "still open?!");
	show_maps_line(map); /* ... but the mapping is still there */

	/* 3. Reading the file is reading memory.  Keep a copy of the
	 * original bytes, to compare with later. */
	char *before = copy_of(map, len);

	preview("before:", map, len);

	/* 4. Edit the file through the pointer. */
	size_t changed = 0;

	/* BEGIN EXERCISE 1.1: Edit the file through the pointer: turn every
	 * lowercase ASCII letter ('a'..'z') of map[0..len) into uppercase, in
	 * place, and count the bytes you change in `changed`.  No read(2) or
	 * write(2): with MAP_SHARED the mapping IS the file's page cache. */
	for (char *c = map; c < map + len; c++) {
		if (*c >= 'a' && *c <= 'z') {
			/* one store into the mapping = one byte written */
			*c = (char)(*c - 'a' + 'A');
			changed++;
		}
	}
	/* END EXERCISE */
	printf("edit  : uppercased %zu letters through the pointer\n", changed);
	preview("mapping now:", map, len);
	char *edited = copy_of(map, len);

	/*
	 * 5. msync(2) with MS_SYNC writes the dirty pages back to the disk and
	 * waits.  On Linux the page cache is unified: read(2) below would see
	 * a MAP_SHARED edit even without msync, because read() and the
	 * mapping use the very same pages.  msync is about durability (the
	 * data survives a crash or power loss) and about portability to
	 * systems without a unified cache.  Seed bug (seeds 001 and 002):
	 * "changes normally reach the disk only at munmap()".  munmap() does
	 * not write anything back - the kernel's writeback does, some time
	 * later (unmapped or not), or msync/fsync now.
	 *
	 * For MAP_PRIVATE there is nothing to write back: msync succeeds and
	 * does nothing.
	 */
	CHK(msync(map, len, MS_SYNC), "msync", path);
	/* munmap(2) like free(): the same address mmap() returned and the
	 * same length.  Touching MAP after this line would raise SIGSEGV
	 * (lab 3 shows it). */
	CHK(munmap(map, len), "munmap", path);
	printf("msync(MS_SYNC) and munmap: done\n");

	/* 6. Read the file the ordinary way and compare. */
	char *after = read_file(path, len);

	preview("read():", after, len);
	if (changed == 0)
		printf("result: nothing to change (no lowercase letters)\n");
	else if (memcmp(after, edited, len) == 0)
		printf("result: the file CHANGED: read(2) sees the edit made "
		       "through the pointer\n");
	else if (memcmp(after, before, len) == 0)
		printf("result: the file is UNCHANGED: %s edits never reach "
		       "the file\n",
		       private ? "MAP_PRIVATE" : "these");
	else
		printf("result: the file changed, but not as we edited it "
		       "(someone else wrote to it?)\n");

	free(before);
	free(edited);
	free(after);
	return 0;
}
