/*
 * procs.c - lab 16's scaffolding for two processes: where they run, what
 * happens when one dies, counted semaphores, and buffers whose pages exist
 * before any clock starts.
 *
 * Man pages: sched_setaffinity(2), prctl(2) (PR_SET_PDEATHSIG),
 * setitimer(2), sigaction(2), madvise(2), mprotect(2), sysconf(3).
 */
#include "ipc_speed.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

size_t page_size; /* sysconf(_SC_PAGESIZE), set by setup_process() */

double now(void)
{
	struct timespec ts;

	CHK(clock_gettime(CLOCK_MONOTONIC, &ts), "clock_gettime",
	    "CLOCK_MONOTONIC");
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

/* "1 MiB", "64 KiB", "100 B"; BRIEF: "1M", "64K", "100" */
const char *size_text(char *buf, size_t len, size_t n, bool brief)
{
	static const size_t unit[] = { 1, KiB, MiB };
	static const char *const name[2][3] = { { " B", " KiB", " MiB" },
						{ "", "K", "M" } };
	int u = n >= MiB && n % MiB == 0 ? 2 : n >= KiB && n % KiB == 0 ? 1 : 0;

	snprintf(buf, len, "%zu%s", n / unit[u], name[brief][u]);
	return buf;
}

const char *human(char *buf, size_t len, size_t n)
{
	return size_text(buf, len, n, false);
}

/* A number from /proc/sys, or FALLBACK where it cannot be read (some
 * containers hide /proc/sys): not an error, the limit is just unknown. */
size_t proc_limit(const char *path, size_t fallback)
{
	unsigned long long v = 0;
	FILE *f = fopen(path, "r");
	int n;

	if (!f)
		return fallback;
	n = fscanf(f, "%llu", &v);
	fclose(f);
	return n == 1 && v > 0 ? (size_t)v : fallback;
}

/*
 * The producer and the consumer get a CPU each: the first two CPUs this
 * process may use.  Left alone, the scheduler likes to run a process it
 * wakes on the CPU of the process that woke it ("wake affine"); a producer
 * and a consumer that wake each other all the time can end up sharing ONE
 * CPU and stay there.  The CPUs column shows it (1.00 instead of 2.00);
 * --no-pin lets you watch it happen.  With a single CPU nothing is pinned.
 */
int ncpus;		    /* CPUs we may use, before pinning */
int cpu_of[2] = { -1, -1 }; /* the producer's, the consumer's */

void choose_cpus(void)
{
	cpu_set_t set;
	int n = 0;

	CHK(sched_getaffinity(0, sizeof(set), &set), "sched_getaffinity",
	    "self");
	ncpus = CPU_COUNT(&set);
	for (int c = 0; c < CPU_SETSIZE && n < 2 && !opt.no_pin; c++)
		if (CPU_ISSET(c, &set))
			cpu_of[n++] = c;
	if (n < 2)
		cpu_of[0] = cpu_of[1] = -1;
}

void pin_to(int cpu)
{
	cpu_set_t set;
	char what[16];

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	snprintf(what, sizeof(what), "CPU %d", cpu);
	CHK(sched_setaffinity(0, sizeof(set), &set), "sched_setaffinity", what);
}

/*
 * The parent must not hang if its child dies: a producer blocked in
 * sem_wait() or msgsnd() would wait for a consumer that is gone.  Its
 * SIGCHLD and SIGALRM handlers are installed WITHOUT SA_RESTART
 * so that a blocked call returns EINTR; a SIGALRM every second while a
 * child runs closes the race where the child dies just before the parent
 * blocks.  The child needs neither: PR_SET_PDEATHSIG kills it if the
 * parent dies.
 */
volatile sig_atomic_t child_died;
pid_t parent_pid;
const char *running; /* the method being measured, for messages */
static pid_t peer_pid;

static void on_sigchld(int sig)
{
	(void)sig;
	child_died = 1;
}

static void on_sigalrm(int sig)
{
	(void)sig; /* nothing: interrupting the blocked call is the point */
}

static void install(int sig, void (*fn)(int))
{
	/* sa_flags = 0: no SA_RESTART, blocked calls return EINTR. */
	struct sigaction sa = { .sa_handler = fn };

	sigemptyset(&sa.sa_mask);
	CHK(sigaction(sig, &sa, NULL), "sigaction", sigabbrev_np(sig));
}

void watch_signals(void)
{
	install(SIGCHLD, on_sigchld);
	install(SIGALRM, on_sigalrm);
	install(SIGPIPE, SIG_IGN); /* a dead reader: EPIPE, not death */
}

void watch_child(pid_t pid, bool on)
{
	struct itimerval it = { 0 };

	peer_pid = pid;
	if (on)
		it.it_interval.tv_sec = it.it_value.tv_sec = 1;
	CHK(setitimer(ITIMER_REAL, &it, NULL), "setitimer", "ITIMER_REAL");
}

/* Wait for the child; EINTR (our own alarm) is not a reason to stop. */
int reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			die("waitpid", "child");
	return st;
}

void peer_lost(void)
{
	int st = reap(peer_pid);

	if (WIFSIGNALED(st))
		fail("%s: the other process was killed by SIG%s", running,
		     sigabbrev_np(WTERMSIG(st)));
	fail("%s: the other process exited (status %d) before the end", running,
	     WEXITSTATUS(st));
}

/* In the child: die with the parent, even if it is SIGKILLed. */
void die_with_parent(void)
{
	CHK(prctl(PR_SET_PDEATHSIG, SIGKILL), "prctl", "PR_SET_PDEATHSIG");
	if (getppid() != parent_pid) /* it died before prctl() */
		_exit(1);
}

/*
 * sem_wait/sem_post, counted.  They are library calls that enter the
 * kernel (futex(2)) only to sleep or to wake a sleeper: the sleeps column
 * shows how often.  A sem_wait interrupted by SIGCHLD or SIGALRM returns
 * EINTR; if the child is gone, one last sem_trywait tells whether it
 * posted before it exited (a normal end) or not (it died).
 */
void sem_take(sem_t *s, const char *what)
{
	tally.calls++; /* one per hand-off, however often EINTR repeats it */
	for (;;) {
		if (sem_wait(s) == 0)
			return;
		if (errno != EINTR)
			die("sem_wait", what);
		if (child_died) {
			if (sem_trywait(s) == 0)
				return;
			peer_lost();
		}
	}
}

void sem_give(sem_t *s, const char *what)
{
	tally.calls++;
	CHK(sem_post(s), "sem_post", what);
}
