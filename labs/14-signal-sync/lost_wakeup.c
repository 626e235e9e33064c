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
 * transfer in sigxfer.c uses, is the other correct way: the signal stays
 * blocked and is accepted synchronously.)
 *
 * Every wait here is bounded by alarm(2): instead of hanging, the racy
 * version reports "lost wake-up: would have blocked forever" and exits 1.
 * The alarm is itself a signal: the correct version blocks SIGALRM around
 * its test too, or the alarm could be lost in the same window.
 *
 * Run:
 *   lost_wakeup --racy        the forced window with pause(): caught, exit 1
 *   lost_wakeup               the forced window with sigsuspend(): exit 0
 *   lost_wakeup --rounds N    N ping-pong round trips (sigsuspend), each
 *                             wait bounded: "0 lost wake-ups"
 *   --alarm S                 the bound, seconds (default 2)
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

/* A flag in memory shared by parent and child (MAP_SHARED|MAP_ANONYMOUS,
 * lab 5): the STATE.  The signal only says "look at it". */
static _Atomic int *word;

static int to_poster[2], to_waiter[2]; /* the forced window's handshake */

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

/*
 * The forced window, called by the waiter between its test and its sleep,
 * the one time.  It hands control to the poster and returns only after the
 * poster has set the flag and sent SIGUSR1.  Then it reports where the
 * signal is: already handled (racy) or pending (blocked: correct).
 */
static void window(void)
{
	sigset_t pending;

	printf("waiter: flag == 0, going to sleep... (the window: let the "
	       "poster run now)\n");
	put(to_poster[1]);
	get(to_waiter[0]);
	CHK(sigpending(&pending), "sigpending", NULL);
	printf("waiter: back in the window: SIGUSR1 handler has run %d "
	       "time(s); SIGUSR1 pending: %s\n",
	       (int)usr1_seen, sigismember(&pending, SIGUSR1) ? "yes" : "no");
}

/* The classic, racy wait.  Seed bug: it is the seed's method 4 recipe
 * ("use pause, kill and signal").  Returns when the flag is WANT or the alarm
 * fired.  (Its own check of `alarmed` has the same race, but the alarm is
 * seconds away and the window nanoseconds wide; the correct version below
 * closes that hole as well.) */
static void wait_racy(int want, bool forced)
{
	while (atomic_load(word) != want && !alarmed) {
		if (forced) {
			window();
			forced = false;
			printf("waiter: pause()\n");
		}
		pause(); /* always returns -1, EINTR, after a handler ran */
	}
}

/* The correct wait: no signal sent after the test can be missed. */
static void wait_correct(int want, bool forced)
{
	/* BEGIN EXERCISE 14.1: Make this wait immune to lost wake-ups.
	 * Block SIGUSR1 and SIGALRM with sigprocmask(2) BEFORE testing the
	 * flag (keep the old mask), loop like wait_racy() but sleep with
	 * sigsuspend(2) on the old mask, and restore the old mask at the end.
	 * Hint: sigsuspend() unblocks and sleeps in one atomic step. */
	sigset_t block, during;

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGALRM);
	/* `during` receives the mask we had: the one to sleep with. */
	CHK(sigprocmask(SIG_BLOCK, &block, &during), "sigprocmask",
	    "SIG_BLOCK");
	sigdelset(&during, SIGUSR1); /* in case the caller had them blocked */
	sigdelset(&during, SIGALRM);
	while (atomic_load(word) != want && !alarmed) {
		if (forced) {
			window(); /* SIGUSR1 arrives here: it stays pending */
			forced = false;
			printf("waiter: sigsuspend()\n");
		}
		/* Unblock + sleep, atomically; returns -1/EINTR after the
		 * handler of a delivered signal ran, with the mask restored
		 * to `block` so the next test is again protected. */
		sigsuspend(&during);
	}
	CHK(sigprocmask(SIG_UNBLOCK, &block, NULL), "sigprocmask",
	    "SIG_UNBLOCK");
	/* STUB
	wait_racy(want, forced);
	*/
	/* END EXERCISE */
}

static void wait_for(int want, bool racy, bool forced, unsigned bound)
{
	alarm(bound); /* returns the previous alarm's remaining seconds */
	if (racy)
		wait_racy(want, forced);
	else
		wait_correct(want, forced);
	alarm(0);
}

static void install(int sig, void (*handler)(int))
{
	/* Seed bug: the seed says signal().  Its meaning differs between
	 * systems: System V semantics reset the handler to SIG_DFL when it
	 * runs (so the NEXT SIGUSR1 would kill the process), BSD and glibc's
	 * keep it and restart interrupted calls.  sigaction(2) says exactly
	 * what we want.  sa_flags 0: no SA_RESTART (we want to see the
	 * EINTRs), and the handler stays installed. */
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

/* ---- one forced wake-up ----------------------------------------------- */

static int forced_once(bool racy, unsigned bound)
{
	pid_t waiter = getpid();
	int status;

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
	wait_for(1, racy, true, bound);
	reap(poster, &status);
	if (alarmed) {
		fprintf(stderr,
			"%s: lost wake-up: would have blocked forever (the "
			"flag was set and SIGUSR1 handled before the sleep; "
			"only the %u s alarm ended it)\n",
			lab_prog, bound);
		return 1;
	}
	printf("result: woken by SIGUSR1 (handler ran %d time(s)), flag == "
	       "1, no wake-up lost\n",
	       (int)usr1_seen);
	return 0;
}

/* ---- ping-pong -------------------------------------------------------- */

/* *word says whose turn it is: 0 the parent's, 1 the child's.  Each side
 * waits for its turn, passes it on, and signals the other. */
static int rounds(long n, bool racy, unsigned bound)
{
	pid_t parent = getpid();
	int status;
	pid_t child = CHK(fork(), "fork", "child");

	if (child == 0) {
		for (long i = 0; i < n; i++) {
			wait_for(1, racy, false, bound);
			if (alarmed)
				fail("child: lost wake-up in round %ld: would "
				     "have blocked forever",
				     i + 1);
			atomic_store(word, 0);
			CHK(kill(parent, SIGUSR1), "kill", "parent");
		}
		_exit(0);
	}
	for (long i = 0; i < n; i++) {
		wait_for(0, racy, false, bound);
		if (alarmed) {
			fprintf(stderr,
				"%s: lost wake-up in round %ld: would have "
				"blocked forever\n",
				lab_prog, i + 1);
			CHK(kill(child, SIGKILL), "kill", "child");
			reap(child, &status);
			return 1;
		}
		atomic_store(word, 1);
		CHK(kill(child, SIGUSR1), "kill", "child");
	}
	wait_for(0, racy, false, bound); /* the child's last pass */
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

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "racy", no_argument, NULL, 'r' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "alarm", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool racy = false;
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
	return n ? rounds(n, racy, bound) : forced_once(racy, bound);
}
