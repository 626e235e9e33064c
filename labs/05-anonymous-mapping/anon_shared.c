/*
 * anon_shared.c - lab 5: memory a parent shares with its child, no file
 * needed: mmap(2) with MAP_SHARED|MAP_ANONYMOUS, then fork(2).
 *
 *   $ build/05-anonymous-mapping/anon_shared
 *   mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0) = 0x7f686646b000
 *   zero-filled: 4096 of 4096 bytes are 0
 *   parent: counter = 41 before fork()
 *   child:  counter = 41 (inherited through fork)
 *   child:  wrote counter = 42, note = "written by the child", last byte = 'Z'
 *   parent: after waitpid(): counter = 42, note = "written by the child", last byte = 'Z'
 *   result: shared: the parent sees every write of the child
 *
 * Usage: anon_shared [-s SIZE]   (64 bytes .. 64M, K/M suffix, default 4096)
 * Compare anon_private (MAP_PRIVATE) and tempfile_shared (the old way).
 *
 * Man pages: mmap(2) (MAP_ANONYMOUS, MAP_SHARED), fork(2), waitpid(2).
 */
#include "shmlabs.h"

#include "exchange.h"

#include <stdio.h>
#include <sys/mman.h>

static const char usage_text[] =
	"[-s SIZE]\n"
	"  map SIZE bytes MAP_SHARED|MAP_ANONYMOUS (64..64M, K/M suffix, default 4096), then fork";

static void *map_shared_anon(size_t len);

int main(int argc, char **argv)
{
	unsigned char *p;
	size_t len;

	lab_init(argc, argv);
	len = region_size(argc, argv, usage_text);

	p = map_shared_anon(len);
	printf("mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_ANONYMOUS, -1, 0) = %p\n",
	       len, (void *)p);
	experiment(p, len, true, "MAP_SHARED|MAP_ANONYMOUS");
	return 0;
}

/*
 * MAP_ANONYMOUS: no file.  Linux ignores the fd, but other systems want
 * -1 there, and the offset must be 0.  With MAP_SHARED the kernel makes a
 * nameless shared-memory object for this mapping (lab 6 shows it in
 * /proc/self/maps); fork(2) gives the child the same pages.  Nobody else
 * can ever reach them: no name.  So map BEFORE fork.
 */
static void *map_shared_anon(size_t len)
{
	void *p;

	/* BEGIN EXERCISE 5.1: Map LEN bytes, readable and writable, that a
	 * child forked later shares with this process, with no file behind
	 * them.  mmap(2) reports failure with MAP_FAILED, not NULL: test for
	 * it and die("mmap", ...).  Hint: mmap(2), the flags MAP_SHARED and
	 * MAP_ANONYMOUS, and what it says about fd and offset for them. */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		die("mmap", "MAP_SHARED|MAP_ANONYMOUS");
	/* STUB
	(void)len;
	p = NULL;
	fail("exercise 5.1 is not done yet: no shared anonymous mapping");
	*/
	/* END EXERCISE */
	return p;
}
