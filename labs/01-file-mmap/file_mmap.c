/*
 * file_mmap.c - Lab 1: a file is memory.  Map it, edit it through a
 * pointer, and see the edit land in the file (MAP_SHARED) or stay in this
 * process (MAP_PRIVATE).
 *
 *   $ printf 'hello, mapped world\nline two\n' > notes.txt
 *   $ file_mmap notes.txt
 *   mapped: notes.txt, 29 bytes, MAP_SHARED, PROT_READ|PROT_WRITE, at 0x7f...
 *   close : fd 3 closed; fcntl(3, F_GETFD) -> EBADF
 *   maps  : 7f...-7f... rw-s 00000000 fe:00 10956658   /tmp/notes.txt
 *   before: "hello, mapped world\nline two\n" (29 bytes)
 *   edit  : uppercased 23 letters through the pointer
 *   mapping now: "HELLO, MAPPED WORLD\nLINE TWO\n" (29 bytes)
 *   msync(MS_SYNC) and munmap: done
 *   read(): "HELLO, MAPPED WORLD\nLINE TWO\n" (29 bytes)
 *   result: the file CHANGED: read(2) sees the edit made through the pointer
 *   $ file_mmap --private notes.txt     ('rw-p', and the file is UNCHANGED)
 *
 * Man pages: mmap(2), munmap(2), msync(2), close(2), fcntl(2), proc(5).
 */
#include "shmlabs.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] =
	"[--private] PATH\n  Map PATH (MAP_SHARED, or MAP_PRIVATE with --private), uppercase its\n  ASCII letters through the pointer, then re-read it with read(2).";

static const char *parse_args(int argc, char **argv, bool *private);
static size_t regular_file_size(int fd, const char *path);
static void preview(const char *label, const char *buf, size_t len);
static char *copy_of(const char *src, size_t len);
static char *read_file(const char *path, size_t len);

/* Step 4: edit the file through the pointer.  Returns how many bytes
 * changed. */
static size_t uppercase(char *map, size_t len)
{
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
	/* STUB
	(void)map;
	(void)len;
	fprintf(stderr, "file_mmap: exercise 1.1 is not done yet: nothing is edited\n");
	*/
	/* END EXERCISE */
	return changed;
}

int main(int argc, char **argv)
{
	bool private = false;

	lab_init(argc, argv);
	const char *path = parse_args(argc, argv, &private);

	/* Step 1: open and size.  A shared writable mapping writes the file,
	 * so it needs O_RDWR (EACCES otherwise, lab 3); private stores go to
	 * private copies of the pages, so O_RDONLY is enough for them. */
	int fd = CHK(open(path, private ? O_RDONLY : O_RDWR), "open", path);
	size_t len = regular_file_size(fd, path);

	/* Step 2: map.  addr NULL: the kernel picks the address; length: the
	 * whole file (rounded up to whole pages by the kernel, lab 2); prot:
	 * what the memory allows; flags: MAP_SHARED (stores go to the file's
	 * page cache) or MAP_PRIVATE (copy-on-write); offset 0, a multiple
	 * of the page size (lab 3).  Failure is MAP_FAILED, (void *)-1: a
	 * test against NULL misses it, and the first access crashes. */
	int flags = private ? MAP_PRIVATE : MAP_SHARED;
	char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, 0);

	if (map == MAP_FAILED)
		die("mmap", path);
	printf("mapped: %s, %zu bytes, %s, PROT_READ|PROT_WRITE, at %p\n", path,
	       len, private ? "MAP_PRIVATE" : "MAP_SHARED", (void *)map);

	/* Step 3: close the descriptor AT ONCE.  mmap(2): "the file
	 * descriptor, fd, can be closed immediately without invalidating the
	 * mapping": the mapping holds its own reference to the open file.
	 * fcntl() on the closed fd is a failure we WANT, so no CHK. */
	CHK(close(fd), "close", path);
	int gone = fcntl(fd, F_GETFD);

	printf("close : fd %d closed; fcntl(%d, F_GETFD) -> %s\n", fd, fd,
	       gone == -1 ? errno_name(errno) : "still open?!");
	char line[512]; /* ...and the mapping is still listed, 's' or 'p' */

	if (maps_find(map, line, sizeof(line)))
		printf("maps  : %s\n", line);

	/* Step 4: reading the file is reading memory; editing it, storing. */
	char *before = copy_of(map, len);

	preview("before:", map, len);
	size_t changed = uppercase(map, len);

	printf("edit  : uppercased %zu letters through the pointer\n", changed);
	preview("mapping now:", map, len);
	char *edited = copy_of(map, len);

	/* Step 5: msync(MS_SYNC) writes dirty pages to the disk and waits:
	 * durability, and portability to systems without a unified page
	 * cache.  On Linux read(2) would see a MAP_SHARED edit without it:
	 * read() and the mapping use the same pages.  For MAP_PRIVATE there
	 * is nothing to write back.  munmap() like free(): the address mmap()
	 * returned; touching MAP afterwards is SIGSEGV (lab 3).
	 * Seed bug: munmap() writes nothing back (guide, lab 1). */
	CHK(msync(map, len, MS_SYNC), "msync", path);
	CHK(munmap(map, len), "munmap", path);
	printf("msync(MS_SYNC) and munmap: done\n");

	/* Step 6: read the file the ordinary way and compare. */
	char *after = read_file(path, len);

	preview("read():", after, len);
	if (changed == 0)
		printf("result: nothing to change (no lowercase letters)\n");
	else if (memcmp(after, edited, len) == 0)
		printf("result: the file CHANGED: read(2) sees the edit made through the pointer\n");
	else if (memcmp(after, before, len) == 0)
		printf("result: the file is UNCHANGED: %s edits never reach the file\n",
		       private ? "MAP_PRIVATE" : "these");
	else
		printf("result: the file changed, but not as we edited it (someone else wrote to it?)\n");
	free(before);
	free(edited);
	free(after);
	return 0;
}

/* ---- scaffolding ------------------------------------------------------ */

static const char *parse_args(int argc, char **argv, bool *private)
{
	int i = 1;

	if (i < argc && strcmp(argv[i], "--private") == 0) {
		*private = true;
		i++;
	}
	if (i < argc && argv[i][0] == '-' && argv[i][1] != '\0')
		usage_error(usage, "unknown option");
	if (argc - i != 1)
		usage_error(usage,
			    i == argc ? "missing PATH" : "too many arguments");
	if (argv[i][0] == '\0') /* open("") would say ENOENT about "" */
		fail("the PATH is an empty string: name a regular file");
	return argv[i];
}

/* st_size of the regular, non-empty file FD.  An empty file would give
 * length 0, which mmap(2) rejects with EINVAL (lab 2 goes further). */
static size_t regular_file_size(int fd, const char *path)
{
	struct stat st;

	CHK(fstat(fd, &st), "fstat", path);
	if (S_ISDIR(st.st_mode)) /* O_RDONLY opens a directory fine */
		fail("%s: is a directory; mmap(2) needs a regular file", path);
	if (!S_ISREG(st.st_mode))
		fail("%s: not a regular file", path);
	if (st.st_size == 0)
		fail("%s: empty file: mapping its 0 bytes would fail with EINVAL; put some bytes in it first",
		     path);
	return (size_t)st.st_size;
}

/* At most 60 bytes of BUF as a C-like string literal, on one line. */
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

static char *copy_of(const char *src, size_t len)
{
	char *p = malloc(len);

	if (!p)
		fail("out of memory");
	return memcpy(p, src, len);
}

/* The first LEN bytes of PATH, read with read(2). */
static char *read_file(const char *path, size_t len)
{
	int fd = CHK(open(path, O_RDONLY), "open", path);
	char *buf = malloc(len);

	if (!buf)
		fail("out of memory");
	for (size_t got = 0; got < len;) {
		ssize_t n = CHK(read(fd, buf + got, len - got), "read", path);

		if (n == 0)
			fail("%s: shrank to %zu bytes while we worked", path,
			     got);
		got += (size_t)n;
	}
	CHK(close(fd), "close", path);
	return buf;
}
