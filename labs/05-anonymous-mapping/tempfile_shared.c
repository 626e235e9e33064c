/*
 * tempfile_shared.c - lab 5: shared memory for parent and child the old
 * way, before MAP_ANONYMOUS: a temporary file nobody else can see.
 *
 *   $ build/05-anonymous-mapping/tempfile_shared
 *   mkstemp: created /tmp/anon-old-way.0xki3F (a new file: 0 bytes)
 *   unlink: the name is gone (stat: ENOENT); the open fd keeps the file alive
 *   ftruncate: the file is now 4096 bytes
 *   mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) = 0x7f6f38ecb000
 *   close: only the mapping refers to the nameless file now
 *   zero-filled: 4096 of 4096 bytes are 0
 *   ... then the same experiment as anon_shared, with the same result.
 *
 * Usage: tempfile_shared [-s SIZE]   (the file goes in $TMPDIR, or /tmp)
 *
 * Man pages: mkstemp(3), unlink(2), ftruncate(2), mmap(2), close(2).
 */
#include "shmlabs.h"

#include "exchange.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_text[] =
	"[-s SIZE]\n"
	"  share SIZE bytes (64..64M, K/M suffix, default 4096) through an unlinked temporary file in $TMPDIR";

static int create_tempfile(const char **path, int *h);
static void show_name_and_size(int fd, const char *path, size_t len);

int main(int argc, char **argv)
{
	const char *path;
	size_t len;
	void *p;
	int fd, h;

	lab_init(argc, argv);
	len = region_size(argc, argv, usage_text);

	/* 1. A new file with a unique name (mkstemp). */
	fd = create_tempfile(&path, &h);

	/* 2. and 3. Nameless, and LEN bytes long.
	 * Seed bug: the seed's recipe has no ftruncate (guide, lab 5). */
	/* BEGIN EXERCISE 5.2: Make the temporary file nameless and big enough
	 * to map.  Remove its name now: the open fd keeps the file alive,
	 * and nothing is left behind even if the program crashes (then tell
	 * the cleanup registry, cleanup_done(h): there is no name left to
	 * remove).  Then give it LEN bytes: a new file has 0.  Hint:
	 * unlink(2), ftruncate(2); lab 2 shows what a store past the end of
	 * a mapped file does. */
	CHK(unlink(path), "unlink", path);
	cleanup_done(h);
	CHK(ftruncate(fd, (off_t)len), "ftruncate", path);
	/* STUB
	(void)h;
	*/
	/* END EXERCISE */
	show_name_and_size(fd, path, len);

	/* 4. Map it MAP_SHARED, then close the fd: the mapping holds its own
	 *    reference to the file (lab 1). */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap", path);
	printf("mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0) = %p\n",
	       len, p);
	CHK(close(fd), "close", path);
	printf("close: only the mapping refers to the nameless file now\n");

	experiment(p, len, true, "temporary file");
	return 0;
}

/*
 * mkstemp(3) creates a NEW file (O_EXCL, mode 0600) with a unique name.
 * Classic mistake: open("/tmp/temp", O_CREAT|O_RDWR), a fixed name: two
 * runs at once share (and corrupt) one file, and another user can plant a
 * symlink there.  $TMPDIR is the convention for temporary files.
 */
static int create_tempfile(const char **path_out, int *h)
{
	static char path[PATH_MAX]; /* the cleanup registry keeps a pointer */
	const char *dir = getenv("TMPDIR");
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	if (snprintf(path, sizeof(path), "%s/anon-old-way.XXXXXX", dir) >=
	    (int)sizeof(path))
		fail("TMPDIR is too long: %s", dir);
	fd = CHK(mkstemp(path), "mkstemp", path);
	*h = cleanup_add(CL_PATH, path, 0); /* a Ctrl-C now removes it */
	printf("mkstemp: created %s (a new file: 0 bytes)\n", path);
	*path_out = path;
	return fd;
}

/* Check steps 2 and 3 before mapping: refuse rather than crash later. */
static void show_name_and_size(int fd, const char *path, size_t len)
{
	struct stat st;

	if (stat(path, &st) == 0)
		printf("unlink: NOT done: %s still has a name\n", path);
	else if (errno == ENOENT)
		printf("unlink: the name is gone (stat: ENOENT); the open fd keeps the file alive\n");
	else
		die("stat", path);
	CHK(fstat(fd, &st), "fstat", path);
	printf("ftruncate: the file is now %lld bytes\n",
	       (long long)st.st_size);
	if ((size_t)st.st_size < len)
		fail("%s is %lld bytes but %zu would be mapped: touching the part past the end would raise SIGBUS (lab 2)",
		     path, (long long)st.st_size, len);
}
