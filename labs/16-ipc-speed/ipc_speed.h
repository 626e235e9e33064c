/*
 * ipc_speed.h - what the files of lab 16 share.
 *
 *   ipc_speed.c   main(): the measurements in the order the guide tells them
 *   ring.c        the shared-memory ring: the part to read first
 *   fd_methods.c  pipe, pipe-big (F_SETPIPE_SZ), unix socketpair
 *   queues.c      POSIX and System V message queues
 *   transfer.c    one timed transfer: fork the consumer, time, verify
 *   setup.c       the process, once; the memcpy reference
 *   payload.c     the payload's pattern, stamps and checksum
 *   procs.c       CPUs, a dead peer, counted semaphores
 *   memory.c      buffers faulted in before timing; getrusage arithmetic
 *   latency.c     the 1-byte ping-pong
 *   report.c      the report of one chunk size
 *   sweep.c       the table of a sweep: peaks and crossings
 *   csv.c         the CSV
 *   options.c     the command line
 *   relay.c       a separate program: the seeds' file -> IPC -> file relay
 */
#ifndef IPC_SPEED_H
#define IPC_SPEED_H

#include "shmlabs.h"

#include <mqueue.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#define KiB ((size_t)1024)
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)

/* The rows of the report: what can be measured. */
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
extern const char *const row_name[NROWS];

#define MAX_CHUNKS 16	      /* chunk sizes in one sweep */
#define SMALL_CHUNK (4 * KiB) /* ring-4k's chunk, whatever -c says */
#define LARGE_BUF (64 * MiB)  /* memcpy-large's buffers: bigger than caches */

/* The command line (options.c). */
struct options {
	size_t payload;		   /* bytes each method moves */
	size_t chunks[MAX_CHUNKS]; /* -c: one size, or a sweep */
	unsigned nchunks;
	unsigned slots;	 /* slots in the ring */
	unsigned reps;	 /* runs per method; the fastest is reported */
	unsigned rounds; /* ping-pong round trips */
	bool csv, no_pin;
	bool want[NROWS];
	size_t flip; /* --flip: damage this payload byte on arrival */
};
extern struct options opt;
extern const char usage_text[];
void parse_args(int argc, char **argv);

/* What one process counted itself: the IPC calls that did their work (one
 * interrupted by our own SIGALRM and repeated counts once) and the bytes
 * it copied (by memcpy, or asked read/write/send to move).  A tally, not a
 * measurement: it is true by construction.  strace -c can confirm calls. */
struct tally {
	uint64_t calls;
	uint64_t copied;
};
extern struct tally tally;

/* What the consumer (the child) hands back, in shared memory. */
struct report {
	double t_end; /* CLOCK_MONOTONIC when its last chunk was checked */
	struct tally tally; /* its own calls and copies */
	struct rusage ru;   /* getrusage of its timed loop (differences) */
	uint64_t chunks;    /* chunks checked */
	uint64_t bad;	    /* wrong stamps (one per 4 KiB of a chunk) */
	uint64_t sum;	    /* checksum of every byte between the stamps */
};

/* One page shared by the parent and every child it forks.  The ping-pong
 * objects get a cache line each, so that writing one does not steal the
 * other's line from the other CPU ("false sharing"). */
struct shared {
	struct report rep;
	alignas(64) sem_t ping;
	alignas(64) sem_t pong;
	alignas(64) uint64_t seq, echo;
	/* A lock-free C11 atomic is also "address-free" (C11 7.17.5), so it
	 * works between processes that map the same page at any address. */
	alignas(64) atomic_ulong turn;
};
extern struct shared *sh;

/* One row of the report. */
struct result {
	bool done;	/* measured (at least once) */
	char note[160]; /* why it was skipped, or a remark */
	char label[80]; /* what exactly was measured */
	size_t buffer;	/* bytes that can be in flight */
	size_t unit;	/* bytes per send call / per slot */
	size_t chunk;	/* bytes per chunk */
	double secs;	/* the fastest run */
	struct tally both;
	long sleeps, faults;
	double user, sys; /* CPU seconds of both processes, of that run */
	double p50, p99;  /* latency rows: microseconds */
};
extern struct result res[MAX_CHUNKS][NROWS];

/* One transfer in flight: what the producer and the consumer share. */
struct ring;
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
	size_t msg;	     /* bytes per message (queues) */
	struct ring *ring;
	size_t ring_len, stride;
	unsigned nslots;
};
size_t chunk_len(const struct xfer *x, uint64_t k);

/* transfer.c */
void run_transfer(enum row row, struct result *r);
void run_memcpy(enum row row, size_t bufsz, struct result *r);
void keep_fastest(struct result *r, double secs, const struct tally *t,
		  const struct rusage *a, const struct rusage *b);
void setup_process(void);
void stream_send(struct xfer *x, unsigned char *p, size_t n);
void stream_recv(struct xfer *x, unsigned char *p, size_t n);

/* the methods: setup returns NULL, or the reason the row is skipped */
const char *pipe_setup(struct xfer *x, struct result *r);
const char *pipe_big_setup(struct xfer *x, struct result *r);
const char *unix_setup(struct xfer *x, struct result *r);
void fd_send(struct xfer *x, unsigned char *p, size_t n);
void fd_recv(struct xfer *x, unsigned char *p, size_t n);
const char *pmq_setup(struct xfer *x, struct result *r);
void pmq_send(struct xfer *x, unsigned char *p, size_t n);
void pmq_recv(struct xfer *x, unsigned char *p, size_t n);
const char *sysv_setup(struct xfer *x, struct result *r);
void sysv_send(struct xfer *x, unsigned char *p, size_t n);
void sysv_recv(struct xfer *x, unsigned char *p, size_t n);
void sysv_teardown(struct xfer *x);
const char *ring_setup(struct xfer *x, struct result *r);
void ring_produce(struct xfer *x);
void ring_consume(struct xfer *x);
void zc_produce(struct xfer *x);
void zc_consume(struct xfer *x);
void ring_child_init(struct xfer *x);
void ring_teardown(struct xfer *x);

/* payload.c */
#define STAMP_EVERY 4096   /* the payload's format, not the page size */
extern unsigned char *src; /* the producer's chunk (the pattern) */
extern size_t src_len;
void fill_pattern(unsigned char *p, size_t len);
void stamp(unsigned char *p, size_t len, uint64_t k);
void check_piece(unsigned char *p, size_t n, size_t off, uint64_t k);
void chunk_checked(void);
void check_chunk(unsigned char *p, size_t len, uint64_t k);
uint64_t expected_sum(const unsigned char *pattern, size_t chunk);
void copy_bytes(void *dst, const void *from, size_t n);
void verdict_reset(size_t chunk);
void verdict_get(struct report *rep);

/* procs.c */
extern size_t page_size;
extern int ncpus, cpu_of[2];
extern volatile sig_atomic_t child_died;
extern pid_t parent_pid;
extern const char *running;
double now(void);
size_t min_size(size_t a, size_t b);
size_t round_up(size_t n, size_t to);
const char *size_text(char *buf, size_t len, size_t n, bool brief);
const char *human(char *buf, size_t len, size_t n);
size_t proc_limit(const char *path, size_t fallback);
void choose_cpus(void);
void pin_to(int cpu);
void watch_signals(void);
void watch_child(pid_t pid, bool on);
int reap(pid_t pid);
LAB_NORETURN void peer_lost(void);
void die_with_parent(void);
void sem_take(sem_t *s, const char *what);
void sem_give(sem_t *s, const char *what);
unsigned char *alloc_buf(size_t len, bool dontfork);
void prefault(void *p, size_t len, const char *what);
void rusage_diff(struct rusage *d, const struct rusage *a,
		 const struct rusage *b);
double tv_secs(struct timeval tv);

/* latency.c */
#define SPIN_LIMIT 1000 /* spins before sched_yield() */
void run_latency(enum row row, struct result *r);

/* report.c, sweep.c, csv.c */
void print_report(void);
void print_sweep(void);
double gbps(const struct result *r);
double per_mib(double n);
bool ratio(unsigned c, enum row row, enum row ref, double *out);
double cpus(const struct result *r);
double sys_pct(const struct result *r);
const char *short_size(char *buf, size_t len, size_t n);
void print_cpus(void);
void print_csv(void);

#endif
