/*
 * svshm_nattch.c - Lab 9: shmctl(IPC_STAT) while two processes attach and
 * detach, one step at a time: nattch, cpid, lpid, atime and dtime.
 *
 *   $ svshm_nattch
 *   parent pid 21629, child pid 21630
 *   key     0x53d45203
 *   ...                                (every field, as svshm_info)
 *   timeline:
 *   after shmget               nattch 0  cpid 21629  lpid 0  atime never  dtime never
 *   after parent's shmat       nattch 1  cpid 21629  lpid 21629  atime 2026-11-22 00:09:27  dtime never
 *   after child's shmat        nattch 2  cpid 21629  lpid 21630  atime 2026-11-22 00:09:27  dtime never
 *     /proc/sysvipc/shm: key=0x53d45203 shmid=163870 perms=600 size=100 cpid=21629 lpid=21630 nattch=2 uid=0 rss=0 swap=0
 *   after child's shmdt        nattch 1  cpid 21629  lpid 21630  atime 2026-11-22 00:09:27  dtime 2026-11-22 00:09:27
 *   after parent's shmdt       nattch 0  cpid 21629  lpid 21629  atime 2026-11-22 00:09:27  dtime 2026-11-22 00:09:27
 *   removed shmid 163870
 *
 * The child is forked BEFORE the parent attaches: a forked child inherits
 * its parent's attachments (and nattch counts those too), which would blur
 * who attached when.  Here each process calls shmat itself, and two pipes
 * say whose turn it is.  Man pages: shmctl(2), shmat(2), fork(2), pipe(2).
 */
#include "svshm.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void stat_line(const char *when, int id);
static void child(int id, int from_parent, int to_parent);
static void send_byte(int fd);
static void wait_byte(int fd, const char *who);

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	no_arguments(argc);

	int h, id = seg_create(ipc_key("stat"), SMALL, &h);
	int to_child[2], to_parent[2];

	pipes_open(to_parent, to_child);
	pid_t pid = CHK(fork(), "fork", NULL);

	pipes_keep(pid == 0, to_parent, to_child);
	if (pid == 0)
		child(id, to_child[0], to_parent[1]);

	printf("parent pid %ld, child pid %ld\n", (long)getpid(), (long)pid);
	print_info(id);
	printf("timeline:\n");
	stat_line("after shmget", id);
	char *p = shmat(id, NULL, 0);
	if (p == (void *)-1)
		die("shmat", obj_id(id));
	stat_line("after parent's shmat", id);
	send_byte(to_child[1]); /* child: attach */
	wait_byte(to_parent[0], "child");
	stat_line("after child's shmat", id);
	print_proc_row(id);
	send_byte(to_child[1]); /* child: detach */
	wait_byte(to_parent[0], "child");
	stat_line("after child's shmdt", id);
	CHK(shmdt(p), "shmdt", obj_id(id));
	stat_line("after parent's shmdt", id);

	int status;
	CHK(waitpid(pid, &status, 0), "waitpid", "child");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("the child failed");
	seg_remove(id, h);
	printf("removed shmid %d\n", id);
	return 0;
}

/* The child: attach when told, detach when told, exit. */
static void child(int id, int from_parent, int to_parent)
{
	wait_byte(from_parent, "parent");
	const void *cp = shmat(id, NULL, SHM_RDONLY);
	if (cp == (void *)-1)
		die("shmat", obj_id(id));
	send_byte(to_parent);
	wait_byte(from_parent, "parent");
	CHK(shmdt(cp), "shmdt", obj_id(id));
	send_byte(to_parent);
	_exit(0);
}

/* One line of the timeline. */
static void stat_line(const char *when, int id)
{
	struct shmid_ds ds;

	seg_stat(id, &ds);
	printf("%-26s nattch %lu  cpid %ld  lpid %ld  atime %s  dtime %s\n",
	       when, (unsigned long)ds.shm_nattch, (long)ds.shm_cpid,
	       (long)ds.shm_lpid, time_str(ds.shm_atime),
	       time_str(ds.shm_dtime));
}

static void send_byte(int fd)
{
	CHK(write(fd, "x", 1), "write", "pipe");
}

/* Wait for one byte; EOF means the other process died. */
static void wait_byte(int fd, const char *who)
{
	char c;

	if (CHK(read(fd, &c, 1), "read", "pipe") == 0)
		fail("the %s went away", who);
}
