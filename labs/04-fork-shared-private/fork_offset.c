/*
 * fork_offset.c - Lab 4: parent and child share the open file itself, and
 * with it the file offset.  The child write()s through the descriptor it
 * inherited; the parent's lseek() shows that the child moved the offset
 * they share, so the parent's next write() lands after the child's line.
 * A fresh open() of the same file gets an offset of its own.
 *
 *   $ fork_offset
 *   [offset] parent and child write through the same inherited descriptor
 *     parent: offset before fork: 0
 *     child : write(fd, "child\n") -> offset 6
 *     child : a fresh open() of the same file: offset 0
 *     parent's offset after waitpid:     expected 6, observed 6
 *     file after the parent's write():   expected "child\nparent\n", observed "child\nparent\n"
 *   all observations as expected
 *
 * Man pages: fork(2) (what the child inherits), open(2) (open file
 * descriptions), lseek(2), dup(2).
 */
#include "shmlabs.h"
#include "fork_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static noreturn void child(struct tempfile *t)
{
	/* fork(2): "Each file descriptor in the child refers to the same
	 * open file description (see open(2)) as the corresponding file
	 * descriptor in the parent" - and the offset lives in the open
	 * file description, so it is shared too. */
	CHK(write(t->fd, "child\n", 6), "write", t->path);
	printf("  child : write(fd, \"child\\n\") -> offset %lld\n",
	       (long long)CHK(lseek(t->fd, 0, SEEK_CUR), "lseek", t->path));
	/* A second open() makes a NEW open file description, with its own
	 * offset (as in unrelated processes).  dup() and fork() copy
	 * descriptors; open() does not. */
	int fd2 = CHK(open(t->path, O_RDONLY), "open", t->path);

	printf("  child : a fresh open() of the same file: offset %lld\n",
	       (long long)CHK(lseek(fd2, 0, SEEK_CUR), "lseek", t->path));
	CHK(close(fd2), "close", t->path);
	_exit(0);
}

int main(int argc, char **argv)
{
	fork_lab_init(
		argc, argv, false,
		"\n  parent and child share the open file and its offset");
	struct tempfile t = tmp_create(true); /* empty */
	char obs[32], buf[32] = { 0 };

	printf("[offset] parent and child write through the same inherited descriptor\n");
	printf("  parent: offset before fork: %lld\n",
	       (long long)CHK(lseek(t.fd, 0, SEEK_CUR), "lseek", t.path));
	pid_t pid = CHK(fork(), "fork", NULL);

	if (pid == 0)
		child(&t);
	reap(pid);
	off_t after = CHK(lseek(t.fd, 0, SEEK_CUR), "lseek", t.path);

	snprintf(obs, sizeof(obs), "%lld", (long long)after);
	fact("parent's offset after waitpid:", "6", obs);
	/* So the parent's write() lands after the child's line instead of
	 * overwriting it. */
	CHK(write(t.fd, "parent\n", 7), "write", t.path);
	CHK(pread(t.fd, buf, sizeof(buf) - 1, 0), "pread", t.path);
	fact("file after the parent's write():", "\"child\\nparent\\n\"",
	     strcmp(buf, "child\nparent\n") == 0 ? "\"child\\nparent\\n\""
						 : "something else");
	tmp_remove(&t);
	return facts_verdict();
}
