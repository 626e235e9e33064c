/*
 * sync.c - lab 13, method 3: the writer and the reader take turns with
 * the buffer through ONE System V semaphore set holding two semaphores.
 *
 *   set (semget)       0 CAN_READ   0 at first   "a chunk is in it"
 *                      1 CAN_WRITE  1 at first   "the buffer is free"
 *   segment (shmget)   pid[2], then the chunk
 *
 * Wait for my turn: P(mine), a semop(2) of -1.  Pass the turn: V(theirs),
 * +1.  It is a hand-off, not a lock: the writer's P(CAN_WRITE) is undone
 * by the READER's V(CAN_WRITE) - which is why there is no SEM_UNDO here
 * (`semdemo undo` shows what it would do).
 *
 * The init race (semget(2) NOTES; Stevens, UNP vol. 2, 11.2).  Creating a
 * set and giving it values are two calls: semget() makes it with
 * indeterminate values, semctl(SETALL) sets them.  In between, anyone who
 * knows the key can semget() the set and semop() on it, and SETALL then
 * wipes what they did.  IPC_EXCL decides WHO initialises; the late-comer
 * must also know WHEN that is done.  The kernel tells: sem_otime, the
 * time of the last semop(2), is 0 in a new set and semctl() never sets
 * it.  So the creator does SETALL first, then its first semop; the
 * late-comer waits until IPC_STAT shows sem_otime != 0.
 *
 *   $ build/13-sysv-semaphore/writer -v --stop-in-init < input &
 *   writer: created semaphore set key 0x5307b472 id 3 (sem_otime = 0)
 *   writer: SETALL {CAN_READ 0, CAN_WRITE 0} done; sem_otime is still 0
 *   writer: --stop-in-init: pid 12001 stops before its first semop (kill -CONT 12001)
 *   $ ipcs -s -i 3 | grep otime
 *   otime = Not set
 *   $ build/13-sysv-semaphore/reader -v > copy &
 *   reader: semaphore set key 0x5307b472 id 3 exists: joining
 *   reader: sem_otime == 0: waiting for the creator to initialise the set
 *   $ kill -CONT 12001
 *   reader: sem_otime != 0: the set is initialised
 *
 * Man pages: sysvipc(7), semget(2), semctl(2), semop(2) (semtimedop),
 * shmget(2), shmat(2), shmctl(2), ipcs(1).
 */
#include "semset.h"
#include "xfer.h"

#include "shmlabs.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

/* The segment.  The pids are read outside the semaphore protocol, so
 * they are atomic; the chunk is ordered by semop(2), a system call that
 * takes the set's lock. */
struct shared {
	_Atomic pid_t pid[2]; /* [WRITER], [READER]: 0 until that side joins */
	struct chunk chunk;
};

bool sync_verbose;

static const char *const role_name[] = { "writer", "reader" };
static enum role me;
static struct shared *sh;
static int semid = -1, shmid = -1;
static int h_sem = -1, h_shm = -1; /* in common's cleanup registry */
static char idname[32];		   /* "semid 7", for error messages */

static void create(key_t shmkey, bool stop_in_init);
static void join(key_t shmkey);
static void attach(void);
static LAB_NORETURN void set_failed(const char *call);
static bool peer_gone(void);
static int nattch(void);
static long now_ms(void);

struct chunk *sync_join(enum role role, bool stop_in_init)
{
	key_t semkey = ipc_key("xfer-sem"), shmkey = ipc_key("xfer-shm");

	me = role;
	setvbuf(stderr, NULL, _IOLBF, 0); /* one write(2) per -v line */
	/* IPC_EXCL decides who is first.  The set can vanish between our
	 * EEXIST and the plain semget (a transfer with our keys just ended):
	 * then try to create it again, a few times. */
	for (int attempt = 1;; attempt++) {
		semid = semset_create(semkey);
		if (semid != -1) {
			create(shmkey, stop_in_init);
			break;
		}
		semid = semget(semkey, 0, 0); /* nsems 0: it must exist */
		if (semid != -1) {
			join(shmkey);
			break;
		}
		if (errno != ENOENT || attempt == 5)
			die("semget", "xfer-sem");
	}
	return &sh->chunk;
}

void sync_wait_turn(void)
{
	/* Relative timeout: sleep at most SYNC_PERIOD_MS, then look. */
	const struct timespec period = { .tv_nsec = SYNC_PERIOD_MS * 1000000L };
	struct sembuf p = { .sem_num = me == WRITER ? CAN_WRITE : CAN_READ,
			    .sem_op = -1 };

	/* Seed bug: waits with no timeout (guide, lab 13). */
	for (;;) {
		if (semtimedop(semid, &p, 1, &period) == 0)
			return;
		if (errno == EINTR) /* a handler ran (SIGCONT after a stop) */
			continue;
		if (errno != EAGAIN)
			set_failed("semtimedop");
		if (!peer_gone())
			continue;
		/* Its last V() may have come just before it detached. */
		p.sem_flg = IPC_NOWAIT;
		if (semop(semid, &p, 1) == 0)
			return;
		sync_check_peer();
	}
}

void sync_pass_turn(void)
{
	struct sembuf v = { .sem_num = me == WRITER ? CAN_READ : CAN_WRITE,
			    .sem_op = +1 };

	if (semop(semid, &v, 1) == -1)
		set_failed("semop");
}

void sync_check_peer(void)
{
	if (peer_gone())
		fail("peer %s (pid %d) died; removing the semaphore set and the segment",
		     role_name[!me], (int)atomic_load(&sh->pid[!me]));
}

void sync_leave(void)
{
	if (me == WRITER) {
		/* IPC_RMID is immediate for a set (sleepers get EIDRM); a
		 * segment goes when the last process detaches. */
		CHK(semctl(semid, 0, IPC_RMID), "semctl(IPC_RMID)", idname);
		CHK(shmctl(shmid, IPC_RMID, NULL), "shmctl(IPC_RMID)",
		    "segment");
		note("removed semaphore set id %d and segment id %d", semid,
		     shmid);
	}
	CHK(shmdt(sh), "shmdt", "segment");
	cleanup_done(h_sem);
	cleanup_done(h_shm);
}

/* ---- create or join ----------------------------------------------------- */

/* The first process: initialise the set, make the segment, publish. */
static void create(key_t shmkey, bool stop_in_init)
{
	/* From now on Ctrl-C (or an error exit) removes the set. */
	h_sem = cleanup_add(CL_SYSV_SEM, NULL, semid);
	snprintf(idname, sizeof(idname), "semid %d", semid);
	note("created semaphore set key 0x%08x id %d (sem_otime = 0)",
	     (unsigned)ipc_key("xfer-sem"), semid);
	/* semget(2): the values of a new set are indeterminate (Linux's 0 is
	 * no promise).  Both 0 for now: V(CAN_WRITE) below is the first
	 * semop, the one that stamps sem_otime. */
	semset_setall(semid, 0,
		      0); /* Seed gap: who, and when (guide, lab 13) */
	note("SETALL {CAN_READ 0, CAN_WRITE 0} done; sem_otime is still 0");
	if (stop_in_init) {
		note("--stop-in-init: pid %d stops before its first semop (kill -CONT %d)",
		     (int)getpid(), (int)getpid());
		CHK(raise(SIGSTOP), "raise", "SIGSTOP");
	}
	/* IPC_EXCL here too: a segment with our key is a killed transfer's,
	 * and its old state must not be reused. */
	shmid = shmget(shmkey, sizeof(struct shared),
		       IPC_CREAT | IPC_EXCL | 0600);
	if (shmid == -1 && errno == EEXIST)
		fail("a segment with key 0x%08x already exists (left by a killed transfer?): remove it with `make clean-ipc`",
		     (unsigned)shmkey);
	CHK(shmid, "shmget", "xfer-shm");
	h_shm = cleanup_add(CL_SYSV_SHM, NULL, shmid);
	attach(); /* a new segment is all zeros: both pids 0, len 0 */
	semset_publish(semid);
	note("initialised: CAN_READ 0, CAN_WRITE 1; segment key 0x%08x id %d; my pid %d",
	     (unsigned)shmkey, shmid, (int)getpid());
}

/* A late-comer: wait for the creator's first semop, then attach. */
static void join(key_t shmkey)
{
	int sleeping = 0;

	snprintf(idname, sizeof(idname), "semid %d", semid);
	note("semaphore set key 0x%08x id %d exists: joining",
	     (unsigned)ipc_key("xfer-sem"), semid);
	/* System V has nothing to block on until a set is initialised (its
	 * semaphores are what is being initialised): the one place in the
	 * lab that polls.  Bounded: a creator that stopped or died in its
	 * window must not keep us here for ever. */
	for (long start = now_ms(); !semset_initialised(semid);) {
		const struct timespec tick = { .tv_nsec = 10 * 1000000L };

		if (now_ms() - start >= INIT_WAIT_MS)
			fail("semaphore set id %d was never initialised (sem_otime still 0 after %d ms): its creator is stopped or died; remove it with `make clean-ipc`",
			     semid, INIT_WAIT_MS);
		if (sleeping++ == 0)
			note("sem_otime == 0: waiting for the creator to initialise the set");
		if (nanosleep(&tick, NULL) == -1 && errno != EINTR)
			die("nanosleep", "10 ms");
	}
	note("sem_otime != 0: the set is initialised");
	/* Size 0 and no IPC_CREAT: the existing segment only. */
	shmid = shmget(shmkey, 0, 0);
	if (shmid == -1 && (errno == ENOENT || errno == EIDRM))
		fail("the segment is gone: the peer has finished, or died");
	CHK(shmid, "shmget", "xfer-shm");
	attach();
	/* Only now that we take part: Ctrl-C removes everything, so that
	 * the peer stops instead of waiting for us. */
	h_sem = cleanup_add(CL_SYSV_SEM, NULL, semid);
	h_shm = cleanup_add(CL_SYSV_SHM, NULL, shmid);
}

/* shmat, then our pid into our slot if it is free. */
static void attach(void)
{
	pid_t expected = 0;

	/* shmat(2) returns (void *)-1 on failure, not NULL. */
	sh = shmat(shmid, NULL, 0);
	if (sh == (void *)-1)
		die("shmat", "segment");
	if (atomic_compare_exchange_strong(&sh->pid[me], &expected, getpid())) {
		note("attached segment id %d; my pid %d", shmid, (int)getpid());
		return;
	}
	/* The slot is taken.  If we are the only attach, its owner is gone:
	 * a killed transfer left the objects. */
	if (nattch() == 1)
		fail("stale objects: a %s (pid %d) died here before; remove them with `make clean-ipc`",
		     role_name[me], (int)expected);
	fail("another %s (pid %d) is already using this transfer",
	     role_name[me], (int)expected);
}

/*
 * Has the peer gone?  The kernel counts the attaches of a segment
 * (shm_nattch, shmctl(2) IPC_STAT), and detaches every segment of a
 * process that exits, however it dies - SIGKILL included.  Our peer
 * attached before it stored its pid; if the count is down to our own 1
 * now, it has detached: it exited.
 */
static bool peer_gone(void)
{
	return atomic_load(&sh->pid[!me]) != 0 && nattch() < 2;
}

static int nattch(void)
{
	struct shmid_ds ds;

	CHK(shmctl(shmid, IPC_STAT, &ds), "shmctl(IPC_STAT)", "segment");
	return (int)ds.shm_nattch;
}

static long now_ms(void) /* CLOCK_MONOTONIC: it never jumps */
{
	struct timespec t;

	CHK(clock_gettime(CLOCK_MONOTONIC, &t), "clock_gettime", "MONOTONIC");
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* A semop on the set failed.  EIDRM (removed while we slept) or EINVAL
 * (already gone): a peer that was interrupted removed it (its cleanup). */
static void set_failed(const char *call)
{
	if (errno == EIDRM || errno == EINVAL)
		fail("the semaphore set id %d was removed: the peer died or was interrupted",
		     semid);
	die(call, idname);
}

/* ---- the set (semdemo.c uses these too) --------------------------------- */

int semset_create(key_t key)
{
	/* 0600: only our user.  nsems 2: one set, two counters. */
	int id = semget(key, NSEMS, IPC_CREAT | IPC_EXCL | 0600);

	if (id == -1 && errno != EEXIST)
		die("semget", "IPC_CREAT|IPC_EXCL");
	return id;
}

void semset_setall(int id, unsigned short can_read, unsigned short can_write)
{
	unsigned short v[NSEMS];
	union semun arg = { .array = v };

	v[CAN_READ] = can_read;
	v[CAN_WRITE] = can_write;
	/* semnum is ignored for SETALL; the union goes by value. */
	CHK(semctl(id, 0, SETALL, arg), "semctl(SETALL)", "the set");
}

void semset_publish(int id)
{
	/* sem_flg 0: no SEM_UNDO (see the top of the file). */
	struct sembuf v = { .sem_num = CAN_WRITE, .sem_op = +1 };

	CHK(semop(id, &v, 1), "semop", "V(CAN_WRITE)");
}

bool semset_initialised(int id)
{
	/* BEGIN EXERCISE 13.1: The late-comer's half of Stevens' technique:
	 * say whether the creator has finished initialising set ID.  Hint:
	 * semctl(2) IPC_STAT fills a struct semid_ds (through union semun);
	 * one of its times is set by semop(2) and never by semctl(). */
	struct semid_ds ds;
	union semun arg = { .buf = &ds };

	CHK(semctl(id, 0, IPC_STAT, arg), "semctl(IPC_STAT)", "the set");
	return ds.sem_otime != 0;
	/* STUB
	(void)id;
	return true;
	*/
	/* END EXERCISE */
}

int semset_getval(int id, int semnum)
{
	return CHK(semctl(id, semnum, GETVAL), "semctl(GETVAL)", "the set");
}
