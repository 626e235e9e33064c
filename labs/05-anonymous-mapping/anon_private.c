/*
 * anon_private.c - lab 5: the same experiment as anon_shared, with
 * MAP_PRIVATE|MAP_ANONYMOUS: the child inherits a copy, nothing comes back.
 *
 *   $ build/05-anonymous-mapping/anon_private
 *   mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f4ef3b58000
 *   zero-filled: 4096 of 4096 bytes are 0
 *   parent: counter = 41 before fork()
 *   child:  counter = 41 (inherited through fork)
 *   child:  wrote counter = 42, note = "written by the child", last byte = 'Z'
 *   parent: after waitpid(): counter = 41, note = "", last byte = 0x00
 *   result: not shared: the child's writes went to its own copy-on-write pages
 *
 * Usage: anon_private [-s SIZE]   (64 bytes .. 64M, K/M suffix, default 4096)
 *
 * Man pages: mmap(2) (MAP_PRIVATE, MAP_ANONYMOUS), fork(2).
 */
#include "shmlabs.h"

#include "exchange.h"

#include <stdio.h>
#include <sys/mman.h>

static const char usage_text[] =
	"[-s SIZE]\n"
	"  map SIZE bytes MAP_PRIVATE|MAP_ANONYMOUS (64..64M, K/M suffix, default 4096), then fork";

int main(int argc, char **argv)
{
	size_t len;
	void *p;

	lab_init(argc, argv);
	len = region_size(argc, argv, usage_text);

	/*
	 * Private anonymous memory: what malloc(3) gets for big blocks.
	 * mmap(2) reports failure with MAP_FAILED ((void *)-1), never NULL:
	 * `if (!p)` would miss every failure.  fork(2) copies the mapping
	 * into the child copy-on-write: the first store in either process
	 * gives that process its own copy of the page.  Classic mistake:
	 * expecting MAP_PRIVATE to carry data between parent and child; it
	 * carries what was there at fork() time, one way.
	 */
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		die("mmap", "MAP_PRIVATE|MAP_ANONYMOUS");
	printf("mmap(NULL, %zu, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = %p\n",
	       len, p);
	experiment(p, len, false, "MAP_PRIVATE|MAP_ANONYMOUS");
	return 0;
}
