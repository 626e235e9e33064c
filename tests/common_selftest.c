/*
 * common_selftest.c - drives common/shmlabs.c for tests/suite.bats.
 *
 *   common_selftest name TAG        print ipc_name(TAG)
 *   common_selftest key TAG         print ipc_key(TAG) in hex
 *   common_selftest die PATH        open(PATH) through CHK: the error line
 *   common_selftest child-die PATH  the same in a forked child (die() ends it
 *                                   with _exit); the parent then prints
 *                                   "parent: child status N"
 *   common_selftest usage           usage_error(): exit 2
 *   common_selftest hold TAG        create POSIX shm TAG, register it, print
 *                                   "ready", then wait for a signal
 *   common_selftest leave-sysv KEY  create a System V segment with KEY (hex)
 *                                   and leave it, as a killed lab would
 *   common_selftest child-exit TAG  create shm TAG, print "before fork", fork
 *                                   a child that exits normally, then report
 *                                   whether TAG still exists (the child must
 *                                   not remove it, nor repeat the line)
 */
#include "shmlabs.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"name|key|die|child-die|usage|hold|child-exit|leave-sysv ARG";

static int create_shm(const char *name)
{
	int fd = CHK(shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600),
		     "shm_open", name);

	cleanup_add(CL_SHM_NAME, name, -1);
	return fd;
}

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	if (argc != 3 && !(argc == 2 && strcmp(argv[1], "usage") == 0))
		usage_error(usage, NULL);
	const char *cmd = argv[1], *arg = argv[2];

	if (strcmp(cmd, "name") == 0) {
		printf("%s\n", ipc_name(arg));
	} else if (strcmp(cmd, "key") == 0) {
		printf("%#010x\n", (unsigned)ipc_key(arg));
	} else if (strcmp(cmd, "die") == 0) {
		CHK(open(arg, O_RDONLY), "open", arg);
	} else if (strcmp(cmd, "child-die") == 0) {
		printf("buffered\n");
		pid_t pid = CHK(fork(), "fork", "child");
		if (pid == 0)
			CHK(open(arg, O_RDONLY), "open", arg); /* _exit(1) */
		int status;
		CHK(waitpid(pid, &status, 0), "waitpid", "child");
		printf("parent: child status %d\n", WEXITSTATUS(status));
	} else if (strcmp(cmd, "usage") == 0) {
		usage_error(usage, "usage test");
	} else if (strcmp(cmd, "hold") == 0) {
		close(create_shm(ipc_name(arg)));
		printf("ready\n");
		pause(); /* SIGINT/SIGTERM: common/ cleans up and re-raises */
	} else if (strcmp(cmd, "leave-sysv") == 0) {
		key_t key = (key_t)strtoul(arg, NULL, 16);
		printf("%d\n",
		       CHK(shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600),
			   "shmget", arg));
	} else if (strcmp(cmd, "child-exit") == 0) {
		char *name = ipc_name(arg);
		close(create_shm(name));
		/* With a fully buffered stdout (a pipe's default) this line
		 * would still sit in the buffer at fork() and be printed twice:
		 * once by the child's exit(), once by the parent's. */
		printf("before fork\n");
		pid_t pid = CHK(fork(), "fork", "child");
		if (pid == 0)
			exit(0); /* runs atexit(): must not remove the parent's */
		CHK(waitpid(pid, NULL, 0), "waitpid", "child");
		int fd = shm_open(name, O_RDWR, 0);
		printf("after child exit: %s\n",
		       fd >= 0 ? "still there" : "gone");
		if (fd >= 0)
			close(fd);
	} else {
		usage_error(usage, "unknown command");
	}
	return 0;
}
