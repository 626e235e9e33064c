/*
 * sysvxfer.c - lab 13's machinery: create or join a System V semaphore set
 * and shared memory segment, survive the init race, hand the buffer back
 * and forth with semop(2), and notice a dead peer.
 *
 * The init race (semget(2) NOTES, Stevens, UNP vol. 2 §11.2)
 * ---------------------------------------------------------------
 * With System V semaphores, creating a set and giving it values are two
 * system calls: semget() creates it with indeterminate values, semctl()
 * SETVAL/SETALL sets them.  Between the two, anybody who knows the key can
 * semget() the set and semop() on it:
 *
 *   creator                         late-comer
 *   semget(IPC_CREAT|IPC_EXCL) ok
 *          ... preempted ...        semget(key) ok  (same set)
 *                                   semop(CAN_READ, +1)   "chunk ready"
 *   semctl(SETALL {0, 1})           <- wipes the late-comer's +1:
 *                                      the chunk is lost, both wait forever
 *
 * Using IPC_EXCL only settles WHO initialises; the late-comer must also
 * know WHEN that is done.  The kernel keeps the answer for us: sem_otime,
 * the time of the last semop(2), is 0 in a new set and semctl(2) never
 * changes it (SETALL updates sem_ctime instead).  So:
 *   creator:     semget(IPC_EXCL) -> SETALL -> ... -> its FIRST semop()
 *   late-comer:  semget(key, 0)   -> wait until IPC_STAT says sem_otime != 0
 * `semdemo naive-init` and `semdemo safe-init` replay both timelines.
 * Seed gap: the seed's method 3 gives the numbering (0 "can read" starts
 * at 0, 1 "can write" at 1) and names semget, semop and semctl, but never
 * says who sets those values, nor how the other process knows they are
 * set: exactly this race.
 *
 * Why no SEM_UNDO
 * ---------------
 * SEM_UNDO makes the kernel revert, when a process exits, every semop that
 * process made with the flag (it keeps a per-process "semadj").  That is
 * right for a LOCK (the dead owner's P() is undone: the lock is released).
 * Here nobody undoes his own operations: the writer's P(CAN_WRITE) is
 * answered by the READER's V(CAN_WRITE).  With SEM_UNDO, a writer exiting
 * normally after its last V(CAN_READ) would have the kernel take that post
 * back (the reader never sees the last chunk), and its P(CAN_WRITE) would be
 * given back (a second "free buffer" appears).  `semdemo undo` shows both.
 * Peer death is handled instead by semtimedop(2) with a timeout and
 * kill(pid, 0) below.
 */
#include "sysvxfer.h"
#include "shmlabs.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const role_name[] = { "writer", "reader" };

/* "semid 7" etc. for error messages (one at a time is enough). */
static const char *idname(const char *what, int id)
{
	static char buf[48];

	snprintf(buf, sizeof(buf), "%s %d", what, id);
	return buf;
}

void note(const struct xfer *x, const char *fmt, ...)
{
	va_list ap;

	if (!x->verbose)
		return;
	fprintf(stderr, "%s: ", lab_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- the semaphore set ------------------------------------------------- */

int semset_create(key_t key)
{
	char name[32];
	/* 0600: only our user may use it.  nsems = 2: one set, two counters. */
	int id = semget(key, NSEMS, IPC_CREAT | IPC_EXCL | 0600);

	snprintf(name, sizeof(name), "key 0x%08x", (unsigned)key);
	if (id == -1 && errno != EEXIST)
		die("semget", name);
	return id;
}

void semset_setall(int semid, unsigned short can_read, unsigned short can_write)
{
	unsigned short v[NSEMS];
	union semun arg = { .array = v };

	v[SEM_CAN_READ] = can_read;
	v[SEM_CAN_WRITE] = can_write;
	/* semnum is ignored for SETALL; the union goes by value (variadic). */
	CHK(semctl(semid, 0, SETALL, arg), "semctl(SETALL)",
	    idname("semid", semid));
}

void semset_publish(int semid)
{
	/* V(CAN_WRITE): the buffer is free.  sem_flg 0: no IPC_NOWAIT (a
	 * V never waits anyway) and no SEM_UNDO (see the top of the file). */
	struct sembuf op = { .sem_num = SEM_CAN_WRITE, .sem_op = +1 };

	CHK(semop(semid, &op, 1), "semop", idname("semid", semid));
}

time_t semset_otime(int semid)
{
	struct semid_ds ds;
	union semun arg = { .buf = &ds };

	CHK(semctl(semid, 0, IPC_STAT, arg), "semctl(IPC_STAT)",
	    idname("semid", semid));
	return ds.sem_otime;
}

int semset_getval(int semid, int semnum)
{
	return CHK(semctl(semid, semnum, GETVAL), "semctl(GETVAL)",
		   idname("semid", semid));
}

bool semset_wait_initialised(int semid, void (*first_wait)(void *), void *arg)
{
	/* BEGIN EXERCISE 13.1: The late-comer's half of Stevens' technique:
	 * return true as soon as IPC_STAT shows sem_otime != 0 (the creator
	 * has made its first semop, so SETALL is done); if it is still 0,
	 * call first_wait(arg) once, then check again every 10 ms, and give
	 * up (return false) after INIT_WAIT_MS.  Hint: semset_otime(). */
	/*
	 * System V offers nothing to block on until a set is initialised (its
	 * semaphores are what is being initialised), so this is the one place
	 * in the lab that polls.  It is bounded, and in practice the loop
	 * runs zero times: the creator's SETALL and first semop are a few
	 * microseconds apart.  Only a creator that is stopped, or died,
	 * between the two keeps us here - then we give up instead of
	 * spinning forever.
	 */
	const struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };

	for (int waited_ms = 0; semset_otime(semid) == 0; waited_ms += 10) {
		if (waited_ms >= INIT_WAIT_MS)
			return false;
		if (waited_ms == 0 && first_wait)
			first_wait(arg);
		if (nanosleep(&tick, NULL) == -1 && errno != EINTR)
			die("nanosleep", "10 ms");
	}
	return true;
	/* STUB
	(void)semid;
	(void)first_wait;
	(void)arg;
	return true;
	*/
	/* END EXERCISE */
}

/* ---- the transfer -------------------------------------------------------- */

/* Store our pid in our slot, atomically, and only if the slot is free:
 * a second writer must not silently take over a running transfer. */
static void claim_slot(struct xfer *x)
{
	pid_t expected = 0;

	if (atomic_compare_exchange_strong(&x->sh->pid[x->role], &expected,
					   getpid()))
		return;
	if (expected > 0 && (kill(expected, 0) == 0 || errno == EPERM))
		fail("another %s (pid %d) is already using this transfer",
		     role_name[x->role], (int)expected);
	fail("stale objects: a %s (pid %d) died here before; remove them "
	     "with `make clean-ipc`",
	     role_name[x->role], (int)expected);
}

/* The first process to arrive: create, initialise, publish. */
static void create_objects(struct xfer *x, bool stop_in_init)
{
	x->creator = true;
	/* From now on a Ctrl-C (or an error exit) removes the set. */
	x->cl_sem = cleanup_add(CL_SYSV_SEM, NULL, x->semid);
	note(x, "created semaphore set key 0x%08x id %d (sem_otime = 0)",
	     (unsigned)x->semkey, x->semid);

	/* semget(2): the values of a new set are indeterminate (Linux
	 * happens to use 0; POSIX does not promise it).  Set both. */
	semset_setall(x->semid, 0, 0);
	note(x, "SETALL {CAN_READ 0, CAN_WRITE 0} done; sem_otime is still 0");

	if (stop_in_init) {
		/* A lab hook: freeze inside the race window, so that you can
		 * look at the half-made set (`ipcs -s -i ID`) and start the
		 * reader, which must wait.  Continue with `kill -CONT PID`. */
		note(x,
		     "pid %d stopping inside the init window (kill -CONT %d)",
		     (int)getpid(), (int)getpid());
		if (raise(SIGSTOP) != 0)
			die("raise", "SIGSTOP");
	}

	/* The segment: created with IPC_EXCL too - an old one with our key
	 * means a killed transfer left it, and we must not reuse its state. */
	x->shmid = shmget(x->shmkey, sizeof(struct shared),
			  IPC_CREAT | IPC_EXCL | 0600);
	if (x->shmid == -1 && errno == EEXIST)
		fail("a segment with key 0x%08x already exists (left by a "
		     "killed transfer?): remove it with `make clean-ipc`",
		     (unsigned)x->shmkey);
	CHK(x->shmid, "shmget", "xfer-shm");
	x->cl_shm = cleanup_add(CL_SYSV_SHM, NULL, x->shmid);
	/* shmat(2) returns (void *)-1 on failure, like MAP_FAILED. */
	x->sh = CHK_MAP(shmat(x->shmid, NULL, 0), "shmat",
			idname("shmid", x->shmid));
	/* shmget(2): a new segment is zero-filled: both pids 0, len 0. */
	claim_slot(x);

	/* The first semop: V(CAN_WRITE), and sem_otime becomes non-zero.
	 * Everything above is now visible to whoever waits for that. */
	semset_publish(x->semid);
	note(x,
	     "initialised: CAN_READ 0, CAN_WRITE 1; segment key 0x%08x "
	     "id %d; my pid %d",
	     (unsigned)x->shmkey, x->shmid, (int)getpid());
}

static void say_waiting(void *arg)
{
	const struct xfer *x = arg;

	note(x,
	     "set id %d exists but sem_otime == 0: waiting for its "
	     "creator to initialise it",
	     x->semid);
}

/* A late-comer: wait for the creator, then attach. */
static void join_objects(struct xfer *x)
{
	note(x, "semaphore set key 0x%08x id %d already exists: joining",
	     (unsigned)x->semkey, x->semid);
	if (!semset_wait_initialised(x->semid, say_waiting, x))
		fail("semaphore set id %d was never initialised (sem_otime "
		     "still "
		     "0 after %d ms): its creator is stopped or died; remove "
		     "it "
		     "with `make clean-ipc`",
		     x->semid, INIT_WAIT_MS);
	note(x, "sem_otime != 0: the set is initialised");

	/* Size 0 and no IPC_CREAT: attach to the existing segment only. */
	x->shmid = shmget(x->shmkey, 0, 0);
	if (x->shmid == -1 && (errno == ENOENT || errno == EIDRM))
		fail("the segment is gone: the peer has finished, or died");
	CHK(x->shmid, "shmget", "xfer-shm");
	x->sh = CHK_MAP(shmat(x->shmid, NULL, 0), "shmat",
			idname("shmid", x->shmid));
	claim_slot(x);
	/* Only now that we take part: Ctrl-C here removes everything too, so
	 * the peer stops instead of waiting for us forever. */
	x->cl_sem = cleanup_add(CL_SYSV_SEM, NULL, x->semid);
	x->cl_shm = cleanup_add(CL_SYSV_SHM, NULL, x->shmid);
	note(x, "attached segment id %d; my pid %d", x->shmid, (int)getpid());
}

void xfer_open(struct xfer *x, enum role role, bool verbose, bool stop_in_init)
{
	*x = (struct xfer){ .role = role, .verbose = verbose };
	x->cl_sem = x->cl_shm = -1;
	x->semkey = ipc_key("xfer-sem");
	x->shmkey = ipc_key("xfer-shm");

	/* IPC_EXCL decides who is first.  Between our failed create and the
	 * plain semget the set can vanish (a previous transfer with the same
	 * keys just ended): then try to create it again, a few times. */
	for (int attempt = 1;; attempt++) {
		x->semid = semset_create(x->semkey);
		if (x->semid != -1) {
			create_objects(x, stop_in_init);
			return;
		}
		x->semid = semget(x->semkey, 0, 0);
		if (x->semid != -1) {
			join_objects(x);
			return;
		}
		if (errno != ENOENT || attempt == 5)
			die("semget", "xfer-sem");
	}
}

void xfer_check_peer(struct xfer *x)
{
	enum role peer = x->role == WRITER ? READER : WRITER;
	pid_t pid = atomic_load(&x->sh->pid[peer]);

	/* 0: the peer has not arrived yet; waiting for it is fine.  Never
	 * call kill(0, ...): pid 0 means "my whole process group". */
	if (pid <= 0)
		return;
	/* kill(2) with signal 0 only checks: ESRCH = no such process (EPERM
	 * would mean it exists but belongs to someone else).  A zombie still
	 * counts as alive until its parent reaps it, and a pid can be reused
	 * (pidfd_open(2) avoids both; this is the classic way). */
	if (kill(pid, 0) == 0 || errno == EPERM)
		return;
	if (errno != ESRCH)
		die("kill", "peer pid");
	fail("peer %s (pid %d) died; removing the semaphore set and the "
	     "segment",
	     role_name[peer], (int)pid);
}

/* EIDRM (removed while we slept) or EINVAL (already gone) from semop. */
static noreturn void set_removed(struct xfer *x)
{
	fail("the semaphore set id %d was removed: the peer died or was "
	     "interrupted",
	     x->semid);
}

void xfer_wait(struct xfer *x, int semnum)
{
	struct sembuf op = { .sem_num = (unsigned short)semnum, .sem_op = -1 };
	/* Relative timeout: sleep at most 1 s, then look at the peer. */
	const struct timespec period = { .tv_sec = 1 };

	for (;;) {
		if (semtimedop(x->semid, &op, 1, &period) == 0)
			return;
		switch (errno) {
		case EAGAIN: /* the second passed: is anybody still there? */
			xfer_check_peer(x);
			break;
		case EINTR: /* a signal handler ran (SIGCONT after a stop) */
			break;
		case EIDRM:
		case EINVAL:
			set_removed(x);
		default:
			die("semtimedop", idname("semid", x->semid));
		}
	}
}

void xfer_post(struct xfer *x, int semnum)
{
	struct sembuf op = { .sem_num = (unsigned short)semnum, .sem_op = +1 };

	if (semop(x->semid, &op, 1) == 0)
		return;
	if (errno == EIDRM || errno == EINVAL)
		set_removed(x);
	die("semop", idname("semid", x->semid));
}

void xfer_close(struct xfer *x, bool remove)
{
	if (remove) {
		/* IPC_RMID is immediate for a set (waiters get EIDRM); a
		 * segment goes when the last process detaches. */
		CHK(semctl(x->semid, 0, IPC_RMID), "semctl(IPC_RMID)",
		    idname("semid", x->semid));
		CHK(shmctl(x->shmid, IPC_RMID, NULL), "shmctl(IPC_RMID)",
		    idname("shmid", x->shmid));
		note(x, "removed semaphore set id %d and segment id %d",
		     x->semid, x->shmid);
	}
	CHK(shmdt(x->sh), "shmdt", idname("shmid", x->shmid));
	cleanup_done(x->cl_sem);
	cleanup_done(x->cl_shm);
}
