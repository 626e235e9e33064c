/*
 * sigxfer.c - lab 14's machinery: a POSIX shared memory object holds the
 * buffer, the ownership flag and both pids; the two processes wake each
 * other with SIGUSR1.
 *
 * The seed's recipe is "pause(), kill(), signal()".  Three things go wrong
 * with it, and this file is the fix for each:
 *
 *  1. pause() loses wake-ups.  `if (!flag) pause();` has a window between
 *     the test and the sleep: a signal delivered there runs its handler,
 *     and pause() then sleeps for the NEXT signal, which never comes.
 *     lost_wakeup.c makes that happen on purpose.  Here WAKE_SIG is kept
 *     blocked all the time: a signal sent "too early" stays pending, and
 *     sigtimedwait(2) takes it at once.  (sigsuspend(2) is the other
 *     correct tool; lost_wakeup.c uses it.  We want a timeout, which
 *     sigsuspend does not have.)
 *
 *  2. SIGUSR1's default action is to TERMINATE.  If the peer reads our pid
 *     from the shared memory and signals us before we have installed a
 *     handler (or blocked the signal), we die.  Seed gap: "exchange pids
 *     through the shared memory; use signal()" says nothing about the
 *     order, and the natural order (publish the pid, then set things up)
 *     is the fatal one.  We block the signal before the pid is published.
 *
 *  3. A signal is not a message.  Standard signals do not queue (two
 *     kill()s can arrive as one), anybody with permission may send one, and
 *     the peer may signal before we even wait.  The state - who owns the
 *     buffer - lives in the shared flag `full`; the signal only says "look
 *     again", and every wait loops on the flag.
 *
 * Peer death: sigtimedwait(2) returns EAGAIN after 1 s; then kill(pid, 0)
 * on the pid stored in the shared memory says ESRCH if the peer is gone.
 */
#include "sigxfer.h"
#include "shmlabs.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const role_name[] = { "writer", "reader" };

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

static enum role peer_of(const struct xfer *x)
{
	return x->role == WRITER ? READER : WRITER;
}

static sigset_t wake_set(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, WAKE_SIG);
	return set;
}

/* Our slot takes our pid, atomically and only if free. */
static void claim_slot(struct xfer *x)
{
	pid_t expected = 0;

	if (atomic_compare_exchange_strong(&x->sh->pid[x->role], &expected,
					   getpid()))
		return;
	if (expected > 0 && (kill(expected, 0) == 0 || errno == EPERM))
		fail("another %s (pid %d) is already using %s",
		     role_name[x->role], (int)expected, x->name);
	fail("stale object %s: a %s (pid %d) died there before; remove it "
	     "with `make clean-ipc`",
	     x->name, role_name[x->role], (int)expected);
}

void xfer_open(struct xfer *x, enum role role, bool verbose)
{
	int fd = -1;

	*x = (struct xfer){ .role = role, .verbose = verbose, .cl_shm = -1 };
	x->name = ipc_name("xfer-shm");

	/* Fix 2: from here on a SIGUSR1 waits, pending, until we take it.
	 * (A blocked signal is still delivered - later, when we ask.) */
	sigset_t set = wake_set();

	CHK(sigprocmask(SIG_BLOCK, &set, NULL), "sigprocmask", "SIGUSR1");

	/* O_EXCL decides who is first.  If the object vanishes between our
	 * EEXIST and the plain open (a previous transfer just ended), try
	 * to create it again, a few times. */
	for (int attempt = 1; fd == -1; attempt++) {
		fd = shm_open(x->name, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd != -1) {
			x->creator = true;
			x->cl_shm = cleanup_add(CL_SHM_NAME, x->name, -1);
			break;
		}
		if (errno != EEXIST)
			die("shm_open", x->name);
		fd = shm_open(x->name, O_RDWR, 0);
		if (fd == -1 && (errno != ENOENT || attempt == 5))
			die("shm_open", x->name);
	}
	/*
	 * Both sides set the size.  For the creator this is the whole
	 * initialisation: the object grows filled with zeros, and zeros are
	 * our initial state.  For the second process it is a no-op (the same
	 * size again; ftruncate(2) keeps the contents) - unless it got here
	 * before the creator's ftruncate, and then it does the creator's job.
	 * Either way nobody maps an object of size 0 (mmap would succeed, and
	 * touching it would raise SIGBUS), and nobody has to wait.
	 */
	CHK(ftruncate(fd, sizeof(struct shared)), "ftruncate", x->name);
	x->sh = CHK_MAP(mmap(NULL, sizeof(struct shared),
			     PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
			"mmap", x->name);
	CHK(close(fd), "close", x->name); /* the mapping keeps the object */

	claim_slot(x);
	if (!x->creator) /* taking part: Ctrl-C removes the name too */
		x->cl_shm = cleanup_add(CL_SHM_NAME, x->name, -1);
	note(x, "%s %s (/dev/shm%s); my pid %d is in slot %d",
	     x->creator ? "created" : "opened", x->name, x->name, (int)getpid(),
	     (int)x->role);
}

void xfer_check_peer(struct xfer *x)
{
	enum role peer = peer_of(x);
	pid_t pid = atomic_load(&x->sh->pid[peer]);

	/* 0: not arrived yet, waiting is fine.  Never kill(0, ...): that
	 * signals our whole process group. */
	if (pid <= 0)
		return;
	/* Signal 0 sends nothing; it only checks.  ESRCH = gone.  (A zombie
	 * still "exists" until reaped, and pids get reused: pidfd_open(2)
	 * fixes both on Linux >= 5.3.) */
	if (kill(pid, 0) == 0 || errno == EPERM)
		return;
	if (errno != ESRCH)
		die("kill", "peer pid");
	fail("peer %s (pid %d) died; removing %s", role_name[peer], (int)pid,
	     x->name);
}

void xfer_wait_until(struct xfer *x, int want)
{
	const sigset_t set = wake_set();
	const struct timespec period = { .tv_sec = 1 };
	bool slept = false;

	/* WAKE_SIG is blocked (xfer_open), so the order test-then-sleep is
	 * safe: a SIGUSR1 sent after the test stays pending, and
	 * sigtimedwait() returns with it at once instead of sleeping. */
	while (atomic_load(&x->sh->full) != want) {
		siginfo_t si;
		int sig;

		if (!slept)
			x->waits++;
		slept = true;
		sig = sigtimedwait(&set, &si, &period);
		if (sig == WAKE_SIG) {
			/* si_pid says who sent it (sigaction(2), siginfo_t).
			 * Not the peer?  Ignore it - the loop re-tests the
			 * flag anyway, so a stray signal costs one test. */
			if (si.si_pid != atomic_load(&x->sh->pid[peer_of(x)])) {
				x->strays++;
				note(x,
				     "ignored SIGUSR1 from pid %d (not the "
				     "%s)",
				     (int)si.si_pid, role_name[peer_of(x)]);
			} else {
				x->signals++;
			}
			continue;
		}
		if (sig == -1 && errno == EAGAIN) { /* a quiet second */
			x->timeouts++;
			if (atomic_load(&x->sh->full) == want) {
				/* The flag changed but no signal came in a
				 * whole second: a lost wake-up, rescued by
				 * the timeout.  Counted to prove that it does
				 * not happen (only a signal still in flight
				 * as the second ends could be counted). */
				x->lost++;
				note(x,
				     "lost wake-up (rescued by the timeout)");
				break;
			}
			xfer_check_peer(x);
			continue;
		}
		if (sig == -1 &&
		    errno == EINTR) /* e.g. after SIGSTOP/SIGCONT */
			continue;
		die("sigtimedwait", "SIGUSR1");
	}
}

void xfer_hand_over(struct xfer *x, int new_full)
{
	enum role peer = peer_of(x);

	/*
	 * Store the flag FIRST, then read the peer's pid.  The peer does the
	 * opposite: it stores its pid (claim_slot), then reads the flag.
	 * With sequentially consistent atomics at least one of us sees the
	 * other's store, so the peer either finds the flag set without
	 * sleeping, or is found here and signalled - never neither:
	 *
	 *   we:   full = 1;       pid = slot[peer];  (0? don't signal)
	 *   peer: slot[peer] = me; if (full != 1) sleep...
	 */
	atomic_store(&x->sh->full, new_full);
	pid_t pid = atomic_load(&x->sh->pid[peer]);

	if (pid <= 0)
		return; /* not there yet: it will test the flag first */
	if (kill(pid, WAKE_SIG) == 0)
		return;
	if (errno != ESRCH)
		die("kill", "SIGUSR1 to the peer");
	fail("peer %s (pid %d) died; removing %s", role_name[peer], (int)pid,
	     x->name);
}

void xfer_close(struct xfer *x, bool remove)
{
	note(x,
	     "%lu sleeps, %lu wake-up signals from the peer, %lu stray "
	     "signals ignored, %lu timeouts, %lu lost wake-ups",
	     x->waits, x->signals, x->strays, x->timeouts, x->lost);
	if (remove) {
		CHK(shm_unlink(x->name), "shm_unlink", x->name);
		note(x, "removed %s", x->name);
	}
	cleanup_done(x->cl_shm);
	CHK(munmap(x->sh, sizeof(struct shared)), "munmap", x->name);
}
