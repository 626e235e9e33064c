/*
 * sync.c - lab 11, method 1: the writer and the reader take turns with
 * the buffer through two NAMED POSIX semaphores.
 *
 *   /PREFIX-xfer-shm        shm object: both pids and the chunk
 *   /PREFIX-xfer-can-write  named semaphore, 1 at first: "the buffer is free"
 *   /PREFIX-xfer-can-read   named semaphore, 0 at first: "a chunk is in it"
 *   /PREFIX-xfer-ready      named semaphore, 0 at first: "the creator is done"
 *
 * Wait for my turn: sem_wait() on mine (the writer's is can-write, the
 * reader's can-read).  Pass the turn: sem_post() on the peer's.  The sum
 * of the two is 1 between operations: exactly one side owns the buffer.
 * On Linux every name is a file in /dev/shm, a semaphore as "sem.NAME":
 *
 *   $ build/11-named-semaphore/reader -v > copy &
 *   reader: shm_open(/shmlabs-1000-xfer-shm, O_CREAT|O_EXCL): created, so I am first
 *   reader: sem_open(/shmlabs-1000-xfer-can-write, O_CREAT|O_EXCL, 0600, 1): created
 *   reader: sem_open(/shmlabs-1000-xfer-can-read, O_CREAT|O_EXCL, 0600, 0): created
 *   reader: sem_post(/shmlabs-1000-xfer-ready): the gate is open
 *   reader: I am pid 12535, the reader
 *   $ ls /dev/shm
 *   sem.shmlabs-1000-xfer-can-read   sem.shmlabs-1000-xfer-ready
 *   sem.shmlabs-1000-xfer-can-write  shmlabs-1000-xfer-shm
 *   $ build/11-named-semaphore/writer < /etc/hostname
 *   reader: chunk 1: 3 bytes -> stdout
 *   reader: chunk 2: 0 bytes -> stdout
 *   reader: received 3 bytes in 2 chunks (the last one empty)
 *
 * Man pages: sem_overview(7), sem_open(3), sem_wait(3), sem_post(3),
 * sem_close(3), sem_unlink(3), shm_open(3), mmap(2), kill(2).
 */
#include "xfer.h"

#include "shmlabs.h"

#include <fcntl.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* CHK for sem_open(), which fails with SEM_FAILED, not -1 (scaffolding:
 * the lesson's own sem_open() calls below write their test out). */
#define CHK_SEM(expr, call, obj) CHK_IF(expr, SEM_FAILED, call, obj)

/* The shm object.  pid[] is read by the peer at any time, outside the
 * semaphore protocol: atomic (and lock-free, so it is a plain memory word
 * that works between processes).  The chunk needs no atomics: sem_post
 * and sem_wait order memory like a lock does (POSIX XBD 4.12). */
struct shared {
	atomic_int pid[2]; /* [WRITER], [READER]: 0 until that side joins */
	struct chunk chunk;
};
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free");

bool sync_verbose;

static const char *const role_name[] = { "writer", "reader" };
static enum role me;
static struct shared *sh;
static sem_t *can_write, *can_read;
/* The names, and their handles in common's cleanup registry: removed at
 * exit and on SIGINT/SIGTERM, unless sync_leave() says we are done. */
static char *n_shm, *n_can_write, *n_can_read, *n_ready;
static int h_shm = -1, h_can_write = -1, h_can_read = -1, h_ready = -1;

static int open_shm(bool *creator, sem_t **ready);
static void create(int fd, sem_t *ready, bool stop_in_init);
static void join(int fd, sem_t *ready);
static sem_t *create_sem(const char *name, unsigned value, int *handle);
static void claim_slot(void);
static bool peer_alive(void);
static LAB_NORETURN void peer_died(void);
static void deadline(struct timespec *t);

struct chunk *sync_join(enum role role, bool stop_in_init)
{
	bool creator;
	sem_t *ready;
	int fd;

	me = role;
	setvbuf(stderr, NULL, _IOLBF, 0); /* one write(2) per -v line */
	/* Seed bug: sem_open("mysem_r") without the '/' (guide, lab 11). */
	n_shm = ipc_name("xfer-shm");
	n_can_write = ipc_name("xfer-can-write");
	n_can_read = ipc_name("xfer-can-read");
	n_ready = ipc_name("xfer-ready");

	/*
	 * Both sides open the gate with O_CREAT and the same value 0: a
	 * named semaphore is created AND given its value in one call (glibc
	 * builds it in a temporary file and link(2)s the finished file under
	 * its name), so nobody ever opens a half-made one.  Note the test:
	 * sem_open() returns SEM_FAILED, not -1.
	 */
	ready = sem_open(n_ready, O_CREAT, 0600, 0);
	if (ready == SEM_FAILED)
		die("sem_open", n_ready);
	fd = open_shm(&creator, &ready);
	if (creator)
		create(fd, ready, stop_in_init);
	else
		join(fd, ready);
	CHK(sem_close(ready), "sem_close", n_ready);
	claim_slot();
	return &sh->chunk;
}

void sync_wait_turn(void)
{
	sem_t *mine = me == WRITER ? can_write : can_read;

	for (;;) {
		struct timespec t;

		/* sem_wait(3) would sleep for ever if the peer died.  Its
		 * sibling sem_clockwait() gives up at a deadline on the clock
		 * we name (CLOCK_MONOTONIC does not jump when the date is set;
		 * sem_timedwait's CLOCK_REALTIME does). */
		deadline(&t);
		if (sem_clockwait(mine, CLOCK_MONOTONIC, &t) == 0)
			return;
		/* Seed bug: em_wait(), sem_wait() unchecked (guide, lab 11).
		 * EINTR: a handler ran, and we do NOT own the semaphore. */
		if (errno == EINTR)
			continue;
		if (errno != ETIMEDOUT)
			die("sem_clockwait",
			    mine == can_write ? n_can_write : n_can_read);
		if (peer_alive())
			continue;
		/* Its last sem_post may have come just before it exited. */
		if (sem_trywait(mine) == 0)
			return;
		peer_died();
	}
}

void sync_pass_turn(void)
{
	sem_t *theirs = me == WRITER ? can_read : can_write;

	/* sem_post fails only with EINVAL or EOVERFLOW: a broken program. */
	CHK(sem_post(theirs), "sem_post",
	    theirs == can_read ? n_can_read : n_can_write);
}

void sync_check_peer(void)
{
	if (!peer_alive())
		peer_died();
}

static void peer_died(void)
{
	/* fail() exits; the cleanup registry then unlinks every name, so
	 * nothing is left although the peer could not clean up. */
	fail("peer %s (pid %d) died before the transfer was complete; removing the objects",
	     role_name[!me], atomic_load(&sh->pid[!me]));
}

void sync_leave(void)
{
	const char *names[] = { n_can_write, n_can_read, n_ready };
	int *handles[] = { &h_can_write, &h_can_read, &h_ready };

	CHK(munmap(sh, sizeof(*sh)), "munmap", n_shm);
	CHK(sem_close(can_write), "sem_close", n_can_write);
	CHK(sem_close(can_read), "sem_close", n_can_read);
	if (me == WRITER) {
		/* Seed bug: no sem_unlink, no shm_unlink (guide, lab 11).
		 * Unlinking removes the name only: the reader, which may
		 * still be finishing, keeps what it has open. */
		CHK(shm_unlink(n_shm), "shm_unlink", n_shm);
		for (int i = 0; i < 3; i++)
			CHK(sem_unlink(names[i]), "sem_unlink", names[i]);
		note("unlinked %s and the three semaphores", n_shm);
	}
	cleanup_done(h_shm);
	for (int i = 0; i < 3; i++)
		cleanup_done(*handles[i]);
}

/* ---- create or join ------------------------------------------------- */

/* shm_open(O_CREAT|O_EXCL) decides who is first: exactly one side
 * creates, the other gets EEXIST and opens the creator's object. */
static int open_shm(bool *creator, sem_t **ready)
{
	for (int attempt = 1;; attempt++) {
		/* Seed bug: System V shm under POSIX semaphores, mode 0666
		 * (guide, lab 11). */
		int fd = shm_open(n_shm, O_RDWR | O_CREAT | O_EXCL, 0600);

		*creator = fd != -1;
		if (*creator) {
			note("shm_open(%s, O_CREAT|O_EXCL): created, so I am first",
			     n_shm);
			h_shm = cleanup_add(CL_SHM_NAME, n_shm, 0);
			h_ready = cleanup_add(CL_SEM_NAME, n_ready, 0);
			return fd;
		}
		if (errno != EEXIST)
			die("shm_open", n_shm);
		fd = shm_open(n_shm, O_RDWR, 0);
		if (fd != -1)
			return fd;
		/* ENOENT: it vanished between our two calls (a transfer
		 * with these names just ended, and unlinked its gate too).
		 * Open the gate afresh and try again, a few times. */
		if (errno != ENOENT || attempt == 10)
			die("shm_open", n_shm);
		CHK(sem_close(*ready), "sem_close", n_ready);
		*ready = CHK_SEM(sem_open(n_ready, O_CREAT, 0600, 0),
				 "sem_open", n_ready);
	}
}

/* The first side: size and map the object, create the two semaphores,
 * then open the gate for the peer. */
static void create(int fd, sem_t *ready, bool stop_in_init)
{
	CHK(ftruncate(fd, sizeof(*sh)), "ftruncate", n_shm);
	sh = CHK_MAP(mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED,
			  fd, 0),
		     "mmap", n_shm);
	CHK(close(fd), "close", n_shm); /* the mapping keeps the object */
	can_write = create_sem(n_can_write, 1, &h_can_write);
	can_read = create_sem(n_can_read, 0, &h_can_read);
	if (stop_in_init) {
		note("--stop-in-init: pid %d stops before sem_post(%s) (kill -CONT %d)",
		     (int)getpid(), n_ready, (int)getpid());
		CHK(raise(SIGSTOP), "raise", "SIGSTOP");
	}
	CHK(sem_post(ready), "sem_post", n_ready);
	note("sem_post(%s): the gate is open", n_ready);
}

/*
 * Seed bug: sem_open(O_CREAT) without O_EXCL (guide, lab 11).  A
 * semaphore left by a killed run would be opened with its OLD count and
 * the initial value ignored: O_EXCL turns that into EEXIST.
 */
static sem_t *create_sem(const char *name, unsigned value, int *handle)
{
	sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, value);

	if (s == SEM_FAILED && errno == EEXIST)
		fail("sem_open(%s, O_CREAT|O_EXCL): EEXIST: a semaphore left by an earlier, killed run (its count is unknown); remove it with `make clean-ipc`",
		     name);
	if (s == SEM_FAILED)
		die("sem_open", name);
	*handle = cleanup_add(CL_SEM_NAME, name, 0);
	note("sem_open(%s, O_CREAT|O_EXCL, 0600, %u): created", name, value);
	return s;
}

/*
 * The second side.  Until the creator's ftruncate the object has size 0
 * (touching a mapping of it: SIGBUS), and until its sem_open calls the
 * semaphores do not exist (ENOENT).  So wait at the gate: sem_wait(ready)
 * sleeps until the creator posts it, and posting it again at once leaves
 * the gate open for anyone who comes later.
 */
static void join(int fd, sem_t *ready)
{
	struct timespec t;
	struct stat st;

	note("shm_open(%s, O_CREAT|O_EXCL): EEXIST, so the %s was first; waiting at %s",
	     n_shm, role_name[!me], n_ready);
	for (;;) {
		deadline(&t);
		if (sem_clockwait(ready, CLOCK_MONOTONIC, &t) == 0)
			break;
		if (errno != EINTR && errno != ETIMEDOUT)
			die("sem_clockwait", n_ready);
		/* A creator that gave up half way removed the name (its
		 * cleanup): then our descriptor's link count is 0. */
		CHK(fstat(fd, &st), "fstat", n_shm);
		if (st.st_nlink == 0)
			fail("the first side went away before it opened %s; start both sides again",
			     n_ready);
	}
	CHK(sem_post(ready), "sem_post", n_ready);
	CHK(fstat(fd, &st), "fstat", n_shm);
	if (st.st_size != (off_t)sizeof(*sh))
		fail("%s has %lld bytes, expected %zu: not a transfer object of this lab (try `make clean-ipc`)",
		     n_shm, (long long)st.st_size, sizeof(*sh));
	sh = CHK_MAP(mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED,
			  fd, 0),
		     "mmap", n_shm);
	CHK(close(fd), "close", n_shm);
	/* Without O_CREAT: they exist now, and we must not make new ones. */
	can_write = CHK_SEM(sem_open(n_can_write, 0), "sem_open", n_can_write);
	can_read = CHK_SEM(sem_open(n_can_read, 0), "sem_open", n_can_read);
	note("passed the gate: opened %s and the semaphores", n_shm);
}

/* Our pid into our slot, if it is free: a second writer (or reader) must
 * go away without touching the running transfer's names. */
static void claim_slot(void)
{
	int expected = 0;

	if (!atomic_compare_exchange_strong(&sh->pid[me], &expected,
					    (int)getpid()))
		fail("another %s (pid %d) is already using %s", role_name[me],
		     expected, n_shm);
	/* From now on we take part: on Ctrl-C we remove every name, so
	 * that the peer stops instead of waiting for us. */
	if (h_can_write == -1) {
		h_shm = cleanup_add(CL_SHM_NAME, n_shm, 0);
		h_ready = cleanup_add(CL_SEM_NAME, n_ready, 0);
		h_can_write = cleanup_add(CL_SEM_NAME, n_can_write, 0);
		h_can_read = cleanup_add(CL_SEM_NAME, n_can_read, 0);
	}
	note("I am pid %d, the %s", (int)getpid(), role_name[me]);
}

/*
 * Is the peer still there?  A semaphore does not know who will post it:
 * if the peer is killed, our wait would never end.  So every wait gives
 * up after SYNC_PERIOD_MS, and then we ask the kernel about the pid that
 * the peer stored in the shared memory.
 */
static bool peer_alive(void)
{
	pid_t pid = atomic_load(&sh->pid[!me]);

	if (pid == 0)
		return true; /* not arrived yet: waiting for it is fine */
	/* BEGIN EXERCISE 11.1: Find out whether process PID still exists,
	 * without disturbing it.  Hint: kill(2) - read what signal 0 does,
	 * and what each of its errors says about the process. */
	if (kill(pid, 0) == 0 || errno == EPERM)
		return true; /* EPERM: it exists, but is not ours */
	if (errno != ESRCH)
		die("kill", role_name[!me]);
	return false;
	/* STUB
	static unsigned waits;

	if (++waits * SYNC_PERIOD_MS < 30000)
		return true;
	fail("exercise 11.1 is not done yet: cannot tell whether the %s (pid %d) still runs; giving up after 30 s",
	     role_name[!me], (int)pid);
	*/
	/* END EXERCISE */
}

/* Now + SYNC_PERIOD_MS on CLOCK_MONOTONIC: an absolute deadline. */
static void deadline(struct timespec *t)
{
	CHK(clock_gettime(CLOCK_MONOTONIC, t), "clock_gettime",
	    "CLOCK_MONOTONIC");
	t->tv_nsec += SYNC_PERIOD_MS * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}
