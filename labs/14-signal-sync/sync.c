/*
 * sync.c - lab 14, method 4: the writer and the reader take turns with
 * the buffer through a flag in the shared memory, and wake each other
 * with SIGUSR1.  No semaphore anywhere.
 *
 *   /dev/shm/PREFIX-xfer-shm:  pid[2]   where to send the doorbell
 *                              full     whose turn: 0 the writer's, 1 the reader's
 *                              chunk
 *
 * Wait for my turn: until `full` says so, sleep in sigtimedwait(2) for
 * SIGUSR1.  Pass the turn: store the peer's value in `full`, then send
 * SIGUSR1 to the peer.  The flag is the message; the signal is only a
 * doorbell that says "look at the flag again".  Standard signals do not
 * queue (two may arrive as one), anybody may send one, and one may come
 * before its receiver waits: so every wait re-tests the flag.
 *
 * Three things make it work, and each is a mistake to avoid:
 *   1. `while (!flag) pause();` loses a signal that arrives between the
 *      test and the sleep (lost_wakeup.c forces it).  Here SIGUSR1 stays
 *      BLOCKED: a signal sent "too early" stays pending, and
 *      sigtimedwait() takes it at once.
 *   2. SIGUSR1's default action terminates.  It is blocked before our pid
 *      is in the shared memory, so a fast peer cannot kill us.
 *   3. No handler at all: sigtimedwait accepts the signal synchronously
 *      and says who sent it (si_pid), so a stranger's SIGUSR1 is ignored.
 * Seed bug: pause(), kill(), signal() (guide, lab 14).
 *
 *   $ build/14-signal-sync/reader -v > copy &
 *   reader: created /shmlabs-demo-4141-xfer-shm (/dev/shm/shmlabs-demo-4141-xfer-shm); my pid 6327 is in slot 1
 *   $ od -An -t d4 -N 12 /dev/shm/shmlabs-demo-4141-xfer-shm
 *              0        6327           0
 *   $ kill -USR1 6327
 *   reader: ignored SIGUSR1 from pid 4151 (not the writer)
 *
 * Man pages: signal(7), sigprocmask(2), sigtimedwait(2), kill(2),
 * pidfd_open(2), pidfd_send_signal(2), shm_open(3), ftruncate(2).
 */
#include "xfer.h"

#include "shmlabs.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The doorbell.  Its default action terminates the process. */
#define WAKE_SIG SIGUSR1

/* The object.  All zeros is the valid initial state: nobody there yet,
 * the writer's turn, an empty chunk.  Every access to pid[] and full is
 * sequentially consistent (see sync_pass_turn). */
struct shared {
	_Atomic pid_t pid[2]; /* [WRITER], [READER]: 0 until that side joins */
	_Atomic int full;     /* 0: the writer's turn, 1: the reader's */
	struct chunk chunk;
};

bool sync_verbose;

static const char *const role_name[] = { "writer", "reader" };
static enum role me;
static struct shared *sh;
static char *n_shm;	 /* "/PREFIX-xfer-shm" */
static int h_shm = -1;	 /* its handle in common's cleanup registry */
static int peer_fd = -1; /* pidfd of the peer, once it has joined */
static sigset_t wake;	 /* { WAKE_SIG } */
/* For -v and the tests: times we had to sleep, doorbells from the peer,
 * doorbells from anybody else, timeouts, and wake-ups that never came. */
static unsigned long sleeps, signals, strays, timeouts, lost;

static void late_or_lost(void);
static bool peer_gone(void);
static bool open_pidfd(pid_t pid);
static LAB_NORETURN void peer_died(void);

struct chunk *sync_join(enum role role, bool stop_in_init)
{
	bool creator = false;
	pid_t expected = 0;
	int fd = -1;

	me = role;
	setvbuf(stderr, NULL, _IOLBF, 0); /* one write(2) per -v line */
	n_shm = ipc_name("xfer-shm");
	/* Fix 2: from here on a SIGUSR1 waits, pending, until we take it. */
	sigemptyset(&wake);
	sigaddset(&wake, WAKE_SIG);
	CHK(sigprocmask(SIG_BLOCK, &wake, NULL), "sigprocmask", "SIGUSR1");

	/* O_EXCL decides who is first (the seed: "the first one creates").
	 * The object can vanish between EEXIST and the plain open (a
	 * transfer with our name just ended): then try again. */
	for (int attempt = 1; fd == -1; attempt++) {
		fd = shm_open(n_shm, O_RDWR | O_CREAT | O_EXCL, 0600);
		creator = fd != -1;
		if (!creator && errno != EEXIST)
			die("shm_open", n_shm);
		if (!creator)
			fd = shm_open(n_shm, O_RDWR, 0);
		if (fd == -1 && (errno != ENOENT || attempt == 5))
			die("shm_open", n_shm);
	}
	if (creator)
		h_shm = cleanup_add(CL_SHM_NAME, n_shm, -1);
	if (creator && stop_in_init) {
		note("--stop-in-init: pid %d stops before ftruncate(2): %s has 0 bytes (kill -CONT %d)",
		     (int)getpid(), n_shm, (int)getpid());
		CHK(raise(SIGSTOP), "raise", "SIGSTOP");
	}
	/*
	 * Both sides set the size.  For the creator that is the whole
	 * initialisation: the object grows filled with zeros, our initial
	 * state.  For the other one it is a no-op (ftruncate keeps the
	 * contents) - unless it came before the creator's ftruncate, and
	 * then it does the creator's job.  Nobody maps an empty object (that
	 * mmap would succeed, and the first touch raise SIGBUS), and nobody
	 * waits for an initialiser.
	 */
	CHK(ftruncate(fd, sizeof(*sh)), "ftruncate", n_shm);
	sh = CHK_MAP(mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED,
			  fd, 0),
		     "mmap", n_shm);
	CHK(close(fd), "close", n_shm); /* the mapping keeps the object */

	/* Our pid into our slot, if it is free. */
	if (!atomic_compare_exchange_strong(&sh->pid[me], &expected, getpid()))
		fail("another %s (pid %d) is already using %s (or a killed one left it: `make clean-ipc`)",
		     role_name[me], (int)expected, n_shm);
	if (!creator) /* taking part: Ctrl-C removes the name too */
		h_shm = cleanup_add(CL_SHM_NAME, n_shm, -1);
	note("%s %s (/dev/shm%s); my pid %d is in slot %d",
	     creator ? "created" : "opened", n_shm, n_shm, (int)getpid(),
	     (int)me);
	return &sh->chunk;
}

void sync_wait_turn(void)
{
	const struct timespec period = { .tv_nsec = SYNC_PERIOD_MS * 1000000L };
	int mine = me == WRITER ? 0 : 1; /* the value of `full` I wait for */

	if (atomic_load(&sh->full) != mine)
		sleeps++;
	/* WAKE_SIG is blocked, so test-then-sleep is safe: a SIGUSR1 sent
	 * after the test stays pending, and sigtimedwait returns at once. */
	while (atomic_load(&sh->full) != mine) {
		siginfo_t si;
		int sig = sigtimedwait(&wake, &si, &period);

		if (sig == WAKE_SIG &&
		    si.si_pid == atomic_load(&sh->pid[!me])) {
			signals++;
		} else if (sig == WAKE_SIG) {
			/* Not from the peer: ignore it.  The loop re-tests
			 * the flag anyway, so a stray costs one test. */
			strays++;
			note("ignored SIGUSR1 from pid %d (not the %s)",
			     (int)si.si_pid, role_name[!me]);
		} else if (errno == EAGAIN) { /* a quiet period */
			timeouts++;
			if (atomic_load(&sh->full) == mine) {
				late_or_lost();
				return;
			}
			if (peer_gone())
				peer_died();
		} else if (errno != EINTR) { /* EINTR: after SIGSTOP/SIGCONT */
			die("sigtimedwait", "SIGUSR1");
		}
	}
}

void sync_pass_turn(void)
{
	pid_t pid;

	/*
	 * Store the flag FIRST, then read the peer's pid.  A newcomer does
	 * the opposite: it stores its pid (sync_join), then reads the flag.
	 * With sequentially consistent atomics at least one of the two sees
	 * the other's store: the newcomer finds the flag set without
	 * sleeping, or we find its pid and ring - never neither.
	 */
	atomic_store(&sh->full, me == WRITER ? 1 : 0);
	pid = atomic_load(&sh->pid[!me]);
	if (pid == 0)
		return; /* not there yet: it tests the flag before it sleeps */
	/* A pid may be reused once its process is gone, and kill(pid, sig)
	 * would then ring a stranger.  A pidfd names one process for good. */
	if (!open_pidfd(pid))
		peer_died();
	if (pidfd_send_signal(peer_fd, WAKE_SIG, NULL, 0) == 0)
		return;
	if (errno == ESRCH) /* it has ended, and been reaped */
		peer_died();
	die("pidfd_send_signal", role_name[!me]);
}

void sync_check_peer(void)
{
	if (peer_gone())
		peer_died();
}

void sync_leave(void)
{
	note("%lu sleeps, %lu wake-up signals from the peer, %lu stray signals ignored, %lu timeouts, %lu lost wake-ups",
	     sleeps, signals, strays, timeouts, lost);
	if (me == WRITER) {
		CHK(shm_unlink(n_shm), "shm_unlink", n_shm);
		note("removed %s", n_shm);
	}
	cleanup_done(h_shm);
	CHK(munmap(sh, sizeof(*sh)), "munmap", n_shm);
	if (peer_fd != -1)
		CHK(close(peer_fd), "close", "pidfd");
}

/*
 * A period passed without a doorbell, yet the flag is mine.  The peer
 * stores the flag before it rings, so its SIGUSR1 may just be on its way
 * (the peer was preempted between the two).  Give it one more period: a
 * wake-up counts as lost only if it never comes.
 */
static void late_or_lost(void)
{
	const struct timespec period = { .tv_nsec = SYNC_PERIOD_MS * 1000000L };
	siginfo_t si;

	if (sigtimedwait(&wake, &si, &period) == WAKE_SIG &&
	    si.si_pid == atomic_load(&sh->pid[!me])) {
		signals++;
		return;
	}
	lost++;
	note("lost wake-up (rescued by the timeout)");
}

/*
 * Has the peer gone?  pidfd_open(2) gives a file descriptor for the
 * process whose pid the peer stored; poll(2) reports it readable once that
 * process has terminated (a zombie counts as gone).
 */
static bool peer_gone(void)
{
	pid_t pid = atomic_load(&sh->pid[!me]);
	struct pollfd p = { .events = POLLIN };

	if (pid == 0)
		return false; /* not arrived yet: waiting for it is fine */
	if (!open_pidfd(pid))
		return true;
	p.fd = peer_fd;
	return CHK(poll(&p, 1, 0), "poll", "pidfd") == 1;
}

/* The peer's pidfd, opened the first time we need it: false if there is
 * no process PID any more (ESRCH). */
static bool open_pidfd(pid_t pid)
{
	if (peer_fd != -1)
		return true;
	peer_fd = pidfd_open(pid, 0);
	if (peer_fd == -1 && errno == ESRCH)
		return false;
	CHK(peer_fd, "pidfd_open", role_name[!me]);
	return true;
}

static void peer_died(void)
{
	fail("peer %s (pid %d) died; removing %s", role_name[!me],
	     (int)atomic_load(&sh->pid[!me]), n_shm);
}
