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
 *   common_selftest size STR        parse_size(STR): the number, or "bad"
 *   common_selftest maps PAGES      map PAGES shared pages, touch the first:
 *                                   "maps LINE", "rss KB", "missing KB" (the
 *                                   smaps_kb of an unknown field)
 *   common_selftest fault KIND      try_read/try_write on KIND = ro (a read
 *                                   -only page), none (PROT_NONE), beyond (a
 *                                   page past a 1-byte file): "read SIG CODE"
 *                                   and "write SIG CODE" (0 for no fault)
 *   common_selftest write-all N     write_all() N bytes of 'x' to stdout
 */
#include "shmlabs.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"name|key|die|child-die|usage|hold|child-exit|leave-sysv|size|maps|fault|write-all ARG";

static void fault_report(volatile char *p)
{
	siginfo_t si;
	int sig = try_read(p, NULL, &si);

	printf("read %s %d\n", sig ? sigabbrev_np(sig) : "0",
	       sig ? si.si_code : 0);
	sig = try_write(p, 'x', &si);
	printf("write %s %d\n", sig ? sigabbrev_np(sig) : "0",
	       sig ? si.si_code : 0);
}

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
	} else if (strcmp(cmd, "size") == 0) {
		size_t v;

		if (parse_size(arg, &v))
			printf("%zu\n", v);
		else
			printf("bad\n");
	} else if (strcmp(cmd, "maps") == 0) {
		size_t pages = strtoul(arg, NULL, 10), pg = 4096;
		char line[512];
		char *p = CHK_MAP(mmap(NULL, pages * pg, PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_ANONYMOUS, -1, 0),
				  "mmap", "anonymous");

		p[0] = 1;
		if (maps_find(p + pages * pg - 1, line, sizeof(line)))
			printf("maps %s\n", line);
		printf("rss %ld\n", smaps_kb(p, "Rss"));
		printf("missing %ld\n", smaps_kb(p, "NoSuchField"));
		printf("unmapped %d\n", maps_find(NULL, line, sizeof(line)));
	} else if (strcmp(cmd, "fault") == 0) {
		char *p;

		if (strcmp(arg, "beyond") == 0) {
			char path[] = "/tmp/selftest.XXXXXX";
			int fd = CHK(mkstemp(path), "mkstemp", path);

			CHK(unlink(path), "unlink", path);
			write_all(fd, "x", 1, path);
			p = CHK_MAP(mmap(NULL, 8192, PROT_READ | PROT_WRITE,
					 MAP_SHARED, fd, 0),
				    "mmap", path);
			p += 4096;
		} else {
			int prot =
				strcmp(arg, "ro") == 0 ? PROT_READ : PROT_NONE;

			p = CHK_MAP(mmap(NULL, 4096, prot,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
				    "mmap", arg);
		}
		fault_report(p);
		fault_report(p); /* a second time: the mask was restored */
	} else if (strcmp(cmd, "write-all") == 0) {
		size_t n = strtoul(arg, NULL, 10);
		char *buf = malloc(n);

		if (!buf)
			fail("out of memory");
		memset(buf, 'x', n);
		write_all(STDOUT_FILENO, buf, n, "stdout");
		free(buf);
	} else {
		usage_error(usage, "unknown command");
	}
	return 0;
}
