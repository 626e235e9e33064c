/*
 * latency.c - lab 16: what one hand-off costs.  A 1-byte ping-pong between
 * the parent and a child: through two pipes, a socketpair, two POSIX
 * semaphores in shared memory, and an atomic flag both processes spin on.
 * Each round trip is timed; the report gives the median (p50) and p99.
 *
 *   $ build/16-ipc-speed/ipc_speed -m rtt -l 2000
 *   2 CPUs; producer on CPU 0, consumer on CPU 1
 *
 *   round trip, 1-byte ping-pong, 2000 rounds    p50 us   p99 us
 *   rtt-pipe   two pipes                             124.9  12045.0
 *   rtt-unix   unix socketpair                       133.1  35274.6
 *   rtt-sem    two POSIX semaphores in shm           103.5   4105.8
 *   rtt-spin   spinning on an atomic flag in shm       0.5  23994.3
 *   note: ...
 *
 * (A busy 2-vCPU VM: the p99s are the time the processes waited for a CPU.)
 *
 * Man pages: pipe(2), socketpair(2), sem_post(3), sched_yield(2).
 */
#include "ipc_speed.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define WARMUP 100 /* round trips not recorded */

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause(); /* a hint: "I am spinning" (saves power,
				 * and the sibling hyperthread runs faster) */
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

/*
 * Spin until *FLAG == WANT.  Spinning answers within nanoseconds, but only
 * if the other process is running at the same time, on another CPU.  On
 * one CPU the other process cannot run while we spin: every spin is
 * wasted until the scheduler preempts us.  So after SPIN_LIMIT spins we
 * sched_yield(2) the CPU: slower, but it can never hang.
 */
static void spin_until(atomic_ulong *flag, unsigned long want)
{
	unsigned spins = 0;

	while (atomic_load_explicit(flag, memory_order_acquire) != want) {
		if (++spins < SPIN_LIMIT) {
			cpu_relax();
			continue;
		}
		spins = 0;
		tally.calls++;
		CHK(sched_yield(), "sched_yield", "rtt-spin");
		/* Gone?  Look at the flag once more: it may have answered
		 * and exited while we were yielding. */
		if (child_died &&
		    atomic_load_explicit(flag, memory_order_acquire) != want)
			peer_lost();
	}
}

static void fd_write1(int fd, unsigned char b, const char *what)
{
	ssize_t w;

	while ((w = write(fd, &b, 1)) == -1 && errno == EINTR)
		;
	if (w == -1 && errno == EPIPE)
		peer_lost();
	if (w != 1)
		die("write", what);
}

static unsigned char fd_read1(int fd, const char *what)
{
	unsigned char b;
	ssize_t n;

	while ((n = read(fd, &b, 1)) == -1 && errno == EINTR)
		;
	if (n == -1)
		die("read", what);
	if (n == 0) /* the other side is gone */
		fail("%s: end of file", what);
	return b;
}

/* The child's half of round trip I: wait for the ping, answer it. */
static void echo(enum row row, int in, int out, uint64_t i)
{
	switch (row) {
	case R_RTT_PIPE:
	case R_RTT_UNIX:
		fd_write1(out, fd_read1(in, row_name[row]), row_name[row]);
		break;
	case R_RTT_SEM:
		sem_take(&sh->ping, "ping");
		sh->echo = sh->seq;
		sem_give(&sh->pong, "pong");
		break;
	default:
		spin_until(&sh->turn, 2 * i + 1);
		atomic_store_explicit(&sh->turn, 2 * i + 2,
				      memory_order_release);
	}
}

/* The parent's half: ping, wait for the answer, check it. */
static void ping(enum row row, int in, int out, uint64_t i)
{
	bool ok = true;

	switch (row) {
	case R_RTT_PIPE:
	case R_RTT_UNIX:
		fd_write1(out, (unsigned char)i, row_name[row]);
		ok = fd_read1(in, row_name[row]) == (unsigned char)i;
		break;
	case R_RTT_SEM:
		sh->seq = i;
		sem_give(&sh->ping, "ping");
		sem_take(&sh->pong, "pong");
		ok = sh->echo == i;
		break;
	default:
		atomic_store_explicit(&sh->turn, 2 * i + 1,
				      memory_order_release);
		spin_until(&sh->turn, 2 * i + 2);
	}
	if (!ok)
		fail("%s: round trip %llu came back wrong", row_name[row],
		     (unsigned long long)i);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void run_latency(enum row row, struct result *r)
{
	uint64_t total = WARMUP + (uint64_t)opt.rounds;
	double *us = calloc(opt.rounds, sizeof(double));
	int p2c[2] = { -1, -1 }, c2p[2] = { -1, -1 };
	int pin = -1, pout = -1, cin = -1, cout = -1;
	pid_t pid;
	int st;

	running = row_name[row];
	if (!us)
		fail("out of memory for %u samples", opt.rounds);
	switch (row) {
	case R_RTT_PIPE: /* a pipe is one-way: one each way */
		CHK(pipe(p2c), "pipe", row_name[row]);
		CHK(pipe(c2p), "pipe", row_name[row]);
		pout = p2c[1], cin = p2c[0], cout = c2p[1], pin = c2p[0];
		snprintf(r->label, sizeof(r->label), "two pipes");
		break;
	case R_RTT_UNIX: /* a socketpair is two-way */
		CHK(socketpair(AF_UNIX, SOCK_STREAM, 0, p2c), "socketpair",
		    row_name[row]);
		pin = pout = p2c[0];
		cin = cout = p2c[1];
		snprintf(r->label, sizeof(r->label), "unix socketpair");
		break;
	case R_RTT_SEM:
		CHK(sem_init(&sh->ping, 1, 0), "sem_init", "ping");
		CHK(sem_init(&sh->pong, 1, 0), "sem_init", "pong");
		snprintf(r->label, sizeof(r->label),
			 "two POSIX semaphores in shm");
		break;
	default:
		atomic_store(&sh->turn, 0);
		snprintf(r->label, sizeof(r->label),
			 "spinning on an atomic flag in shm");
	}

	child_died = 0;
	pid = CHK(fork(), "fork", row_name[row]);
	if (pid == 0) {
		die_with_parent();
		pin_to(cpu_of[1]);
		if (pin != -1) /* close the parent's ends */
			CHK(close(pin), "close", row_name[row]);
		if (pout != -1 && pout != pin)
			CHK(close(pout), "close", row_name[row]);
		for (uint64_t i = 0; i < total; i++)
			echo(row, cin, cout, i);
		_exit(0);
	}
	if (cin != -1)
		CHK(close(cin), "close", row_name[row]);
	if (cout != -1 && cout != cin)
		CHK(close(cout), "close", row_name[row]);
	watch_child(pid, true);
	for (uint64_t i = 0; i < total; i++) {
		double t0 = now();

		ping(row, pin, pout, i);
		if (i >= WARMUP)
			us[i - WARMUP] = (now() - t0) * 1e6;
	}
	st = reap(pid);
	watch_child(0, false);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("%s: the echoing child failed", row_name[row]);
	if (pin != -1)
		CHK(close(pin), "close", row_name[row]);
	if (pout != -1 && pout != pin)
		CHK(close(pout), "close", row_name[row]);
	if (row == R_RTT_SEM) {
		CHK(sem_destroy(&sh->ping), "sem_destroy", "ping");
		CHK(sem_destroy(&sh->pong), "sem_destroy", "pong");
	}

	qsort(us, opt.rounds, sizeof(double), cmp_double);
	r->done = true;
	r->p50 = us[(opt.rounds - 1) * 50 / 100];
	r->p99 = us[(opt.rounds - 1) * 99 / 100];
	free(us);
}
