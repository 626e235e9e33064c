/*
 * lost_wakeup.c - Lab 14: why `while (!flag) pause();` can sleep forever,
 * made to happen every time, and the fix (sigprocmask + sigsuspend).
 *
 * A waiter (the parent) sleeps until a poster (a forked child) sets a flag
 * in shared memory and sends SIGUSR1.  The classic code:
 *
 *     while (!flag)          (1) test
 *             pause();       (2) sleep until a signal's handler has run
 *
 * If the signal arrives between (1) and (2), its handler runs there, and
 * pause() waits for the NEXT signal.  There is none: a lost wake-up.
 *
 *   waiter                                  poster
 *   flag == 0 -> will sleep
 *        |    <-- the window -->            flag = 1
 *        |                                  kill(waiter, SIGUSR1)
 *   handler runs (nobody is asleep yet)
 *   pause() ...... forever
 *
 * The window is a few instructions wide, so a real program loses a
 * wake-up only now and then (--rounds with --racy may or may not show
 * one).  To show it every time, the waiter does its step (1), then, where
 * the scheduler COULD have switched to the poster, tells the poster over a
 * pipe to go ahead and waits until it has posted.  No sleeping, no timing:
 * the order is forced by the handshake.
 *
 * The fix: block SIGUSR1 BEFORE the test.  A signal sent in the window is
 * then only marked pending.  sigsuspend(mask) replaces the signal mask
 * (unblocking SIGUSR1) and sleeps as ONE atomic step, so the pending signal
 * is delivered at once and sigsuspend() returns.  (sigwaitinfo(2), as the
 * transfer in sync.c uses, is the other correct way: the signal stays
 * blocked and is accepted synchronously.)
 *
 * Every wait here is bounded by alarm(2): instead of hanging, the racy
 * version reports "lost wake-up: would have blocked forever" and exits 1.
 * The alarm is itself a signal: the correct version blocks SIGALRM around
 * its test too, or the alarm could be lost in the same window.
 *
 *   $ build/14-signal-sync/lost_wakeup --racy --alarm 1
 *   waiter: racy: while (!flag) pause();
 *   waiter: flag == 0, going to sleep... (the window: let the poster run now)
 *   poster: flag = 1, kill(waiter, SIGUSR1)
 *   waiter: back in the window: SIGUSR1 handler has run 1 time(s); SIGUSR1 pending: no
 *   waiter: pause()
 *   waiter: woke after 1004 ms; SIGUSR1 blocked now: no
 *   lost_wakeup: lost wake-up: would have blocked forever (...)
 *   $ build/14-signal-sync/lost_wakeup --rounds 100000    (sigsuspend)
 *   100000 round trips (100000 signals each way), 0 lost wake-ups
 *
 * Man pages: pause(2), sigsuspend(2), sigprocmask(2), sigaction(2),
 * sigpending(2), alarm(2), signal(7) ("Waiting for a signal to be caught").
 */
#include "shmlabs.h"

#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
	"[--racy] [--rounds N] [--alarm SECONDS]\n"
	"  Without --rounds: force a SIGUSR1 into the window between testing\n"
	"  a flag and going to sleep.  --racy sleeps with pause() (the\n"
	"  wake-up is lost; the alarm catches it, exit 1); the default uses\n"
	"  sigprocmask + sigsuspend (exit 0).\n"
	"  --rounds N  N ping-pong round trips with a child instead\n"
	"  --alarm S   bound on every wait, in seconds (default 2)";

/* Set by the handlers; sig_atomic_t, volatile: see signal-safety(7). */
static volatile sig_atomic_t usr1_seen; /* SIGUSR1 handler runs */
static volatile sig_atomic_t alarmed;	/* the bound expired */

/* A flag in memory shared by parent and child (MAP_SHARED|MAP_ANONYMOUS,
 * lab 5): the STATE.  The signal only says "look at it". */
static _Atomic int *word;

static int to_poster[2], to_waiter[2]; /* the forced window's handshake */
static bool forced_window;	       /* open the window once (flag_is) */
static bool racy; /* --racy: pause() instead of sigsuspend() */

static bool flag_is(int want);
static void put(int fd);
static void get(int fd);
static void on_usr1(int sig);
static void on_alarm(int sig);
static void install(int sig, void (*handler)(int));
static void reap(pid_t child, int *status);
static long number(const char *s, long max, const char *what);
static int forced_once(unsigned bound);
static int rounds(long n, unsigned bound);

/* The classic, racy wait.  Seed bug: the seed's method 4 recipe, "pause,
 * kill, signal" (guide, lab 14).  Returns when the flag is WANT or the alarm
 * fired.  (Its own test of `alarmed` has the same race, but the alarm is
 * seconds away and the window nanoseconds wide; the correct version below
 * closes that hole as well.) */
static void wait_racy(int want)
{
	while (!flag_is(want) && !alarmed)
		pause(); /* always returns -1, EINTR, after a handler ran */
}

/* The correct wait: no signal sent after the test can be missed. */
static void wait_correct(int want)
{
	/* BEGIN EXERCISE 14.1: Make this wait immune to lost wake-ups: a
	 * SIGUSR1 (or SIGALRM) that arrives after flag_is() has looked must
	 * still end the sleep.  Leave the signal mask as you found it.
	 * Hint: sigprocmask(2), sigsuspend(2), and signal(7), "Waiting for
	 * a signal to be caught". */
	sigset_t block, during;

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGALRM);
	/* `during` receives the mask we had: the one to sleep with. */
	CHK(sigprocmask(SIG_BLOCK, &block, &during), "sigprocmask",
	    "SIG_BLOCK");
	sigdelset(&during, SIGUSR1); /* in case the caller had them blocked */
	sigdelset(&during, SIGALRM);
	/* Unblock + sleep, atomically; returns -1/EINTR after the handler
	 * of a delivered signal ran, with the mask back to `block`, so the
	 * next test is protected again. */
	while (!flag_is(want) && !alarmed)
		sigsuspend(&during);
	CHK(sigprocmask(SIG_UNBLOCK, &block, NULL), "sigprocmask",
	    "SIG_UNBLOCK");
	/* STUB
	wait_racy(want);
	*/
	/* END EXERCISE */
}

/* One bounded wait for the flag to become WANT; returns how long it
 * slept, in ms (CLOCK_MONOTONIC, so the test need not time the process). */
static long wait_for(int want, unsigned bound)
{
	struct timespec t0, t1;

	CHK(clock_gettime(CLOCK_MONOTONIC, &t0), "clock_gettime", "MONOTONIC");
	alarm(bound); /* returns the previous alarm's remaining seconds */
	if (racy)
		wait_racy(want);
	else
		wait_correct(want);
	alarm(0);
	CHK(clock_gettime(CLOCK_MONOTONIC, &t1), "clock_gettime", "MONOTONIC");
	return (t1.tv_sec - t0.tv_sec) * 1000L +
	       (t1.tv_nsec - t0.tv_nsec) / 1000000L;
}

/*
 * Test the flag.  The one time that forced_window is set and the flag is
 * not yet WANT, the forced window opens here - after the test, before the
 * caller sleeps: control goes to the poster, and comes back only after it
 * has set the flag and sent SIGUSR1.  Then it reports where the signal
 * is: already handled (racy) or pending (blocked: correct).
 */
static bool flag_is(int want)
{
	sigset_t pending;

	if (atomic_load(word) == want)
		return true;
	if (!forced_window)
		return false;
	forced_window = false;
	printf("waiter: flag == 0, going to sleep... (the window: let the poster run now)\n");
	put(to_poster[1]);
	get(to_waiter[0]);
	CHK(sigpending(&pending), "sigpending", NULL);
	printf("waiter: back in the window: SIGUSR1 handler has run %d time(s); SIGUSR1 pending: %s\n",
	       (int)usr1_seen, sigismember(&pending, SIGUSR1) ? "yes" : "no");
	printf("waiter: %s()\n", racy ? "pause" : "sigsuspend");
	return false; /* what the caller saw: it goes to sleep now */
}

/* ---- one forced wake-up ----------------------------------------------- */

static int forced_once(unsigned bound)
{
	pid_t waiter = getpid();
	sigset_t mask;
	int status;
	long ms;

	CHK(pipe(to_poster), "pipe", "to poster");
	CHK(pipe(to_waiter), "pipe", "to waiter");
	pid_t poster = CHK(fork(), "fork", "poster");

	if (poster == 0) {
		get(to_poster[0]); /* "I tested the flag" */
		atomic_store(word, 1);
		CHK(kill(waiter, SIGUSR1), "kill", "waiter");
		printf("poster: flag = 1, kill(waiter, SIGUSR1)\n");
		put(to_waiter[1]); /* "done" */
		_exit(0);
	}
	printf("waiter: %s\n",
	       racy ? "racy: while (!flag) pause();"
		    : "correct: block SIGUSR1, while (!flag) sigsuspend();");
	forced_window = true;
	ms = wait_for(1, bound);
	CHK(sigprocmask(SIG_BLOCK, NULL, &mask), "sigprocmask", "query");
	printf("waiter: woke after %ld ms; SIGUSR1 blocked now: %s\n", ms,
	       sigismember(&mask, SIGUSR1) ? "yes" : "no");
	reap(poster, &status);
	if (alarmed) {
		fprintf(stderr,
			"%s: lost wake-up: would have blocked forever (the flag was set and SIGUSR1 handled before the sleep; only the %u s alarm ended it)\n",
			lab_prog, bound);
		return 1;
	}
	printf("result: woken by SIGUSR1 (handler ran %d time(s)), flag == 1, no wake-up lost\n",
	       (int)usr1_seen);
	return 0;
}

/* ---- ping-pong -------------------------------------------------------- */

/* *word says whose turn it is: 0 the parent's, 1 the child's.  Each side
 * waits for its turn, passes it on, and signals the other. */
static int rounds(long n, unsigned bound)
{
	pid_t parent = getpid();
	int status;
	pid_t child = CHK(fork(), "fork", "child");

	if (child == 0) {
		for (long i = 0; i < n; i++) {
			wait_for(1, bound);
			if (alarmed)
				fail("child: lost wake-up in round %ld: would have blocked forever",
				     i + 1);
			atomic_store(word, 0);
			CHK(kill(parent, SIGUSR1), "kill", "parent");
		}
		_exit(0);
	}
	for (long i = 0; i < n; i++) {
		wait_for(0, bound);
		if (alarmed) {
			fprintf(stderr,
				"%s: lost wake-up in round %ld: would have blocked forever\n",
				lab_prog, i + 1);
			CHK(kill(child, SIGKILL), "kill", "child");
			reap(child, &status);
			return 1;
		}
		atomic_store(word, 1);
		CHK(kill(child, SIGUSR1), "kill", "child");
	}
	wait_for(0, bound); /* the child's last pass */
	reap(child, &status);
	if (alarmed || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr,
			"%s: lost wake-up: would have blocked forever\n",
			lab_prog);
		return 1;
	}
	printf("%ld round trips (%ld signals each way), 0 lost wake-ups\n", n,
	       n);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "racy", no_argument, NULL, 'r' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "alarm", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long n = 0;
	unsigned bound = 2;
	int opt;

	lab_init(argc, argv);
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			racy = true;
			break;
		case 'n':
			n = number(optarg, 100000000, "--rounds: 1..100000000");
			break;
		case 'a':
			bound = (unsigned)number(optarg, 3600,
						 "--alarm: 1..3600 seconds");
			break;
		case 'h':
			usage_error(usage, NULL);
		default:
			usage_error(usage, "unknown option or missing value");
		}
	}
	if (optind < argc)
		usage_error(usage, "unexpected argument");

	word = CHK_MAP(mmap(NULL, sizeof(*word), PROT_READ | PROT_WRITE,
			    MAP_SHARED | MAP_ANONYMOUS, -1, 0),
		       "mmap", "shared flag");
	install(SIGUSR1, on_usr1); /* before fork: the child inherits it */
	install(SIGALRM, on_alarm);
	return n ? rounds(n, bound) : forced_once(bound);
}

/* ---- scaffolding ---------------------------------------------------- */

static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen++;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarmed = 1;
}

static void put(int fd)
{
	CHK(write(fd, "x", 1), "write", "pipe");
}

static void get(int fd)
{
	char c;
	ssize_t n;

	/* No SA_RESTART: a handler running during read(2) makes it fail
	 * with EINTR (signal(7)); just read again. */
	do
		n = read(fd, &c, 1);
	while (n == -1 && errno == EINTR);
	if (CHK(n, "read", "pipe") == 0)
		fail("the poster closed the pipe early");
}

static void install(int sig, void (*handler)(int))
{
	/* Seed bug: signal() (guide, lab 14).  sigaction(2) says exactly
	 * what we want: sa_flags 0, so no SA_RESTART (we want to see the
	 * EINTRs), and the handler stays installed after it ran. */
	struct sigaction sa = { .sa_handler = handler };

	sigemptyset(&sa.sa_mask);
	CHK(sigaction(sig, &sa, NULL), "sigaction", sigabbrev_np(sig));
}

static void reap(pid_t child, int *status)
{
	pid_t r;

	do
		r = waitpid(child, status, 0);
	while (r == -1 && errno == EINTR);
	CHK(r, "waitpid", "child");
}

static long number(const char *s, long max, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > max)
		usage_error(usage, what);
	return v;
}
