/*
 * ipc_speed.c - lab 16: is shared memory the fastest IPC, and WHY?
 *
 * The seeds say: shared memory is the most efficient IPC because a pipe or
 * a message queue copies the data four times between kernel and user
 * space, and shared memory only twice.  This program measures that.  Each
 * method moves the same payload from one process to a child it fork()s,
 * and the child verifies every chunk (a sequence stamp and a checksum of
 * every byte):
 *
 *   pipe        pipe(2) with its default buffer (64 KiB)
 *   pipe-big    the same, enlarged with fcntl(F_SETPIPE_SZ) to 1 MiB
 *               (at most /proc/sys/fs/pipe-max-size)
 *   unix        socketpair(AF_UNIX, SOCK_STREAM), SO_SNDBUF/SO_RCVBUF 4 MiB
 *   posix-mq    mq_send(3)/mq_receive(3), messages as big as the system
 *               allows (/proc/sys/fs/mqueue/msgsize_max)
 *   sysv-msg    msgsnd(2)/msgrcv(2), /proc/sys/kernel/msgmax per message
 *   ring        a ring of SLOTS chunk-sized slots in POSIX shared memory
 *               with two POSIX semaphores in the same memory: the producer
 *               copies each chunk in, the consumer copies it out
 *   ring-zc     the same ring, zero-copy: the producer builds each chunk in
 *               its slot, the consumer verifies it where it lies
 *   ring-4k     the copying ring with 4 KiB chunks
 * and, in the same run, the physical reference, one process copying:
 *   memcpy-chunk  memcpy(3) between two chunk-sized buffers (in cache)
 *   memcpy-large  memcpy(3) between two 64 MiB buffers (in RAM)
 * Then round-trip latency (a 1-byte ping-pong, p50/p99) through two
 * pipes, a socketpair, two semaphores in shared memory and an atomic flag
 * that the two processes spin on.
 *
 * Run:   make lab-16
 *   or   build/16-ipc-speed/ipc_speed                    (all, ~6 s)
 *        build/16-ipc-speed/ipc_speed -m memcpy,pipe-big,ring -s 1G
 *        build/16-ipc-speed/ipc_speed --csv >speed.csv   (for plotting)
 *        scripts/bench-ipc                   (medians of the ratios, 5 runs)
 *
 * What to observe:
 *   - copies/B is 2.00 for the pipe, the socket, both queues AND the ring:
 *     the ring copies every byte twice as well (in, then out).  The seeds'
 *     "four copies" count the file I/O around a pipe, not the pipe.
 *   - Yet at 1 MiB chunks the ring is several times faster than the pipe.
 *     Part of it shows in calls/MiB and sleeps/MiB; the rest is what the
 *     pipe's kernel does for every 4 KiB page: allocate a page (charged to
 *     the memory cgroup), copy into it, link it into the pipe; the reader
 *     copies it out and the page is freed.  The ring does one hand-off per
 *     MiB and memcpy's at cache speed into pages that were mapped before
 *     the clock started (faults/MiB: 0).
 *   - CPUs: the ring's producer and consumer copy AT THE SAME TIME, on two
 *     CPUs (2.00).  Each process is pinned to a CPU of its own; with
 *     --no-pin the scheduler often puts both on one CPU (1.00), and the
 *     ring loses half its speed.
 *   - ring-4k is SLOWER than the pipe: with 4 KiB chunks the semaphore
 *     hand-offs, and the sleeping and waking they cause, dominate.
 *   - ring-zc shows what removing the two copies is worth.
 *   - Latency: waking a process that sleeps on another CPU costs tens of
 *     microseconds here; the spinning flag answers in 0.1 us, but only
 *     because each process has a CPU to itself (read the notes).
 *
 * Man pages: pipe(7), fcntl(2) (F_SETPIPE_SZ), unix(7), socket(7)
 * (SO_SNDBUF), mq_overview(7), msgsnd(2), shm_open(3), sem_init(3),
 * sem_overview(7), getrusage(2), madvise(2) (MADV_POPULATE_WRITE,
 * MADV_DONTFORK), prctl(2) (PR_SET_PDEATHSIG), clock_gettime(2).
 */
#include "shmlabs.h"

#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
	"[-s SIZE] [-c CHUNK] [-n SLOTS] [-r REPS] [-l ROUNDS] [-m LIST]\n"
	"                 [--csv] [--no-pin] [--flip OFFSET]\n"
	"  -s, --size SIZE    bytes every method moves (default 512M)\n"
	"  -c, --chunk SIZE   bytes per write()/slot (default 1M, 64..256M)\n"
	"  -n, --slots N      slots in the shared-memory ring (default 4)\n"
	"  -r, --reps N       runs per method; the fastest counts (default 3)\n"
	"  -l, --rounds N     ping-pong round trips (default 10000; 0: none)\n"
	"  -m, --method LIST  comma-separated, default all:\n"
	"                     memcpy-chunk memcpy-large pipe pipe-big unix\n"
	"                     posix-mq sysv-msg ring ring-zc ring-4k\n"
	"                     rtt-pipe rtt-unix rtt-sem rtt-spin\n"
	"                     (groups: all, memcpy, rtt)\n"
	"      --csv          one CSV table instead of the report\n"
	"      --no-pin       let the scheduler place the two processes\n"
	"      --flip OFFSET  flip a bit of payload byte OFFSET as it arrives\n"
	"                     (to see the check catch it: exit 1)\n"
	"  SIZE takes a K, M or G suffix (powers of 1024).";

#define KiB ((size_t)1024)
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)
#define PAGE ((size_t)4096)

/* ---- what can be measured ------------------------------------------- */

enum row {
	R_MEMCPY_CHUNK,
	R_MEMCPY_LARGE,
	R_PIPE,
	R_PIPE_BIG,
	R_UNIX,
	R_POSIX_MQ,
	R_SYSV_MSG,
	R_RING,
	R_RING_ZC,
	R_RING_4K,
	R_RTT_PIPE,
	R_RTT_UNIX,
	R_RTT_SEM,
	R_RTT_SPIN,
	NROWS,
	FIRST_RTT = R_RTT_PIPE,
};

static const char *const row_name[NROWS] = {
	"memcpy-chunk", "memcpy-large", "pipe",	   "pipe-big", "unix",
	"posix-mq",	"sysv-msg",	"ring",	   "ring-zc",  "ring-4k",
	"rtt-pipe",	"rtt-unix",	"rtt-sem", "rtt-spin",
};

static struct {
	size_t payload;	 /* bytes each method moves */
	size_t chunk;	 /* bytes per write() / per ring slot */
	unsigned slots;	 /* slots in the ring */
	unsigned reps;	 /* runs per method; the fastest is reported */
	unsigned rounds; /* ping-pong round trips */
	bool csv;
	bool want[NROWS];
	size_t flip; /* --flip: damage this payload byte on arrival */
	bool no_pin; /* --no-pin */
} opt = { .payload = 512 * MiB,
	  .chunk = 1 * MiB,
	  .slots = 4,
	  .reps = 3,
	  .rounds = 10000,
	  .flip = SIZE_MAX };

/* The 4 KiB ring shows what small hand-offs cost, whatever -c says. */
#define SMALL_CHUNK (4 * KiB)
/* memcpy-large copies between two buffers this big: far more than the
 * caches hold, so it measures the memory bus. */
#define LARGE_BUF (64 * MiB)

/* ---- counting ------------------------------------------------------- */

/*
 * What one process did during a timed loop, counted by the program itself.
 * "calls" are the IPC calls it issued: read, write, mq_send, mq_receive,
 * msgsnd, msgrcv, sem_wait, sem_post, sched_yield.  Careful: sem_wait and
 * sem_post are library calls that enter the kernel (futex(2)) only when
 * they must sleep or wake a sleeper; the sleeps column shows how often.
 * "copied" are the bytes copied: by memcpy() in this program, or by the
 * kernel inside a data-moving call (a write() copies its bytes into the
 * pipe once, a read() copies them out once).
 */
struct tally {
	uint64_t calls;
	uint64_t copied;
};
static struct tally tally;

/* What the consumer (the child) hands back, in shared memory. */
struct report {
	double t_end; /* CLOCK_MONOTONIC when its last chunk was checked */
	struct tally tally; /* its own calls and copies */
	long sleeps;	    /* voluntary context switches (getrusage) */
	long faults;	    /* page faults (getrusage) */
	double cpu;	    /* CPU seconds, user + system (getrusage) */
	uint64_t chunks;    /* chunks checked */
	uint64_t bad;	    /* wrong stamps (one per 4 KiB of a chunk) */
	uint64_t sum;	    /* checksum of every byte between the stamps */
};

/* One page shared by the parent and every child it forks (MAP_SHARED |
 * MAP_ANONYMOUS: no name, nothing to clean up).  The ping-pong objects get
 * a cache line each, so that writing one does not steal the other's line
 * from the other CPU ("false sharing"). */
struct shared {
	struct report rep;
	alignas(64) sem_t ping;
	alignas(64) sem_t pong;
	alignas(64) uint64_t seq, echo;
	/* A lock-free C11 atomic is also "address-free" (C11 7.17.5), so it
	 * works between processes that map the same page at any address. */
	alignas(64) atomic_ulong turn;
};
static struct shared *sh;

/* One row of the report. */
struct result {
	bool done;	   /* measured (at least once) */
	char note[112];	   /* why it was skipped, or a remark */
	char label[80];	   /* what exactly was measured */
	size_t buffer;	   /* bytes that can be in flight */
	size_t unit;	   /* bytes per send call / per slot */
	size_t chunk;	   /* bytes per chunk */
	double secs;	   /* the fastest run */
	struct tally both; /* producer + consumer, of that run */
	long sleeps, faults;
	double cpu;	 /* CPU seconds used by both, of that run */
	double p50, p99; /* latency rows: microseconds */
};
static struct result res[NROWS];

static double now(void)
{
	struct timespec ts;

	CHK(clock_gettime(CLOCK_MONOTONIC, &ts), "clock_gettime",
	    "CLOCK_MONOTONIC");
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static size_t round_up(size_t n, size_t to)
{
	return (n + to - 1) / to * to;
}

/* "1 MiB", "64 KiB", "100 B" */
static const char *human(char *buf, size_t len, size_t n)
{
	if (n >= MiB && n % MiB == 0)
		snprintf(buf, len, "%zu MiB", n / MiB);
	else if (n >= KiB && n % KiB == 0)
		snprintf(buf, len, "%zu KiB", n / KiB);
	else
		snprintf(buf, len, "%zu B", n);
	return buf;
}

/* ---- the payload ------------------------------------------------------ */

/*
 * Chunk k of the payload is a fixed pattern with the number k stamped over
 * the first 8 bytes of every 4 KiB of it.  The consumer checks the stamps
 * (a lost, repeated or reordered chunk has wrong ones, and so has a slot
 * the producer overwrote while the consumer was still reading it) and adds
 * up a checksum of all the other bytes (a corrupted or shifted byte
 * changes it); the parent compares that sum with the one it expects.  The
 * producer keeps ONE chunk buffer and only rewrites the stamps, so the data
 * it sends is always in its cache: we measure the transport, not the
 * producer.
 */
#define STAMP sizeof(uint64_t)
#define STAMP_EVERY PAGE
/* 64-bit words that may alias the bytes we read and write (the payload is
 * also handled as unsigned char: memcpy, read, write). */
typedef uint64_t __attribute__((may_alias)) word;

static void fill_pattern(unsigned char *p, size_t len)
{
	const uint64_t step = 0x9e3779b97f4a7c15u;
	word *w = (word *)p;
	size_t nw = len / 8, i = 0;
	uint64_t v0 = 0x243f6a8885a308d3u, v1 = v0 + step, v2 = v1 + step,
		 v3 = v2 + step;

	/* word i = v0 + i * step; four at a time, so the stores need not
	 * wait for each other's additions. */
	for (; i + 4 <= nw; i += 4) {
		w[i] = v0;
		w[i + 1] = v1;
		w[i + 2] = v2;
		w[i + 3] = v3;
		v0 += 4 * step;
		v1 += 4 * step;
		v2 += 4 * step;
		v3 += 4 * step;
	}
	for (; i < nw; i++, v0 += step)
		w[i] = v0;
	memcpy(p + nw * 8, &v0, len % 8);
}

static void stamp(unsigned char *p, size_t len, uint64_t k)
{
	for (size_t off = 0; off < len; off += STAMP_EVERY)
		memcpy(p + off, &k, min_size(len - off, STAMP));
}

/*
 * The checksum of LEN bytes: the sum of their 64-bit words (a last partial
 * word padded with zeros), in four running sums so that the CPU can do
 * four additions at a time.  Sums add up: cut a chunk anywhere at a
 * multiple of 8 bytes, and the checksums of the pieces add up to the
 * chunk's.  The ring's consumer relies on that to check a chunk piece by
 * piece.  It is not cryptographic, and it misses two words trading
 * places; it catches what can go wrong here: bytes lost, repeated,
 * shifted or overwritten (reordered chunks have the wrong stamps).
 */
static uint64_t checksum(const unsigned char *p, size_t len)
{
	const word *w = (const word *)p;
	size_t nw = len / 8, i = 0;
	uint64_t a = 0, b = 0, c = 0, d = 0, tail = 0;

	for (; i + 4 <= nw; i += 4) {
		a += w[i];
		b += w[i + 1];
		c += w[i + 2];
		d += w[i + 3];
	}
	for (; i < nw; i++)
		a += w[i];
	memcpy(&tail, p + nw * 8, len % 8);
	return a + b + c + d + tail;
}

/*
 * Walk N bytes of chunk K that start at a stamp (at the start of the chunk
 * or of a piece: pieces are multiples of 4 KiB): count the stamps that are
 * not K into *BAD, return the checksum of everything between the stamps.
 */
static uint64_t scan(const unsigned char *p, size_t n, uint64_t k,
		     uint64_t *bad)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < n; i += STAMP_EVERY) {
		size_t page = min_size(n - i, STAMP_EVERY);
		size_t s = min_size(page, STAMP);

		if (memcmp(p + i, &k, s) != 0)
			(*bad)++;
		sum += checksum(p + i + s, page - s);
	}
	return sum;
}

/* The consumer's running verdict (in the child; reported at the end). */
static struct {
	uint64_t chunks, bad, sum;
	size_t chunk; /* bytes per chunk of the transfer */
} got;

static void check_piece(unsigned char *p, size_t n, size_t off, uint64_t k)
{
	size_t at = k * got.chunk + off; /* where P is in the payload */

	/* --flip: "damage in transit", to show that the check catches it */
	if (opt.flip >= at && opt.flip - at < n)
		p[opt.flip - at] ^= 0x10;
	got.sum += scan(p, n, k, &got.bad);
}

static void check_chunk(unsigned char *p, size_t len, uint64_t k)
{
	check_piece(p, len, 0, k);
	got.chunks++;
}

/* What got.sum must be: every full chunk has the same bytes between the
 * stamps, and the last chunk may be shorter.  SRC holds the pattern. */
static uint64_t expected_sum(const unsigned char *src, size_t chunk)
{
	size_t full = opt.payload / chunk, rest = opt.payload % chunk;
	uint64_t ignored = 0;

	return full * scan(src, chunk, 0, &ignored) +
	       scan(src, rest, 0, &ignored);
}

/* Every copy of payload bytes in user space goes through here. */
static void copy_bytes(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
	tally.copied += n;
}

/* ---- memory --------------------------------------------------------- */

/*
 * A private buffer, with one spare page in front of it (the System V queue
 * borrows the 8 bytes before each message, see sysv_send) and a PROT_NONE
 * guard page behind it (a copy that runs past the end crashes at once
 * instead of quietly overwriting the next buffer).  Mapped with
 * MAP_POPULATE so that its pages exist before any clock starts: a page
 * fault inside a timed loop costs about as much as copying the page.
 *
 * MADV_DONTFORK keeps the parent's big buffers out of its children.
 * Without it fork(2) would write-protect them for copy-on-write, and the
 * parent's next write to each page (every stamp!) would fault and copy it.
 */
static unsigned char *alloc_buf(size_t len, bool dontfork)
{
	size_t total = PAGE + round_up(len, PAGE) + PAGE;
	unsigned char *p =
		CHK_MAP(mmap(NULL, total, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0),
			"mmap", "buffer");

	CHK(mprotect(p + total - PAGE, PAGE, PROT_NONE), "mprotect",
	    "guard page");
	if (dontfork)
		CHK(madvise(p, total, MADV_DONTFORK), "madvise(MADV_DONTFORK)",
		    "buffer");
	return p + PAGE;
}

/*
 * Map every page of a shared region into THIS process, writable, now.
 * MAP_POPULATE alone is not enough here: fork(2) does not copy the page
 * tables of shared mappings (the child would fault them in one by one, in
 * the timed loop), and for MAP_SHARED it populates for reading only.
 * MADV_POPULATE_WRITE (Linux 5.14) does exactly what we want; older
 * kernels get a read of every page.
 */
static void prefault(void *p, size_t len, const char *what)
{
	if (madvise(p, len, MADV_POPULATE_WRITE) == 0)
		return;
	if (errno != EINVAL)
		die("madvise(MADV_POPULATE_WRITE)", what);
	for (size_t off = 0; off < len; off += PAGE)
		(void)*((volatile unsigned char *)p + off);
}

/* A number from /proc/sys, or FALLBACK where it cannot be read (some
 * containers hide /proc/sys): not an error, the limit is just unknown. */
static size_t proc_limit(const char *path, size_t fallback)
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

/* ---- where the two processes run ------------------------------------ */

/*
 * The producer and the consumer get a CPU each: the first two CPUs this
 * process may use.  Left alone, the scheduler likes to run a process it
 * wakes up on the CPU of the process that woke it ("wake affine": the data
 * is warm in that CPU's cache).  A producer and a consumer that wake each
 * other all the time can then end up sharing ONE CPU, taking turns instead
 * of copying at the same time, and stay there.  The CPUs column shows it
 * (1.00 instead of 2.00), and --no-pin lets you watch it happen.  Every
 * method is pinned the same way; with a single CPU nothing is pinned.
 */
static int ncpus;		   /* CPUs we may use, before pinning */
static int cpu_of[2] = { -1, -1 }; /* the producer's, the consumer's */

static void choose_cpus(void)
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

static void pin_to(int cpu)
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

/* ---- watching the other process ----------------------------------------- */

/*
 * The parent must not hang if its child dies: a producer blocked in
 * sem_wait() or msgsnd() would wait for a consumer that is gone.  Two
 * handlers, installed WITHOUT SA_RESTART so that a blocked call returns
 * EINTR: SIGCHLD (the child is gone) and a SIGALRM every second while a
 * child runs.  The alarm closes the race where the child dies just before
 * the parent blocks: the call is interrupted at most a second later.
 * The child needs neither: PR_SET_PDEATHSIG kills it if the parent dies.
 */
static volatile sig_atomic_t child_died;
static pid_t peer_pid, parent_pid;
static const char *running; /* the method being measured, for messages */

static void on_sigchld(int sig)
{
	(void)sig;
	child_died = 1;
}

static void on_sigalrm(int sig)
{
	(void)sig; /* nothing: interrupting the blocked call is the point */
}

static void watch_child(pid_t pid, bool on)
{
	struct itimerval it = { 0 };

	peer_pid = pid;
	if (on)
		it.it_interval.tv_sec = it.it_value.tv_sec = 1;
	CHK(setitimer(ITIMER_REAL, &it, NULL), "setitimer", "ITIMER_REAL");
}

/* Wait for the child; EINTR (our own alarm) is not a reason to stop. */
static int reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			die("waitpid", "child");
	return st;
}

static noreturn void peer_lost(void)
{
	int st = reap(peer_pid);

	if (WIFSIGNALED(st))
		fail("%s: the other process was killed by SIG%s", running,
		     sigabbrev_np(WTERMSIG(st)));
	fail("%s: the other process exited (status %d) before the end", running,
	     WEXITSTATUS(st));
}

/* In the child: die with the parent, even if it is SIGKILLed. */
static void die_with_parent(void)
{
	CHK(prctl(PR_SET_PDEATHSIG, SIGKILL), "prctl", "PR_SET_PDEATHSIG");
	if (getppid() != parent_pid) /* it died before prctl() */
		_exit(1);
}

/*
 * sem_wait/sem_post, counted.  A sem_wait interrupted by our SIGCHLD or
 * SIGALRM returns EINTR; if the child is gone, one last sem_trywait tells
 * whether it posted before it exited (a normal end) or not (it died).
 */
static void sem_take(sem_t *s, const char *what)
{
	for (;;) {
		tally.calls++;
		if (sem_wait(s) == 0)
			return;
		if (errno != EINTR)
			die("sem_wait", what);
		if (child_died) {
			tally.calls++;
			if (sem_trywait(s) == 0)
				return;
			peer_lost();
		}
	}
}

static void sem_give(sem_t *s, const char *what)
{
	tally.calls++;
	CHK(sem_post(s), "sem_post", what);
}

/* ---- one transfer ----------------------------------------------------- */

struct ring; /* below */

struct xfer {
	enum row row;
	const char *name;   /* row_name[row] */
	size_t chunk;	    /* bytes per chunk */
	uint64_t nchunks;   /* chunks in the payload */
	unsigned char *buf; /* this process's private chunk buffer */
	size_t slack;	    /* extra room the consumer's buffer needs */
	int pfd, cfd;	    /* pipe/socket: the producer's, consumer's end */
	mqd_t mq;
	int qid, qid_handle; /* System V queue, its cleanup handle */
	key_t key;
	size_t msg; /* bytes per message (queues) */
	struct ring *ring;
	size_t ring_len, stride;
	unsigned nslots;
	/* chosen by the method's setup: */
	void (*send)(struct xfer *, unsigned char *, size_t);
	void (*recv)(struct xfer *, unsigned char *, size_t);
	void (*produce)(struct xfer *);
	void (*consume)(struct xfer *);
	void (*child_init)(struct xfer *);
	void (*parent_init)(struct xfer *);
	void (*teardown)(struct xfer *);
};

static size_t chunk_len(const struct xfer *x, uint64_t k)
{
	return min_size(x->chunk, opt.payload - k * x->chunk);
}

/* Byte streams and message queues: the same loop around send/recv.  The
 * producer reuses one buffer (x->buf); the consumer receives every chunk
 * into its own buffer and checks it there. */
static void produce_stream(struct xfer *x)
{
	for (uint64_t k = 0; k < x->nchunks; k++) {
		size_t len = chunk_len(x, k);

		stamp(x->buf, len, k);
		x->send(x, x->buf, len);
	}
}

static void consume_stream(struct xfer *x)
{
	for (uint64_t k = 0; k < x->nchunks; k++) {
		size_t len = chunk_len(x, k);

		x->recv(x, x->buf, len);
		check_chunk(x->buf, len, k);
	}
}

/* ---- pipe and Unix socket ------------------------------------------- */

/*
 * write(2) to a pipe or a stream socket may move fewer bytes than asked
 * (a signal arrived after part of it), and read(2) returns what is there,
 * at most the pipe's capacity: both loop.  Each call copies its bytes
 * once, between our buffer and the kernel's pages.
 */
static void fd_send(struct xfer *x, unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w;

		tally.calls++;
		w = write(x->pfd, p, n);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) /* SIGPIPE is ignored */
				peer_lost();
			die("write", x->name);
		}
		tally.copied += (size_t)w;
		p += w;
		n -= (size_t)w;
	}
}

static void fd_recv(struct xfer *x, unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t r;

		tally.calls++;
		r = read(x->cfd, p, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			die("read", x->name);
		if (r == 0)
			fail("%s: end of file before the end of the payload",
			     x->name);
		tally.copied += (size_t)r;
		p += r;
		n -= (size_t)r;
	}
}

/* Each side closes the other's end, so that EOF and EPIPE work. */
static void fd_parent_init(struct xfer *x)
{
	CHK(close(x->cfd), "close", x->name);
}

static void fd_child_init(struct xfer *x)
{
	CHK(close(x->pfd), "close", x->name);
}

static void fd_teardown(struct xfer *x)
{
	CHK(close(x->pfd), "close", x->name);
}

static void use_fd_stream(struct xfer *x)
{
	x->send = fd_send;
	x->recv = fd_recv;
	x->produce = produce_stream;
	x->consume = consume_stream;
	x->parent_init = fd_parent_init;
	x->child_init = fd_child_init;
	x->teardown = fd_teardown;
}

static const char *setup_pipe(struct xfer *x, struct result *r)
{
	int fd[2];

	CHK(pipe(fd), "pipe", x->name);
	x->cfd = fd[0];
	x->pfd = fd[1];
	use_fd_stream(x);
	r->buffer = (size_t)CHK(fcntl(x->pfd, F_GETPIPE_SZ),
				"fcntl(F_GETPIPE_SZ)", x->name);
	r->unit = x->chunk;
	snprintf(r->label, sizeof(r->label), "pipe with its default buffer");
	return NULL;
}

/*
 * A pipe holds 16 pages by default (64 KiB): a 1 MiB write() then sleeps
 * 16 times waiting for the reader.  F_SETPIPE_SZ (Linux 2.6.35) resizes it;
 * an unprivileged process may go up to /proc/sys/fs/pipe-max-size (1 MiB
 * by default), and fails with EPERM beyond it or when its user already
 * holds /proc/sys/fs/pipe-user-pages-soft pages in pipes.
 */
static const char *setup_pipe_big(struct xfer *x, struct result *r)
{
	char h[32];
	size_t want =
		min_size(MiB, proc_limit("/proc/sys/fs/pipe-max-size", MiB));

	setup_pipe(x, r);
	/* BEGIN EXERCISE 16.1: Enlarge the pipe to WANT bytes with
	 * fcntl(F_SETPIPE_SZ) on either end.  Treat EPERM (a per-user limit)
	 * as "could not enlarge" and say so in r->note; any other failure is
	 * an error.  Hint: the capacity is then read back below with
	 * F_GETPIPE_SZ. */
	if (fcntl(x->pfd, F_SETPIPE_SZ, (int)want) == -1) {
		if (errno != EPERM) /* only a per-user limit is not fatal */
			die("fcntl(F_SETPIPE_SZ)", x->name);
		snprintf(r->note, sizeof(r->note), "could not enlarge: EPERM");
	}
	/* STUB
	(void)want;
	*/
	/* END EXERCISE */
	r->buffer = (size_t)CHK(fcntl(x->pfd, F_GETPIPE_SZ),
				"fcntl(F_GETPIPE_SZ)", x->name);
	snprintf(r->label, sizeof(r->label), "pipe enlarged to %s",
		 human(h, sizeof(h), r->buffer));
	return NULL;
}

/*
 * A Unix stream socket queues the data as socket buffers (skbs) charged to
 * the SENDER's SO_SNDBUF: that is how much can be in flight.  The kernel
 * doubles the value asked for (for its bookkeeping, see socket(7)) and
 * caps the request at /proc/sys/net/core/wmem_max.
 */
static const char *setup_unix(struct xfer *x, struct result *r)
{
	int sv[2], want = (int)(4 * MiB), have = 0;
	socklen_t len = sizeof(have);
	char h[32];

	CHK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), "socketpair", x->name);
	CHK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &want, sizeof(want)),
	    "setsockopt(SO_SNDBUF)", x->name);
	CHK(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &want, sizeof(want)),
	    "setsockopt(SO_RCVBUF)", x->name);
	CHK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &have, &len),
	    "getsockopt(SO_SNDBUF)", x->name);
	x->pfd = sv[0];
	x->cfd = sv[1];
	use_fd_stream(x);
	r->buffer = (size_t)have;
	r->unit = x->chunk;
	snprintf(r->label, sizeof(r->label), "unix stream socket SO_SNDBUF %s",
		 human(h, sizeof(h), (size_t)have));
	return NULL;
}

/* ---- message queues ----------------------------------------------------- */

/* Errors that mean "this system or user may not have one now": the row
 * is skipped with the reason, the other methods still run. */
static bool limit_error(int err)
{
	return err == EMFILE || err == ENFILE || err == ENOSPC ||
	       err == ENOMEM || err == EACCES || err == EPERM ||
	       err == ENOSYS || err == EINVAL;
}

static const char *skip_reason(struct result *r, const char *call, int err)
{
	snprintf(r->note, sizeof(r->note), "skipped: %s: %s (%s)", call,
		 errno_name(err), strerror(err));
	return r->note;
}

/* POSIX: no header to prepend, a message goes straight from our buffer.
 * mq_receive() needs room for a full message (mq_msgsize) whatever is
 * coming: the consumer's buffer has x->slack spare bytes for that. */
static void pmq_send(struct xfer *x, unsigned char *p, size_t n)
{
	while (n > 0) {
		size_t m = min_size(n, x->msg);

		tally.calls++;
		if (mq_send(x->mq, (const char *)p, m, 0) == -1) {
			if (errno != EINTR)
				die("mq_send", x->name);
			if (child_died)
				peer_lost();
			continue;
		}
		tally.copied += m;
		p += m;
		n -= m;
	}
}

static void pmq_recv(struct xfer *x, unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t r;

		tally.calls++;
		r = mq_receive(x->mq, (char *)p, x->msg, NULL);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			die("mq_receive", x->name);
		if ((size_t)r > n)
			fail("%s: a %zd-byte message, only %zu bytes expected",
			     x->name, r, n);
		tally.copied += (size_t)r;
		p += r;
		n -= (size_t)r;
	}
}

static void pmq_teardown(struct xfer *x)
{
	CHK(mq_close(x->mq), "mq_close", x->name);
}

/*
 * The queue is as big as an unprivileged process may make one: messages of
 * /proc/sys/fs/mqueue/msgsize_max bytes (8 KiB by default), at most
 * msg_max of them (10), and all of it within RLIMIT_MSGQUEUE (800 KiB per
 * user by default; mq_open fails with EMFILE beyond it).  Too many queues
 * on the system (queues_max) gives ENOSPC.  Those are skips, not errors.
 */
#define MQ_OVERHEAD 128 /* the kernel's bookkeeping per message, roughly */

static const char *setup_pmq(struct xfer *x, struct result *r)
{
	static char *name;
	size_t msgsize = proc_limit("/proc/sys/fs/mqueue/msgsize_max", 8192);
	size_t maxmsg = proc_limit("/proc/sys/fs/mqueue/msg_max", 10);
	struct rlimit rl;
	struct mq_attr a = { 0 };
	char h[32];
	int handle;

	if (!name)
		name = ipc_name("speed-mq");
	msgsize = min_size(msgsize, x->chunk);
	CHK(getrlimit(RLIMIT_MSGQUEUE, &rl), "getrlimit", "RLIMIT_MSGQUEUE");
	if (rl.rlim_cur != RLIM_INFINITY)
		maxmsg =
			min_size(maxmsg, rl.rlim_cur / (msgsize + MQ_OVERHEAD));
	if (maxmsg == 0)
		maxmsg = 1; /* and let mq_open() say EMFILE */
	a.mq_msgsize = (long)msgsize;
	for (;;) {
		a.mq_maxmsg = (long)maxmsg;
		x->mq = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &a);
		if (x->mq != (mqd_t)-1)
			break;
		/* The RLIMIT_MSGQUEUE budget is per user, shared by all of
		 * that user's queues: other programs may hold part of it.
		 * Fewer messages of the same size still make the point. */
		if (errno == EMFILE && maxmsg > 1) {
			maxmsg /= 2;
			snprintf(r->note, sizeof(r->note),
				 "RLIMIT_MSGQUEUE left room for %zu messages",
				 maxmsg);
			continue;
		}
		if (limit_error(errno))
			return skip_reason(r, "mq_open", errno);
		die("mq_open", name);
	}
	/* fork() gives the child a copy of the descriptor, so the name can
	 * go at once: nothing is left behind, even if we are killed. */
	handle = cleanup_add(CL_MQ_NAME, name, 0);
	CHK(mq_unlink(name), "mq_unlink", name);
	cleanup_done(handle);

	x->msg = msgsize;
	x->slack = msgsize;
	x->send = pmq_send;
	x->recv = pmq_recv;
	x->produce = produce_stream;
	x->consume = consume_stream;
	x->teardown = pmq_teardown;
	r->buffer = maxmsg * msgsize;
	r->unit = msgsize;
	snprintf(r->label, sizeof(r->label), "POSIX mq %zu x %s messages",
		 maxmsg, human(h, sizeof(h), msgsize));
	return NULL;
}

/*
 * System V: msgsnd(2) takes a struct { long mtype; char mtext[]; }, the
 * type word right IN FRONT of the data.  Copying every piece into such a
 * struct would add a user-space copy (that is where a "four copies" count
 * can come true!).  Instead we borrow the 8 bytes in front of the piece:
 * save them, write the type there, send, put them back.  (Both buffers
 * have a spare page in front, for the first piece.)  msgrcv() writes the
 * type in front of the data too, over the end of the previous piece,
 * which the consumer saves and restores the same way.
 */
static void sysv_send(struct xfer *x, unsigned char *p, size_t n)
{
	const long type = 1;

	while (n > 0) {
		size_t m = min_size(n, x->msg);
		unsigned char *hdr = p - sizeof(long);
		unsigned char saved[sizeof(long)];
		int rc, err;

		memcpy(saved, hdr, sizeof(saved));
		memcpy(hdr, &type, sizeof(type));
		tally.calls++;
		rc = msgsnd(x->qid, hdr, m, 0);
		err = errno;
		memcpy(hdr, saved, sizeof(saved));
		if (rc == -1) {
			errno = err;
			if (errno != EINTR)
				die("msgsnd", x->name);
			if (child_died)
				peer_lost();
			continue;
		}
		tally.copied += m;
		p += m;
		n -= m;
	}
}

static void sysv_recv(struct xfer *x, unsigned char *p, size_t n)
{
	while (n > 0) {
		unsigned char *hdr = p - sizeof(long);
		unsigned char saved[sizeof(long)];
		ssize_t r;

		memcpy(saved, hdr, sizeof(saved));
		tally.calls++;
		r = msgrcv(x->qid, hdr, min_size(n, x->msg), 0, 0);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			die("msgrcv", x->name);
		}
		memcpy(hdr, saved, sizeof(saved));
		tally.copied += (size_t)r;
		p += r;
		n -= (size_t)r;
	}
}

static void sysv_teardown(struct xfer *x)
{
	CHK(msgctl(x->qid, IPC_RMID, NULL), "msgctl(IPC_RMID)", x->name);
	cleanup_done(x->qid_handle);
}

static const char *setup_sysv(struct xfer *x, struct result *r)
{
	size_t msgmax = proc_limit("/proc/sys/kernel/msgmax", 8192);
	struct msqid_ds ds;
	char h[32], q[32];

	x->key = ipc_key("speed-msg");
	x->qid = msgget(x->key, IPC_CREAT | IPC_EXCL | 0600);
	if (x->qid == -1) {
		if (errno == EEXIST)
			fail("msgget(0x%08x): EEXIST: a queue left by a killed "
			     "run; remove it with `make clean-ipc`",
			     (unsigned)x->key);
		if (limit_error(errno))
			return skip_reason(r, "msgget", errno);
		die("msgget", x->name);
	}
	/* A System V queue has no name to unlink early: IPC_RMID destroys
	 * it at once, for its users too.  So it lives until the transfer
	 * ends, registered so that even Ctrl-C removes it. */
	x->qid_handle = cleanup_add(CL_SYSV_MSG, NULL, x->qid);
	CHK(msgctl(x->qid, IPC_STAT, &ds), "msgctl(IPC_STAT)", x->name);

	x->msg = min_size(msgmax, x->chunk);
	x->send = sysv_send;
	x->recv = sysv_recv;
	x->produce = produce_stream;
	x->consume = consume_stream;
	x->teardown = sysv_teardown;
	r->buffer = ds.msg_qbytes;
	r->unit = x->msg;
	snprintf(r->label, sizeof(r->label), "SysV msg %s messages %s queue",
		 human(h, sizeof(h), x->msg),
		 human(q, sizeof(q), (size_t)ds.msg_qbytes));
	return NULL;
}

/* ---- the shared-memory ring ------------------------------------------- */

/*
 * One POSIX shared-memory object: a header page with two unnamed
 * semaphores (sem_init with pshared = 1, see lab 12), then SLOTS slots of
 * one chunk each.  "empty" counts the free slots (the producer waits on
 * it), "full" the filled ones (the consumer waits on it).  Chunk k lives
 * in slot k % SLOTS; both sides walk the slots in the same order, so no
 * index needs to be shared.
 *
 *   header  | slot 0 | slot 1 | slot 2 | slot 3 |
 *   empty=4   producer writes here -->   consumer reads behind it
 *   full=0
 *
 * Each semaphore has a cache line of its own, and the slots start on a
 * page: the two CPUs should only ever fight over data they really share.
 *
 * Seed bug: the seed's version is ONE buffer with semw = 1 and semr = 0 (a
 * ring of one slot: -n 1 here) and a reader that loops for ever,
 * "while (1) { em_wait(semr); ...; sem_post(semw); }".  The typo does not
 * compile, the loop cannot end, and if the writer dies the reader stays
 * blocked for good.  Here the consumer knows how many chunks will come,
 * and sem_take() notices a dead peer.
 */
struct ring {
	alignas(64) sem_t empty;
	alignas(64) sem_t full;
};
#define RING_DATA PAGE

static unsigned char *ring_slot(const struct xfer *x, uint64_t k)
{
	return (unsigned char *)x->ring + RING_DATA +
	       (k % x->nslots) * x->stride;
}

/* Copy in: wait for a free slot, copy the chunk into it, announce it. */
static void ring_produce(struct xfer *x)
{
	for (uint64_t k = 0; k < x->nchunks; k++) {
		size_t len = chunk_len(x, k);
		unsigned char *slot = ring_slot(x, k);

		stamp(x->buf, len, k);
		sem_take(&x->ring->empty, "empty");
		copy_bytes(slot, x->buf, len);
		sem_give(&x->ring->full, "full");
	}
}

/*
 * Copy out: wait for a full slot, check the chunk and copy it out, then
 * give the slot back.  We hold the slot until we are done with it, so the
 * copy is exactly what was checked, and every byte is still copied out of
 * shared memory (copies/B stays 2.00).
 *
 * The ORDER was chosen by measuring (the lab's guide has the numbers).  The
 * chunk goes a PIECE at a time: the check reads the piece where it lies,
 * which pulls it from the other CPU's cache into ours; memcpy then copies
 * it out of our L1 cache.  The obvious way - memcpy the whole 1 MiB chunk
 * into a 1 MiB buffer, then read it all again to check it - ran at about
 * half the speed on the lab's machine: with a 1 MiB L2 cache per core the
 * big copy pushes the data out of the L2 before the check comes back for
 * it ("cache blocking": make what you touch twice fit in a cache), and
 * memcpy of lines that sit in another core's cache was slower than plain
 * loads.  The pipe's reader, for comparison, does best with one big
 * read() per chunk: smaller reads only add system calls.
 */
#define PIECE (32 * KiB) /* well inside a 48 KiB L1 data cache */

static void ring_consume(struct xfer *x)
{
	for (uint64_t k = 0; k < x->nchunks; k++) {
		size_t len = chunk_len(x, k);
		unsigned char *slot = ring_slot(x, k);

		sem_take(&x->ring->full, "full");
		for (size_t off = 0; off < len; off += PIECE) {
			size_t n = min_size(PIECE, len - off);

			check_piece(slot + off, n, off, k);
			copy_bytes(x->buf, slot + off, n);
		}
		got.chunks++;
		sem_give(&x->ring->empty, "empty");
	}
}

/* Zero-copy, producer: build chunk k right in its slot.  Here "building"
 * is writing the pattern and the stamp; in a real program it would be
 * read(2)ing a file into the slot, or computing the result there.  It
 * stores every byte, as a copy would, but loads nothing. */
static void zc_produce(struct xfer *x)
{
	for (uint64_t k = 0; k < x->nchunks; k++) {
		size_t len = chunk_len(x, k);
		unsigned char *slot = ring_slot(x, k);

		sem_take(&x->ring->empty, "empty");
		fill_pattern(slot, len);
		stamp(slot, len, k);
		sem_give(&x->ring->full, "full");
	}
}

/* Zero-copy, consumer: use the chunk where it lies. */
static void zc_consume(struct xfer *x)
{
	for (uint64_t k = 0; k < x->nchunks; k++) {
		size_t len = chunk_len(x, k);
		unsigned char *slot = ring_slot(x, k);

		sem_take(&x->ring->full, "full");
		/* BEGIN EXERCISE 16.2: Consume the chunk without copying it:
		 * check it where it lies in the shared slot (check_chunk), and
		 * only THEN give the slot back by posting "empty".  Post it
		 * earlier and the producer may overwrite the slot while you
		 * are still reading it.  The stub copies the chunk out and
		 * checks the copy, so ring-zc shows 1.00 copies/B, not 0. */
		check_chunk(slot, len, k);
		sem_give(&x->ring->empty, "empty slot");
		/* STUB
		copy_bytes(x->buf, slot, len);
		sem_give(&x->ring->empty, "empty");
		check_chunk(x->buf, len, k);
		*/
		/* END EXERCISE */
	}
}

static void ring_child_init(struct xfer *x)
{
	prefault(x->ring, x->ring_len, x->name);
}

static void ring_teardown(struct xfer *x)
{
	CHK(sem_destroy(&x->ring->empty), "sem_destroy", "empty");
	CHK(sem_destroy(&x->ring->full), "sem_destroy", "full");
	CHK(munmap(x->ring, x->ring_len), "munmap", x->name);
}

static const char *setup_ring(struct xfer *x, struct result *r)
{
	static char *name;
	char h[32];
	int fd, handle;
	void *p;

	if (!name)
		name = ipc_name("speed-ring");
	x->stride = round_up(x->chunk, 64);
	x->ring_len = RING_DATA + x->nslots * x->stride;
	fd = CHK(shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600), "shm_open",
		 name);
	handle = cleanup_add(CL_SHM_NAME, name, 0);
	CHK(ftruncate(fd, (off_t)x->ring_len), "ftruncate", name);
	p = CHK_MAP(mmap(NULL, x->ring_len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_POPULATE, fd, 0),
		    "mmap", name);
	CHK(close(fd), "close", name);
	/* The child inherits the mapping through fork(): the name has done
	 * its job.  Unlinking it now means that nothing is left in /dev/shm
	 * whatever happens next.  (Unrelated processes would keep the name
	 * until both had mapped it: see labs 10-12.) */
	CHK(shm_unlink(name), "shm_unlink", name);
	cleanup_done(handle);
	prefault(p, x->ring_len, name);

	x->ring = p;
	CHK(sem_init(&x->ring->empty, 1, x->nslots), "sem_init", "empty");
	CHK(sem_init(&x->ring->full, 1, 0), "sem_init", "full");
	x->child_init = ring_child_init;
	x->teardown = ring_teardown;
	if (x->row == R_RING_ZC) {
		x->produce = zc_produce;
		x->consume = zc_consume;
	} else {
		x->produce = ring_produce;
		x->consume = ring_consume;
	}
	r->buffer = x->nslots * x->chunk;
	r->unit = x->chunk;
	snprintf(r->label, sizeof(r->label), "shm ring %u x %s %s", x->nslots,
		 human(h, sizeof(h), x->chunk),
		 x->row == R_RING_ZC ? "zero-copy" : "copy in/out");
	return NULL;
}

/* ---- the harness ------------------------------------------------------ */

static unsigned char *src; /* the producer's chunk buffer (the pattern) */
static size_t src_len;	   /* its size: max(chunk, SMALL_CHUNK) */

static const char *(*const setup_fn[FIRST_RTT])(struct xfer *,
						struct result *) = {
	[R_PIPE] = setup_pipe,	   [R_PIPE_BIG] = setup_pipe_big,
	[R_UNIX] = setup_unix,	   [R_POSIX_MQ] = setup_pmq,
	[R_SYSV_MSG] = setup_sysv, [R_RING] = setup_ring,
	[R_RING_ZC] = setup_ring,  [R_RING_4K] = setup_ring,
};

static long rusage_sleeps(const struct rusage *a, const struct rusage *b)
{
	return b->ru_nvcsw - a->ru_nvcsw;
}

static long rusage_faults(const struct rusage *a, const struct rusage *b)
{
	return (b->ru_minflt - a->ru_minflt) + (b->ru_majflt - a->ru_majflt);
}

static double tv_secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* CPU time used between A and B, in user and in system (kernel) mode. */
static double rusage_cpu(const struct rusage *a, const struct rusage *b)
{
	return tv_secs(b->ru_utime) - tv_secs(a->ru_utime) +
	       tv_secs(b->ru_stime) - tv_secs(a->ru_stime);
}

/* The child: allocate and pre-fault everything, say "ready", consume the
 * whole payload, report, exit. */
static noreturn void consumer(struct xfer *x, int ready_fd)
{
	struct rusage ru0, ru1;
	double t_end;

	die_with_parent();
	pin_to(cpu_of[1]);
	got.chunk = x->chunk;
	x->buf = alloc_buf(src_len + x->slack, false);
	if (x->child_init)
		x->child_init(x);
	tally = (struct tally){ 0 };
	CHK(getrusage(RUSAGE_SELF, &ru0), "getrusage", "self");
	CHK(write(ready_fd, "r", 1), "write", "ready pipe");
	CHK(close(ready_fd), "close", "ready pipe");

	x->consume(x);

	t_end = now();
	CHK(getrusage(RUSAGE_SELF, &ru1), "getrusage", "self");
	sh->rep = (struct report){ .t_end = t_end,
				   .tally = tally,
				   .sleeps = rusage_sleeps(&ru0, &ru1),
				   .faults = rusage_faults(&ru0, &ru1),
				   .cpu = rusage_cpu(&ru0, &ru1),
				   .chunks = got.chunks,
				   .bad = got.bad,
				   .sum = got.sum };
	_exit(0);
}

/* One timed transfer of the payload with method ROW; keeps the fastest. */
static void run_transfer(enum row row)
{
	struct result *r = &res[row];
	struct xfer x = { .row = row,
			  .name = row_name[row],
			  .pfd = -1,
			  .cfd = -1,
			  .qid = -1,
			  .nslots = opt.slots };
	struct rusage ru0, ru1;
	int ready[2], st;
	double t0, secs;
	pid_t pid;
	char c;

	running = x.name;
	x.chunk = row == R_RING_4K ? SMALL_CHUNK : opt.chunk;
	x.nchunks = (opt.payload + x.chunk - 1) / x.chunk;
	r->chunk = x.chunk;
	r->note[0] = '\0'; /* the notes of the last run count */
	if (setup_fn[row](&x, r))
		return; /* skipped, r->note says why */

	CHK(pipe(ready), "pipe", "ready pipe");
	memset(&sh->rep, 0, sizeof(sh->rep));
	child_died = 0;
	pid = CHK(fork(), "fork", x.name);
	if (pid == 0) {
		CHK(close(ready[0]), "close", "ready pipe");
		consumer(&x, ready[1]);
	}
	CHK(close(ready[1]), "close", "ready pipe");
	if (x.parent_init)
		x.parent_init(&x);
	watch_child(pid, true);
	/* Wait until the child is ready: its buffers mapped, its pages
	 * faulted in.  None of that is part of the transfer. */
	for (;;) {
		ssize_t n = read(ready[0], &c, 1);

		if (n == 1)
			break;
		if (n == 0 || errno != EINTR || child_died)
			peer_lost(); /* it failed before it was ready */
	}
	CHK(close(ready[0]), "close", "ready pipe");

	x.buf = src;
	tally = (struct tally){ 0 };
	CHK(getrusage(RUSAGE_SELF, &ru0), "getrusage", "self");
	t0 = now();
	x.produce(&x);
	CHK(getrusage(RUSAGE_SELF, &ru1), "getrusage", "self");
	st = reap(pid);
	watch_child(0, false);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("%s: the consumer failed", x.name);
	x.teardown(&x);

	if (sh->rep.chunks != x.nchunks || sh->rep.bad != 0 ||
	    sh->rep.sum != expected_sum(src, x.chunk))
		fail("%s: the payload arrived damaged: %llu of %llu chunks, "
		     "%llu bad stamps, checksum %016llx, expected %016llx",
		     x.name, (unsigned long long)sh->rep.chunks,
		     (unsigned long long)x.nchunks,
		     (unsigned long long)sh->rep.bad,
		     (unsigned long long)sh->rep.sum,
		     (unsigned long long)expected_sum(src, x.chunk));

	secs = sh->rep.t_end - t0;
	if (secs <= 0)
		secs = 1e-9;
	if (!r->done || secs < r->secs) {
		r->done = true;
		r->secs = secs;
		r->both.calls = tally.calls + sh->rep.tally.calls;
		r->both.copied = tally.copied + sh->rep.tally.copied;
		r->sleeps = rusage_sleeps(&ru0, &ru1) + sh->rep.sleeps;
		r->faults = rusage_faults(&ru0, &ru1) + sh->rep.faults;
		r->cpu = rusage_cpu(&ru0, &ru1) + sh->rep.cpu;
	}
}

/* ---- the physical reference: memcpy in one process ---------------------- */

static unsigned char *mc_src, *mc_dst; /* LARGE_BUF-sized, allocated once */

/*
 * Copy the payload from one buffer to another, BUFSZ bytes at a time, as
 * the ring copies it: with BUFSZ = the chunk both buffers stay in the
 * caches; with 64 MiB they cannot, and this is the memory bus's speed.
 */
static void run_memcpy(enum row row, size_t bufsz)
{
	struct result *r = &res[row];
	struct rusage ru0, ru1;
	char h[32];
	double t0, secs;

	tally = (struct tally){ 0 };
	CHK(getrusage(RUSAGE_SELF, &ru0), "getrusage", "self");
	t0 = now();
	for (size_t off = 0; off < opt.payload; off += bufsz) {
		copy_bytes(mc_dst, mc_src, min_size(bufsz, opt.payload - off));
		/* An empty asm that "may read any memory": without it the
		 * compiler may notice that nobody reads mc_dst and drop all
		 * but the last copy. */
		__asm__ volatile("" ::: "memory");
	}
	secs = now() - t0;
	CHK(getrusage(RUSAGE_SELF, &ru1), "getrusage", "self");
	if (secs <= 0)
		secs = 1e-9;
	if (!r->done || secs < r->secs) {
		r->done = true;
		r->secs = secs;
		r->both = tally;
		r->sleeps = rusage_sleeps(&ru0, &ru1);
		r->faults = rusage_faults(&ru0, &ru1);
		r->cpu = rusage_cpu(&ru0, &ru1);
	}
	r->buffer = r->unit = r->chunk = bufsz;
	snprintf(r->label, sizeof(r->label), "memcpy between two %s buffers",
		 human(h, sizeof(h), bufsz));
}

/* ---- latency: ping-pong --------------------------------------------- */

#define WARMUP 100	/* round trips not recorded */
#define SPIN_LIMIT 1000 /* spins before sched_yield() */

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

static void run_latency(enum row row)
{
	struct result *r = &res[row];
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

/* ---- the report ------------------------------------------------------- */

static double gbps(const struct result *r)
{
	return (double)opt.payload / r->secs / 1e9;
}

static double per_mib(double n)
{
	return n / ((double)opt.payload / (double)MiB);
}

/* "x pipe-big" and "x memcpy": this row's throughput over a reference
 * measured in the same run (ratios survive a noisy machine better than
 * absolute numbers do). */
static bool ratio(enum row row, enum row ref, double *out)
{
	if (!res[row].done || !res[ref].done)
		return false;
	*out = gbps(&res[row]) / gbps(&res[ref]);
	return true;
}

static const char *short_size(char *buf, size_t len, size_t n)
{
	if (n >= MiB && n % MiB == 0)
		snprintf(buf, len, "%zuM", n / MiB);
	else if (n >= KiB && n % KiB == 0)
		snprintf(buf, len, "%zuK", n / KiB);
	else
		snprintf(buf, len, "%zu", n);
	return buf;
}

static void print_ratio(enum row row, enum row ref, int w)
{
	double v;

	if (ratio(row, ref, &v))
		printf(" %*.2f", w, v);
	else
		printf(" %*s", w - 1, "-");
}

static void print_cpus(void)
{
	if (cpu_of[0] >= 0)
		printf("%d CPUs; producer on CPU %d, consumer on CPU %d\n",
		       ncpus, cpu_of[0], cpu_of[1]);
	else
		printf("%d CPU%s; the processes are not pinned\n", ncpus,
		       ncpus == 1 ? "" : "s");
}

static void print_throughput(void)
{
	double top = 0, v;
	char h[32], c[32];

	printf("ipc_speed: each method moves %s in %s chunks (ring: %u x %s), "
	       "fastest of %u runs\n",
	       human(h, sizeof(h), opt.payload), human(c, sizeof(c), opt.chunk),
	       opt.slots, human(c, sizeof(c), opt.chunk), opt.reps);
	print_cpus();
	printf("\n%-12s %6s %7s %10s %8s %8s %9s %10s %10s %5s\n", "method",
	       "buffer", "GB/s", "x pipe-big", "x memcpy", "copies/B",
	       "calls/MiB", "sleeps/MiB", "faults/MiB", "CPUs");
	for (int i = 0; i < FIRST_RTT; i++) {
		const struct result *r = &res[i];

		if (!opt.want[i])
			continue;
		if (!r->done) {
			printf("%-12s %s\n", row_name[i], r->note);
			continue;
		}
		if (gbps(r) > top)
			top = gbps(r);
		printf("%-12s %6s %7.2f", row_name[i],
		       short_size(h, sizeof(h), r->buffer), gbps(r));
		print_ratio(i, R_PIPE_BIG, 10);
		print_ratio(i, R_MEMCPY_CHUNK, 8);
		printf(" %8.2f %9.1f %10.1f %10.1f %5.2f\n",
		       (double)r->both.copied / (double)opt.payload,
		       per_mib((double)r->both.calls),
		       per_mib((double)r->sleeps), per_mib((double)r->faults),
		       r->cpu / r->secs);
	}
	printf("\n"
	       "buffer      bytes that can be in flight (pipe capacity, "
	       "SO_SNDBUF, queue, ring)\n"
	       "x pipe-big  throughput / pipe-big's;  x memcpy: / "
	       "memcpy-chunk's (same run)\n"
	       "copies/B    bytes copied per payload byte, by memcpy or inside "
	       "read/write/send\n"
	       "calls/MiB   IPC calls of both processes (read write mq_send "
	       "msgrcv sem_wait ...)\n"
	       "sleeps/MiB  voluntary context switches of both processes "
	       "(getrusage ru_nvcsw)\n"
	       "faults/MiB  page faults in the timed loops (ru_minflt + "
	       "ru_majflt)\n"
	       "CPUs        CPU time of both processes / elapsed time (2.00: "
	       "both busy all along)\n");

	if (top > 0) {
		printf("\nthroughput, GB/s\n");
		for (int i = 0; i < FIRST_RTT; i++) {
			const struct result *r = &res[i];
			int n;

			if (!opt.want[i] || !r->done)
				continue;
			n = (int)(gbps(r) / top * 40 + 0.5);
			if (n < 1)
				n = 1;
			printf("%-12s |%-40.*s %6.2f  %s\n", row_name[i], n,
			       "########################################",
			       gbps(r), r->label);
		}
	}
	for (int i = 0; i < FIRST_RTT; i++)
		if (opt.want[i] && res[i].done && res[i].note[0])
			printf("note: %s: %s\n", row_name[i], res[i].note);

	if (ratio(R_RING, R_PIPE_BIG, &v)) {
		printf("\nring / pipe-big = %.1fx", v);
		if (ratio(R_RING, R_MEMCPY_CHUNK, &v))
			printf(";  ring / memcpy-chunk = %.0f%%", v * 100);
		if (ratio(R_RING_4K, R_PIPE_BIG, &v))
			printf(";  ring-4k / pipe-big = %.2fx", v);
		printf("\n");
	}
}

static void print_latency(void)
{
	printf("\nround trip, 1-byte ping-pong, %u rounds  %8s %8s\n",
	       opt.rounds, "p50 us", "p99 us");
	for (int i = FIRST_RTT; i < NROWS; i++)
		if (opt.want[i] && res[i].done)
			printf("%-10s %-34s %8.1f %8.1f\n", row_name[i],
			       res[i].label, res[i].p50, res[i].p99);
	if (cpu_of[0] >= 0)
		printf("note: each process has a CPU of its own.  A blocking "
		       "method (pipe, socket,\n"
		       "      semaphore) must wake a process that sleeps on "
		       "the "
		       "other CPU: an\n"
		       "      inter-processor interrupt, and on a virtual "
		       "machine "
		       "a halted virtual CPU.\n"
		       "      --no-pin lets the scheduler keep both on one "
		       "CPU: "
		       "compare.\n");
	if (!res[R_RTT_SPIN].done)
		return;
	printf("note: rtt-spin never sleeps, so it never needs waking; but it "
	       "keeps both\n"
	       "      processes busy on a CPU each: it only pays with a core "
	       "per process.  On\n"
	       "      one core the spinner burns the time its peer needs; "
	       "after "
	       "%d spins it\n"
	       "      calls sched_yield(), so it cannot hang.\n",
	       SPIN_LIMIT);
	if (ncpus < 2)
		printf("      This run had 1 CPU: compare rtt-spin with the "
		       "blocking methods.\n");
}

static void print_report(void)
{
	bool any = false;

	for (int i = 0; i < FIRST_RTT; i++)
		any |= opt.want[i];
	if (any)
		print_throughput();
	else
		print_cpus();
	if (res[R_RTT_PIPE].done || res[R_RTT_UNIX].done ||
	    res[R_RTT_SEM].done || res[R_RTT_SPIN].done)
		print_latency();
}

/* No commas inside a CSV field: notes come from strerror(). */
static void csv_text(const char *s)
{
	for (; *s; s++)
		putchar(*s == ',' ? ';' : *s);
}

static void print_csv(void)
{
	double v;

	printf("kind,method,label,payload_bytes,chunk_bytes,unit_bytes,"
	       "buffer_bytes,seconds,gb_per_s,x_pipe_big,x_memcpy,"
	       "copies_per_byte,calls_per_mib,sleeps_per_mib,faults_per_mib,"
	       "cpus,"
	       "p50_us,p99_us,note\n");
	for (int i = 0; i < NROWS; i++) {
		const struct result *r = &res[i];

		if (!opt.want[i])
			continue;
		printf("%s,%s,", i < FIRST_RTT ? "throughput" : "latency",
		       row_name[i]);
		csv_text(r->label);
		if (!r->done) {
			printf(",%zu,,,,,,,,,,,,,,", opt.payload);
		} else if (i >= FIRST_RTT) {
			printf(",,,,,,,,,,,,,,%.2f,%.2f", r->p50, r->p99);
		} else {
			printf(",%zu,%zu,%zu,%zu,%.6f,%.3f,", opt.payload,
			       r->chunk, r->unit, r->buffer, r->secs, gbps(r));
			if (ratio(i, R_PIPE_BIG, &v))
				printf("%.3f", v);
			printf(",");
			if (ratio(i, R_MEMCPY_CHUNK, &v))
				printf("%.3f", v);
			printf(",%.3f,%.2f,%.2f,%.2f,%.2f,,",
			       (double)r->both.copied / (double)opt.payload,
			       per_mib((double)r->both.calls),
			       per_mib((double)r->sleeps),
			       per_mib((double)r->faults), r->cpu / r->secs);
		}
		printf(",");
		csv_text(r->note);
		printf("\n");
	}
}

/* ---- options ---------------------------------------------------------- */

/* "512M" -> 536870912.  False for anything else than digits + a suffix. */
static bool parse_size(const char *s, size_t *out)
{
	unsigned long long v;
	size_t mult = 1;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (*end) {
	case 'k':
	case 'K':
		mult = KiB;
		end++;
		break;
	case 'm':
	case 'M':
		mult = MiB;
		end++;
		break;
	case 'g':
	case 'G':
		mult = GiB;
		end++;
		break;
	}
	if (*end || v > SIZE_MAX / mult)
		return false;
	*out = (size_t)v * mult;
	return true;
}

static unsigned parse_count(const char *s, const char *what, unsigned lo,
			    unsigned hi)
{
	size_t v;
	char why[96];

	if (!parse_size(s, &v) || v < lo || v > hi) {
		snprintf(why, sizeof(why), "%s must be %u..%u, not '%s'", what,
			 lo, hi, s);
		usage_error(usage_text, why);
	}
	return (unsigned)v;
}

static void parse_methods(char *list)
{
	char why[96];
	char *save = NULL;
	bool any = false;

	memset(opt.want, 0, sizeof(opt.want));
	for (char *t = strtok_r(list, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		bool hit = false;

		for (int i = 0; i < NROWS; i++) {
			if (strcmp(t, row_name[i]) == 0 ||
			    strcmp(t, "all") == 0 ||
			    (strcmp(t, "memcpy") == 0 && i <= R_MEMCPY_LARGE) ||
			    (strcmp(t, "rtt") == 0 && i >= FIRST_RTT)) {
				opt.want[i] = true;
				hit = true;
			}
		}
		if (!hit) {
			snprintf(why, sizeof(why), "unknown method '%.40s'", t);
			usage_error(usage_text, why);
		}
		any = true;
	}
	if (!any)
		usage_error(usage_text, "--method needs at least one name");
}

static void parse_args(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "size", required_argument, NULL, 's' },
		{ "chunk", required_argument, NULL, 'c' },
		{ "slots", required_argument, NULL, 'n' },
		{ "reps", required_argument, NULL, 'r' },
		{ "rounds", required_argument, NULL, 'l' },
		{ "method", required_argument, NULL, 'm' },
		{ "csv", no_argument, NULL, 'C' },
		{ "no-pin", no_argument, NULL, 'P' },
		{ "flip", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char why[96];
	int c;

	for (int i = 0; i < NROWS; i++)
		opt.want[i] = true;
	opterr = 0; /* our own message, then the usage */
	while ((c = getopt_long(argc, argv, "s:c:n:r:l:m:h", longs, NULL)) !=
	       -1) {
		switch (c) {
		case 's':
			if (!parse_size(optarg, &opt.payload) ||
			    opt.payload < 1 || opt.payload > 64 * GiB) {
				snprintf(why, sizeof(why),
					 "--size must be 1..64G, not '%.30s'",
					 optarg);
				usage_error(usage_text, why);
			}
			break;
		case 'c':
			if (!parse_size(optarg, &opt.chunk) || opt.chunk < 64 ||
			    opt.chunk > 256 * MiB) {
				snprintf(why, sizeof(why),
					 "--chunk must be 64..256M, not "
					 "'%.30s'",
					 optarg);
				usage_error(usage_text, why);
			}
			break;
		case 'n':
			opt.slots = parse_count(optarg, "--slots", 1, 4096);
			break;
		case 'r':
			opt.reps = parse_count(optarg, "--reps", 1, 100);
			break;
		case 'l':
			opt.rounds =
				parse_count(optarg, "--rounds", 0, 10000000);
			break;
		case 'm':
			parse_methods(optarg);
			break;
		case 'C':
			opt.csv = true;
			break;
		case 'P':
			opt.no_pin = true;
			break;
		case 'F':
			if (!parse_size(optarg, &opt.flip)) {
				snprintf(why, sizeof(why),
					 "--flip needs a byte offset, not "
					 "'%.30s'",
					 optarg);
				usage_error(usage_text, why);
			}
			break;
		default:
			usage_error(usage_text, c == 'h' ? NULL : "bad option");
		}
	}
	if (optind < argc)
		usage_error(usage_text, "no arguments expected");
	if ((size_t)opt.slots * round_up(opt.chunk, 64) > GiB)
		usage_error(usage_text, "the ring (slots x chunk) is over 1G");
	if (opt.rounds == 0)
		for (int i = FIRST_RTT; i < NROWS; i++)
			opt.want[i] = false;
}

static void install(int sig, void (*fn)(int))
{
	/* sa_flags = 0: no SA_RESTART, blocked calls return EINTR. */
	struct sigaction sa = { .sa_handler = fn };

	sigemptyset(&sa.sa_mask);
	CHK(sigaction(sig, &sa, NULL), "sigaction", sigabbrev_np(sig));
}

int main(int argc, char **argv)
{
	size_t large;

	lab_init(argc, argv);
	parse_args(argc, argv);
	parent_pid = getpid();
	choose_cpus();
	pin_to(cpu_of[0]); /* the parent produces, and runs memcpy */
	install(SIGCHLD, on_sigchld);
	install(SIGALRM, on_sigalrm);
	install(SIGPIPE, SIG_IGN); /* a dead reader: EPIPE, not death */

	sh = CHK_MAP(mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0),
		     "mmap", "shared page");
	src_len = opt.chunk > SMALL_CHUNK ? opt.chunk : SMALL_CHUNK;
	src = alloc_buf(src_len, true);
	fill_pattern(src, src_len);
	/* memcpy-large: 64 MiB buffers, or less for a small payload. */
	large = min_size(LARGE_BUF,
			 opt.payload > opt.chunk ? opt.payload : opt.chunk);
	if (opt.want[R_MEMCPY_CHUNK] || opt.want[R_MEMCPY_LARGE]) {
		size_t n = opt.chunk; /* big enough for both rows */

		if (opt.want[R_MEMCPY_LARGE] && large > n)
			n = large;

		mc_src = alloc_buf(n, true);
		mc_dst = alloc_buf(n, true);
		fill_pattern(mc_src, n);
	}

	/* Round-robin: every method once, then every method again.  Noise
	 * on a shared machine then hits all methods alike, and the ratios
	 * of one run stay meaningful. */
	for (unsigned rep = 0; rep < opt.reps; rep++) {
		if (opt.want[R_MEMCPY_CHUNK])
			run_memcpy(R_MEMCPY_CHUNK, opt.chunk);
		if (opt.want[R_MEMCPY_LARGE])
			run_memcpy(R_MEMCPY_LARGE, large);
		for (int i = R_PIPE; i < FIRST_RTT; i++)
			if (opt.want[i])
				run_transfer(i);
	}
	for (int i = FIRST_RTT; i < NROWS; i++)
		if (opt.want[i])
			run_latency(i);

	if (opt.csv)
		print_csv();
	else
		print_report();
	return 0;
}
