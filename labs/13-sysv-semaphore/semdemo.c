/*
 * semdemo.c - Lab 13: replay, deterministically, the two traps of System V
 * semaphores that the transfer (writer.c, reader.c) has to avoid.
 *
 *   semdemo naive-init   the init race, lost: the late-comer uses the set
 *                        as soon as semget(2) finds it; the creator's late
 *                        SETALL wipes the late-comer's V()
 *   semdemo safe-init    the same two processes, but the late-comer waits
 *                        for sem_otime != 0 (semset_initialised() in
 *                        sync.c, exercise 13.1): the V() survives
 *   semdemo undo         SEM_UNDO in a hand-off: the kernel takes back an
 *                        exited process's V() (a chunk vanishes) or P()
 *                        (a chunk is unread and the buffer free at once)
 *
 * The race is not left to luck.  A parent (the creator) and a forked child
 * (the late-comer) talk over a pipe, so the child's semop always lands in
 * the creator's window between semget and SETALL - exactly where the
 * scheduler could put it at any time in a real run:
 *
 *   creator (parent)                   late-comer (child)
 *   semget(IPC_CREAT|IPC_EXCL)
 *   "created" ---------- pipe -------> semget(key, 0, 0)
 *                                      naive: V(CAN_READ) at once
 *                                      safe:  sem_otime == 0 -> "waiting"
 *   <--------- "posted"/"waiting" ---
 *   SETALL {0, 0}; V(CAN_WRITE)        safe: sem_otime != 0 -> V(CAN_READ)
 *   wait for the child, GETVAL CAN_READ: 1 = the post survived, 0 = lost
 *
 *   $ build/13-sysv-semaphore/semdemo naive-init
 *   creator:    semget(IPC_CREAT|IPC_EXCL) -> id 4, values not set yet
 *   late-comer: semget(key, 0, 0) -> id 4
 *   late-comer: V(CAN_READ): one chunk posted for the reader (sem_otime was still 0)
 *   creator:    (the late-comer has already posted) now SETALL {0, 0} and V(CAN_WRITE)
 *   result: CAN_READ = 0 after one V(): the post was LOST (...)
 *
 * Exit 0 when the demo ran (whatever the result), 1 on a failed system
 * call, 2 on bad usage.
 *
 * Man pages: semget(2), semctl(2), semop(2), fork(2), pipe(2).
 */
#include "shmlabs.h"
#include "semset.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char usage[] =
	"naive-init | safe-init | undo\n"
	"  naive-init  the init race: a V() made before SETALL is lost\n"
	"  safe-init   the same, with the sem_otime wait: nothing is lost\n"
	"  undo        what SEM_UNDO does to a hand-off protocol";

static int semid = -1;
static int cl = -1;

static void create_set(void);
static void remove_set(void);
static void put(int fd, char c);
static char get(int fd);
static void reap(pid_t child);
static void child_semop(struct sembuf *ops, size_t nops);
static void show(const char *when);
static int race(bool safe);
static int undo(void);

int main(int argc, char **argv)
{
	lab_init(argc, argv);
	if (argc != 2)
		usage_error(usage, argc < 2 ? "which demo?" : "one demo only");
	if (strcmp(argv[1], "naive-init") == 0)
		return race(false);
	if (strcmp(argv[1], "safe-init") == 0)
		return race(true);
	if (strcmp(argv[1], "undo") == 0)
		return undo();
	usage_error(usage, "unknown demo");
}

/* ---- naive-init / safe-init -------------------------------------------- */

static int race(bool safe)
{
	int down[2], up[2]; /* parent -> child, child -> parent */

	CHK(pipe(down), "pipe", "down");
	CHK(pipe(up), "pipe", "up");
	create_set();
	printf("creator:    semget(IPC_CREAT|IPC_EXCL) -> id %d, values not set yet\n",
	       semid);

	pid_t child = CHK(fork(), "fork", "late-comer");

	if (child == 0) {
		int id;

		get(down[0]); /* "created" */
		id = CHK(semget(ipc_key("demo-sem"), 0, 0), "semget",
			 "demo-sem");
		printf("late-comer: semget(key, 0, 0) -> id %d\n", id);
		if (safe && !semset_initialised(id)) {
			printf("late-comer: sem_otime == 0: not initialised yet, waiting\n");
			put(up[1], 'W');
			for (int ms = 0; !semset_initialised(id); ms++)
				if (ms == INIT_WAIT_MS)
					fail("the set was never initialised");
				else
					CHK(usleep(1000), "usleep", "1 ms");
		}
		struct sembuf v = { .sem_num = CAN_READ, .sem_op = +1 };

		CHK(semop(id, &v, 1), "semop", "V(CAN_READ)");
		printf("late-comer: V(CAN_READ): one chunk posted for the reader (sem_otime was %s)\n",
		       safe ? "set" : "still 0");
		put(up[1], 'P');
		_exit(0);
	}
	put(down[1], 'C');
	char why = get(up[0]); /* 'P' posted, or 'W' waiting */

	printf("creator:    (the late-comer has %s) now SETALL {0, 0} and V(CAN_WRITE)\n",
	       why == 'P' ? "already posted" : "not posted: it waits");
	semset_setall(semid, 0, 0);
	semset_publish(semid);
	reap(child);

	int can_read = semset_getval(semid, CAN_READ);

	if (can_read == 1)
		printf("result: CAN_READ = 1 after one V(): the post survived (the late-comer waited for sem_otime != 0)\n");
	else
		printf("result: CAN_READ = %d after one V(): the post was LOST (overwritten by the creator's late SETALL) - the reader would wait forever\n",
		       can_read);
	remove_set();
	return 0;
}

/* ---- undo ------------------------------------------------------------- */

static int undo(void)
{
	/* The writer's round and the reader's round of the transfer. */
	struct sembuf wr[2] = {
		{ .sem_num = CAN_WRITE, .sem_op = -1 }, /* P(CAN_WRITE) */
		{ .sem_num = CAN_READ, .sem_op = +1 },	/* V(CAN_READ) */
	};
	struct sembuf rd[2] = {
		{ .sem_num = CAN_READ, .sem_op = -1 },	/* P(CAN_READ) */
		{ .sem_num = CAN_WRITE, .sem_op = +1 }, /* V(CAN_WRITE) */
	};

	create_set();
	semset_setall(semid, 0, 0);
	semset_publish(semid);
	show("initialised:");

	/* 1. Plain operations: what the transfer does. */
	child_semop(wr, 2);
	show("writer P(CAN_WRITE) V(CAN_READ), exits:");
	child_semop(rd, 2);
	show("reader P(CAN_READ) V(CAN_WRITE), exits:");
	printf("result: without SEM_UNDO every hand-off outlives the process that made it\n");

	/* 2. The writer's V(CAN_READ) with SEM_UNDO (semadj -1). */
	wr[1].sem_flg = SEM_UNDO;
	child_semop(wr, 2);
	show("writer ... V(CAN_READ) with SEM_UNDO, exits:");
	printf("result: the kernel withdrew the V() at exit: the chunk is lost, reader and writer would both wait forever\n");
	wr[1].sem_flg = 0;

	/* 3. The reader's P(CAN_READ) with SEM_UNDO (semadj +1). */
	semset_setall(semid, 0, 1);
	child_semop(wr, 2);
	show("(reset) writer posts one chunk:");
	rd[0].sem_flg = SEM_UNDO;
	child_semop(rd, 2);
	show("reader P(CAN_READ) with SEM_UNDO ..., exits:");
	printf("result: the kernel gave the P() back at exit: the chunk counts as unread AND the buffer as free - read twice while being overwritten\n");
	remove_set();
	return 0;
}

/* ---- scaffolding --------------------------------------------------------- */

static void create_set(void)
{
	semid = semset_create(ipc_key("demo-sem"));
	if (semid == -1)
		fail("a set with our key exists already (another semdemo?)");
	cl = cleanup_add(CL_SYSV_SEM, NULL, semid);
}

static void remove_set(void)
{
	CHK(semctl(semid, 0, IPC_RMID), "semctl(IPC_RMID)", "demo set");
	cleanup_done(cl);
}

static void put(int fd, char c)
{
	CHK(write(fd, &c, 1), "write", "pipe");
}

static char get(int fd)
{
	char c;
	ssize_t n = CHK(read(fd, &c, 1), "read", "pipe");

	if (n == 0)
		fail("the other process closed the pipe early");
	return c;
}

static void reap(pid_t child)
{
	int status;

	CHK(waitpid(child, &status, 0), "waitpid", "child");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("the child failed (status 0x%x)", (unsigned)status);
}

/* Fork a child that does OPS (with or without SEM_UNDO) and exits. */
static void child_semop(struct sembuf *ops, size_t nops)
{
	pid_t child = CHK(fork(), "fork", "child");

	if (child == 0) {
		CHK(semop(semid, ops, nops), "semop", "child");
		_exit(0);
	}
	reap(child);
}

static void show(const char *when)
{
	int r = semset_getval(semid, CAN_READ);
	int w = semset_getval(semid, CAN_WRITE);

	/* The invariant of the hand-off: exactly one side owns the buffer. */
	printf("%-46s CAN_READ = %d, CAN_WRITE = %d%s\n", when, r, w,
	       r + w != 1 ? "  <- sum != 1: broken" : "");
}
