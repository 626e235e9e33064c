/*
 * fork_map.c - Lab 4: what a child shares with its parent after fork():
 * MAP_SHARED mappings, and the open file itself (with its offset); but not
 * MAP_PRIVATE mappings, which become copy-on-write.
 *
 *          MAP_SHARED                          MAP_PRIVATE
 *   parent --+                           parent --> [page copy P]
 *            +--> [the file's page]      child  --> [page copy C]
 *   child  --+    one page: each side    (one page until either side
 *                 sees every store)       stores to it: copy-on-write)
 *
 * Seed 000 sums it up: parent and child share (1) their open files and
 * (2) mmap regions - but only MAP_SHARED ones.  This lab checks both
 * halves, and adds what the seed leaves out: a private region is not
 * empty in the child, it starts as a copy of the parent's.
 *
 * Modes (each one a separate experiment with its own temporary file):
 *   shared   the parent maps the file MAP_SHARED and forks; the child
 *            writes; the parent waits (waitpid) and reads: it sees the
 *            child's value, and so does the file.
 *   private  the same with MAP_PRIVATE: the child's store stays in the
 *            child; the parent and the file still hold the original.
 *   cow      MAP_PRIVATE written by the parent BEFORE fork(): the child
 *            sees that value (fork copies the address space), then each
 *            side's stores are invisible to the other.  The two processes
 *            take turns through two pipes, no sleep().
 *   offset   the parent opens the file and forks; the child write()s
 *            through the inherited descriptor; the parent's lseek() shows
 *            that the child moved the offset they share.  A fresh open()
 *            of the same file gets an offset of its own.
 *   all      all four.
 *
 * Run:   fork_map shared    fork_map private    fork_map cow    fork_map all
 * Observe the "expected X, observed Y" lines; exit status 0 = all matched.
 *
 * Man pages: fork(2) (what the child inherits), mmap(2), waitpid(2),
 * lseek(2), open(2) (open file descriptions), pipe(2).
 */
#include "shmlabs.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"shared|private|cow|offset|all\n"
	"  shared   child writes a MAP_SHARED mapping, parent sees it\n"
	"  private  child writes a MAP_PRIVATE mapping, parent does not\n"
	"  cow      private pages written before fork: copied, then diverge\n"
	"  offset   parent and child share the open file and its offset";

#define ORIGINAL "original"
#define CHILD_VALUE "child was here"

static size_t page;

/* ---- reporting ------------------------------------------------------- */

static bool all_ok = true;

static void fact(const char *what, const char *expected, const char *observed)
{
	bool ok = strcmp(expected, observed) == 0;

	printf("  %-34s expected %s, observed %s%s\n", what, expected, observed,
	       ok ? "" : "   <-- UNEXPECTED");
	if (!ok)
		all_ok = false;
}

/* The NUL-terminated string at the start of BUF (at most 40 bytes), in
 * quotes, in one of two static buffers: enough for one fact() call. */
static const char *quoted(const char *buf)
{
	static char out[2][48];
	static int which;

	which ^= 1;
	snprintf(out[which], sizeof(out[which]), "\"%.40s\"", buf);
	return out[which];
}

/* ---- the temporary file ---------------------------------------------- */

struct tempfile {
	char *path;
	int fd;	    /* open O_RDWR */
	int handle; /* in the cleanup registry */
};

/* A one-page file in $TMPDIR starting with "original" (the rest zeros),
 * or an empty one with EMPTY. */
static struct tempfile tmp_create(bool empty)
{
	const char *dir = getenv("TMPDIR");
	struct tempfile t;

	if (!dir || !*dir)
		dir = "/tmp";
	if (asprintf(&t.path, "%s/fork_map-XXXXXX", dir) < 0)
		fail("out of memory");
	t.fd = CHK(mkstemp(t.path), "mkstemp", dir);
	/* Registered by the parent only: the registry ignores it in the
	 * child, so a child's exit can never delete the parent's file. */
	t.handle = cleanup_add(CL_PATH, t.path, 0);
	if (!empty) {
		CHK(ftruncate(t.fd, (off_t)page), "ftruncate", t.path);
		CHK(pwrite(t.fd, ORIGINAL, sizeof(ORIGINAL), 0), "pwrite",
		    t.path);
	}
	return t;
}

static void tmp_remove(struct tempfile *t)
{
	CHK(close(t->fd), "close", t->path);
	CHK(unlink(t->path), "unlink", t->path);
	cleanup_done(t->handle);
	free(t->path);
}

/* What the file itself says, read with pread(2): no mapping involved. */
static const char *file_says(struct tempfile *t)
{
	static char buf[48];

	memset(buf, 0, sizeof(buf));
	CHK(pread(t->fd, buf, sizeof(buf) - 1, 0), "pread", t->path);
	return quoted(buf);
}

/* waitpid() for PID; true when it exited with status 0. */
static bool reap(pid_t pid)
{
	int status;

	CHK(waitpid(pid, &status, 0), "waitpid", "child");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	printf("  parent: the child failed (status 0x%x)\n", status);
	all_ok = false;
	return false;
}

/* ---- shared and private ---------------------------------------------- */

/* Runs in the child: store CHILD_VALUE at the start of MAP. */
static void child_writes(char *map)
{
	/* BEGIN EXERCISE 4.1: You are the child.  Store the string
	 * CHILD_VALUE, with its terminating NUL, at the start of the mapping
	 * MAP - a plain memory copy, no write(2). */
	memcpy(map, CHILD_VALUE, sizeof(CHILD_VALUE));
	/* STUB
	(void)map;
	*/
	/* END EXERCISE */
}

static void shared_or_private(bool shared)
{
	struct tempfile t = tmp_create(false);
	const char *flag = shared ? "MAP_SHARED" : "MAP_PRIVATE";

	printf("[%s] the parent maps the file %s, then fork()s; the child "
	       "writes\n",
	       shared ? "shared" : "private", flag);
	char *map = CHK_MAP(mmap(NULL, page, PROT_READ | PROT_WRITE,
				 shared ? MAP_SHARED : MAP_PRIVATE, t.fd, 0),
			    "mmap", t.path);

	printf("  parent: before fork the mapping says %s\n", quoted(map));
	/* fork(2) replicates the parent's whole address space in the
	 * child, mappings included: a MAP_SHARED mapping stays shared (both
	 * processes map the same page-cache pages), a MAP_PRIVATE one is
	 * copy-on-write (both see the same pages until one of them stores
	 * into a page, which then gets its own copy).  See mmap(2). */
	pid_t pid = CHK(fork(), "fork", NULL);

	if (pid == 0) {
		child_writes(map);
		printf("  child : stored %s; my mapping now says %s\n",
		       quoted(CHILD_VALUE), quoted(map));
		_exit(0); /* _exit: do not run the parent's atexit cleanup */
	}
	/* Without waitpid() the parent could read before the child wrote:
	 * the wait is what orders the two (and it reaps the child). */
	reap(pid);
	fact("parent, after waitpid, reads:",
	     quoted(shared ? CHILD_VALUE : ORIGINAL), quoted(map));
	fact("the file (pread) says:", quoted(shared ? CHILD_VALUE : ORIGINAL),
	     file_says(&t));
	CHK(munmap(map, page), "munmap", t.path);
	tmp_remove(&t);
}

/* ---- copy-on-write ------------------------------------------------------ */

/* Block until the other side writes its one-byte token.  false when the
 * other side is gone (end of file on the pipe): no hanging forever. */
static bool await(int fd)
{
	char token;

	return CHK(read(fd, &token, 1), "read", "pipe") == 1;
}

static void cow(void)
{
	struct tempfile t = tmp_create(false);
	int up[2], down[2]; /* child -> parent, parent -> child */

	printf("[cow] MAP_PRIVATE; the parent writes BEFORE fork(), then both "
	       "write\n");
	char *map = CHK_MAP(
		mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, t.fd, 0),
		"mmap", t.path);

	strcpy(map, "parent, before fork");
	printf("  parent: stored %s in its private mapping\n", quoted(map));
	CHK(pipe(up), "pipe", "child to parent");
	CHK(pipe(down), "pipe", "parent to child");

	pid_t pid = CHK(fork(), "fork", NULL);

	if (pid == 0) {
		CHK(close(up[0]), "close", "pipe");
		CHK(close(down[1]), "close", "pipe");
		/* The child starts with a copy of the parent's memory AS IT
		 * IS AT fork(): the private page with the parent's store in
		 * it, not the file's "original". */
		bool saw_parent = strcmp(map, "parent, before fork") == 0;

		printf("  child : my mapping says %s\n", quoted(map));
		strcpy(map, "child, after fork");
		printf("  child : stored %s\n", quoted(map));
		CHK(write(up[1], "c", 1), "write", "pipe"); /* your turn */
		if (!await(down[0]))
			_exit(1); /* the parent died */
		printf("  child : after the parent's store, mine still says "
		       "%s\n",
		       quoted(map));
		_exit(saw_parent && strcmp(map, "child, after fork") == 0 ? 0
									  : 3);
	}
	CHK(close(up[1]), "close", "pipe");
	CHK(close(down[0]), "close", "pipe");

	if (await(up[0])) {
		fact("parent, after the child's store:",
		     quoted("parent, before fork"), quoted(map));
		strcpy(map, "parent, after fork");
		printf("  parent: stored %s\n", quoted(map));
		CHK(write(down[1], "p", 1), "write", "pipe");
	} else {
		printf("  parent: the child ended early\n");
		all_ok = false;
	}
	CHK(close(down[1]), "close", "pipe");
	CHK(close(up[0]), "close", "pipe");
	/* The child's exit status says whether it saw the parent's
	 * pre-fork store and kept its own value to the end. */
	fact("child: saw it, then kept its own:", "yes",
	     reap(pid) ? "yes" : "no");
	fact("the file (pread) says:", quoted(ORIGINAL), file_says(&t));
	CHK(munmap(map, page), "munmap", t.path);
	tmp_remove(&t);
}

/* ---- the shared open file and its offset ------------------------------- */

static void offset(void)
{
	struct tempfile t = tmp_create(true); /* empty */
	char obs[32];

	printf("[offset] parent and child write through the same inherited "
	       "descriptor\n");
	off_t before = CHK(lseek(t.fd, 0, SEEK_CUR), "lseek", t.path);

	printf("  parent: offset before fork: %lld\n", (long long)before);
	pid_t pid = CHK(fork(), "fork", NULL);

	if (pid == 0) {
		/* fork(2): "Each file descriptor in the child refers to
		 * the same open file description (see open(2)) as the
		 * corresponding file descriptor in the parent" - and the
		 * offset lives in the open file description, so it is shared
		 * too. */
		CHK(write(t.fd, "child\n", 6), "write", t.path);
		printf("  child : write(fd, \"child\\n\") -> offset %lld\n",
		       (long long)CHK(lseek(t.fd, 0, SEEK_CUR), "lseek",
				      t.path));
		/* A second open() makes a NEW open file description, with
		 * its own offset (the same happens in unrelated processes).
		 * dup() and fork() copy descriptors; open() does not. */
		int fd2 = CHK(open(t.path, O_RDONLY), "open", t.path);

		printf("  child : a fresh open() of the same file: offset "
		       "%lld\n",
		       (long long)CHK(lseek(fd2, 0, SEEK_CUR), "lseek",
				      t.path));
		CHK(close(fd2), "close", t.path);
		_exit(0);
	}
	reap(pid);
	off_t after = CHK(lseek(t.fd, 0, SEEK_CUR), "lseek", t.path);

	snprintf(obs, sizeof(obs), "%lld", (long long)after);
	fact("parent's offset after waitpid:", "6", obs);

	/* So the parent's next write() lands after the child's line instead
	 * of overwriting it. */
	CHK(write(t.fd, "parent\n", 7), "write", t.path);
	char buf[32] = { 0 };

	CHK(pread(t.fd, buf, sizeof(buf) - 1, 0), "pread", t.path);
	fact("file after the parent's write():", "\"child\\nparent\\n\"",
	     strcmp(buf, "child\nparent\n") == 0 ? "\"child\\nparent\\n\""
						 : "something else");
	tmp_remove(&t);
}

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	if (argc != 2)
		usage_error(usage,
			    argc < 2 ? "which mode?" : "too many arguments");
	const char *mode = argv[1];
	bool all = strcmp(mode, "all") == 0;

	if (!all && strcmp(mode, "shared") != 0 &&
	    strcmp(mode, "private") != 0 && strcmp(mode, "cow") != 0 &&
	    strcmp(mode, "offset") != 0)
		usage_error(usage,
			    mode[0] == '-' ? "unknown option" : "unknown mode");
	page = (size_t)CHK(sysconf(_SC_PAGESIZE), "sysconf", "_SC_PAGESIZE");

	if (all || strcmp(mode, "shared") == 0)
		shared_or_private(true);
	if (all || strcmp(mode, "private") == 0)
		shared_or_private(false);
	if (all || strcmp(mode, "cow") == 0)
		cow();
	if (all || strcmp(mode, "offset") == 0)
		offset();
	printf("%s\n", all_ok ? "all observations as expected"
			      : "SOME OBSERVATIONS DIFFERED");
	return all_ok ? 0 : 1;
}
