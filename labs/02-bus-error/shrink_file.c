/*
 * shrink_file.c - Lab 2: a process that did nothing wrong gets SIGBUS,
 * because ANOTHER process made the file it maps smaller.  A child maps a
 * 2-page file and reads page 2; the parent ftruncate()s the file to 100
 * bytes; the child's next read of page 2 raises SIGBUS.  Two pipes order
 * the steps (child: "mapped", parent: "shrunk"), never sleep().
 *
 *   $ shrink_file
 *   [shrink_file] a child maps a 2-page file; the parent shrinks the file to 100 bytes
 *     child : mapped 2 pages; read page 2: ok ('#')
 *     parent: ftruncate(fd, 100) while the child has it mapped
 *     child : read page 2 again: SIGBUS
 *     child :  si_addr 0x7f04fb259000 = map + 4096: page 2 of the mapping; si_code BUS_ADRERR; file size 100
 *     the child's second read of page 2:       expected SIGBUS, observed SIGBUS
 *   all observations as expected
 *
 * Man pages: ftruncate(2), mmap(2), fork(2), pipe(2), waitpid(2).
 */
#include "shmlabs.h"
#include "catch_sigbus.h"

#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child: map, read page 2, say so on TO_PARENT, wait for "shrunk" on
 * FROM_PARENT, read page 2 again.  Exit 0 when that read raised SIGBUS. */
static noreturn void child(int fd, int to_parent, int from_parent)
{
	char v = 0, token = 'm';
	char *map = mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, fd, 0);

	if (map == MAP_FAILED)
		die("mmap", "2-page file");
	if (touch(map + page, false, &v) != 0)
		_exit(4);
	printf("  child : mapped 2 pages; read page 2: ok ('%c')\n", v);
	if (write(to_parent, &token, 1) != 1)
		die("write", "pipe to parent");
	/* Block until the parent has shrunk the file.  If the parent dies
	 * instead, read() returns 0 (no writer left): stop, never hang. */
	ssize_t n = read(from_parent, &token, 1);

	if (n == -1)
		die("read", "pipe from parent");
	if (n == 0)
		_exit(5);
	int sig = touch(map + page, false, &v);

	printf("  child : read page 2 again: %s\n", signame(sig));
	if (sig == SIGBUS)
		explain_fault("child :", map, 100);
	_exit(sig == SIGBUS ? 0 : 3);
}

int main(int argc, char **argv)
{
	buslab_init(argc, argv,
		    "\n  another process shrinks a file we have mapped");
	catch_faults();
	int fd = temp_file((off_t)(2 * page));
	int up[2], down[2]; /* child -> parent, parent -> child */
	char token;

	printf("[shrink_file] a child maps a 2-page file; the parent shrinks the file to 100 bytes\n");
	pipes_open(up, down);
	pid_t pid = CHK(fork(), "fork", NULL);

	pipes_keep(pid == 0, up, down); /* or EOF never comes */
	if (pid == 0)
		child(fd, up[1], down[0]);

	/* Wait until the child HAS the mapping and has used page 2. */
	if (CHK(read(up[0], &token, 1), "read", "pipe from child") == 0) {
		printf("  parent: the child ended before mapping the file\n");
	} else {
		/* The kernel drops the page cache past the new end and
		 * removes those pages from every process that maps them. */
		CHK(ftruncate(fd, 100), "ftruncate", "shrink to 100 bytes");
		printf("  parent: ftruncate(fd, 100) while the child has it mapped\n");
		CHK(write(down[1], "s", 1), "write", "pipe to child");
	}
	CHK(close(down[1]), "close", "pipe");
	CHK(close(up[0]), "close", "pipe");

	int status;

	CHK(waitpid(pid, &status, 0), "waitpid", "child");
	fact("the child's second read of page 2:", "SIGBUS",
	     WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "SIGBUS"
							   : "something else");
	CHK(close(fd), "close", "2-page file");
	return facts_verdict();
}
