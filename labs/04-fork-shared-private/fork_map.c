/*
 * fork_map.c - Lab 4: a child writes into a mapping its parent made before
 * fork().  With MAP_SHARED the parent, and the file, see the store; with
 * MAP_PRIVATE they do not: the child's store went to its own copy.
 *
 *          MAP_SHARED                          MAP_PRIVATE
 *   parent --+                           parent --> [page copy P]
 *            +--> [the file's page]      child  --> [page copy C]
 *   child  --+    one page: each side    (one page until either side
 *                 sees every store)       stores to it: copy-on-write)
 *
 *   $ fork_map shared
 *   [shared] the parent maps the file MAP_SHARED, then fork()s; the child writes
 *     parent: before fork the mapping says "original"
 *     child : stored "child was here"; my mapping now says "child was here"
 *     parent, after waitpid, reads:      expected "child was here", observed "child was here"
 *     the file (pread) says:             expected "child was here", observed "child was here"
 *   all observations as expected
 *   $ fork_map private       (the parent and the file still say "original")
 *
 * Man pages: fork(2), mmap(2) (MAP_SHARED, MAP_PRIVATE), waitpid(2).
 */
#include "shmlabs.h"
#include "fork_util.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CHILD_VALUE "child was here"

/* Runs in the child: store CHILD_VALUE at the start of MAP. */
static void child_writes(char *map)
{
	/* BEGIN EXERCISE 4.1: You are the child.  Store the string
	 * CHILD_VALUE, with its terminating NUL, at the start of the mapping
	 * MAP - a plain memory copy, no write(2). */
	memcpy(map, CHILD_VALUE, sizeof(CHILD_VALUE));
	/* STUB
	(void)map;
	fail("exercise 4.1 is not done yet: the child stores nothing");
	*/
	/* END EXERCISE */
}

static void shared_or_private(bool shared)
{
	struct tempfile t = tmp_create(false);
	const char *flag = shared ? "MAP_SHARED" : "MAP_PRIVATE";

	printf("[%s] the parent maps the file %s, then fork()s; the child writes\n",
	       shared ? "shared" : "private", flag);
	char *map = mmap(NULL, page, PROT_READ | PROT_WRITE,
			 shared ? MAP_SHARED : MAP_PRIVATE, t.fd, 0);

	if (map == MAP_FAILED)
		die("mmap", t.path);
	printf("  parent: before fork the mapping says %s\n", quoted(map));
	/* fork(2) replicates the parent's address space, mappings included:
	 * a MAP_SHARED mapping stays shared (both map the same page-cache
	 * pages), a MAP_PRIVATE one is copy-on-write (the same pages until
	 * one side stores into a page, which then gets its own copy). */
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
	const char *want = quoted(shared ? CHILD_VALUE : ORIGINAL);

	fact("parent, after waitpid, reads:", want, quoted(map));
	fact("the file (pread) says:", quoted(shared ? CHILD_VALUE : ORIGINAL),
	     file_says(&t));
	CHK(munmap(map, page), "munmap", t.path);
	tmp_remove(&t);
}

int main(int argc, char **argv)
{
	static const char usage[] =
		"shared|private\n  shared   child writes a MAP_SHARED mapping, parent sees it\n  private  child writes a MAP_PRIVATE mapping, parent does not";

	fork_lab_init(argc, argv, true, usage);
	if (argc != 2)
		usage_error(usage,
			    argc < 2 ? "which mode?" : "too many arguments");
	if (strcmp(argv[1], "shared") != 0 && strcmp(argv[1], "private") != 0)
		usage_error(usage, "unknown mode");
	shared_or_private(strcmp(argv[1], "shared") == 0);
	return facts_verdict();
}
