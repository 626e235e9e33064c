/*
 * fork_cow.c - Lab 4: copy-on-write.  The parent stores into a MAP_PRIVATE
 * mapping BEFORE fork(): the child starts with that copy (fork copies the
 * address space as it is), not with the file's contents.  After that,
 * neither side sees the other's stores.  Two pipes make the two take
 * turns (each waits for the other's one-byte token), no sleep().
 * Seed bug: "MAP_PRIVATE: each process has its own region" (guide, lab 4).
 *
 *   $ fork_cow
 *   [cow] MAP_PRIVATE; the parent writes BEFORE fork(), then both write
 *     parent: stored "parent, before fork" in its private mapping
 *     child : my mapping says "parent, before fork"
 *     child : stored "child, after fork"
 *     parent, after the child's store:   expected "parent, before fork", observed "parent, before fork"
 *     parent: stored "parent, after fork"
 *     child : after the parent's store, mine still says "child, after fork"
 *     child: saw it, then kept its own:  expected yes, observed yes
 *     the file (pread) says:             expected "original", observed "original"
 *   all observations as expected
 *
 * Man pages: fork(2), mmap(2) (MAP_PRIVATE), pipe(2).
 */
#include "shmlabs.h"
#include "fork_util.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Block until the other side writes its one-byte token.  false when the
 * other side is gone (end of file on the pipe): no hanging forever. */
static bool await(int fd)
{
	char token;

	return CHK(read(fd, &token, 1), "read", "pipe") == 1;
}

/* The child: check what it inherited, store, pass the turn, wait for the
 * parent's store, check its own value again.  Exit 0 when both held. */
static noreturn void child(char *map, int to_parent, int from_parent)
{
	bool saw_parent = strcmp(map, "parent, before fork") == 0;

	printf("  child : my mapping says %s\n", quoted(map));
	strcpy(map, "child, after fork");
	printf("  child : stored %s\n", quoted(map));
	CHK(write(to_parent, "c", 1), "write", "pipe"); /* your turn */
	if (!await(from_parent))
		_exit(1); /* the parent died */
	printf("  child : after the parent's store, mine still says %s\n",
	       quoted(map));
	_exit(saw_parent && strcmp(map, "child, after fork") == 0 ? 0 : 3);
}

int main(int argc, char **argv)
{
	fork_lab_init(
		argc, argv, false,
		"\n  private pages written before fork: copied, then diverge");
	struct tempfile t = tmp_create(false);
	int up[2], down[2]; /* child -> parent, parent -> child */

	printf("[cow] MAP_PRIVATE; the parent writes BEFORE fork(), then both write\n");
	char *map =
		mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, t.fd, 0);

	if (map == MAP_FAILED)
		die("mmap", t.path);
	strcpy(map, "parent, before fork");
	printf("  parent: stored %s in its private mapping\n", quoted(map));
	pipes_open(up, down);
	pid_t pid = CHK(fork(), "fork", NULL);

	pipes_keep(pid == 0, up, down);
	if (pid == 0)
		child(map, up[1], down[0]);
	if (await(up[0])) {
		fact("parent, after the child's store:",
		     quoted("parent, before fork"), quoted(map));
		strcpy(map, "parent, after fork");
		printf("  parent: stored %s\n", quoted(map));
		CHK(write(down[1], "p", 1), "write", "pipe");
	} else {
		printf("  parent: the child ended early\n");
	}
	CHK(close(down[1]), "close", "pipe");
	CHK(close(up[0]), "close", "pipe");
	/* The child's exit status says whether it saw the parent's pre-fork
	 * store and kept its own value to the end. */
	fact("child: saw it, then kept its own:", "yes",
	     reap(pid) ? "yes" : "no");
	fact("the file (pread) says:", quoted(ORIGINAL), file_says(&t));
	CHK(munmap(map, page), "munmap", t.path);
	tmp_remove(&t);
	return facts_verdict();
}
