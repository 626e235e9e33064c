/*
 * transfer.c - lab 16's harness: one timed transfer of the payload by one
 * method.  The parent produces, a child it forks consumes and checks every
 * chunk; the clock runs from the parent's first chunk to the child's last
 * check.  Each process counts its own calls and copies (the tally) and
 * measures its CPU time, sleeps and page faults with getrusage(2).  The
 * methods are picked with a switch on the row; each lives in its own file.
 *
 * Man pages: fork(2), getrusage(2), clock_gettime(2), sigaction(2).
 */
#include "ipc_speed.h"

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct tally tally;
struct shared *sh;

size_t chunk_len(const struct xfer *x, uint64_t k)
{
	return min_size(x->chunk, opt.payload - k * x->chunk);
}

/* ---- the methods, by row ---------------------------------------------- */

static const char *setup(struct xfer *x, struct result *r)
{
	switch (x->row) {
	case R_PIPE:
		return pipe_setup(x, r);
	case R_PIPE_BIG:
		return pipe_big_setup(x, r);
	case R_UNIX:
		return unix_setup(x, r);
	case R_POSIX_MQ:
		return pmq_setup(x, r);
	case R_SYSV_MSG:
		return sysv_setup(x, r);
	default:
		return ring_setup(x, r);
	}
}

void stream_send(struct xfer *x, unsigned char *p, size_t n)
{
	if (x->row == R_POSIX_MQ)
		pmq_send(x, p, n);
	else if (x->row == R_SYSV_MSG)
		sysv_send(x, p, n);
	else
		fd_send(x, p, n);
}

void stream_recv(struct xfer *x, unsigned char *p, size_t n)
{
	if (x->row == R_POSIX_MQ)
		pmq_recv(x, p, n);
	else if (x->row == R_SYSV_MSG)
		sysv_recv(x, p, n);
	else
		fd_recv(x, p, n);
}

static bool is_ring(enum row row)
{
	return row == R_RING || row == R_RING_ZC || row == R_RING_4K;
}

static bool is_fd(enum row row)
{
	return row == R_PIPE || row == R_PIPE_BIG || row == R_UNIX;
}

/* Byte streams and queues: the producer reuses one buffer (x->buf), the
 * consumer receives every chunk into its own and checks it there. */
static void produce(struct xfer *x)
{
	if (x->row == R_RING_ZC)
		zc_produce(x);
	else if (is_ring(x->row))
		ring_produce(x);
	else
		for (uint64_t k = 0; k < x->nchunks; k++) {
			stamp(x->buf, chunk_len(x, k), k);
			stream_send(x, x->buf, chunk_len(x, k));
		}
}

static void consume(struct xfer *x)
{
	if (x->row == R_RING_ZC)
		zc_consume(x);
	else if (is_ring(x->row))
		ring_consume(x);
	else
		for (uint64_t k = 0; k < x->nchunks; k++) {
			stream_recv(x, x->buf, chunk_len(x, k));
			check_chunk(x->buf, chunk_len(x, k), k);
		}
}

/* After fork: each side closes the other's end (so that EOF and EPIPE
 * work), the ring's child faults the ring in. */
static void after_fork(struct xfer *x, bool child)
{
	if (is_ring(x->row) && child)
		ring_child_init(x);
	else if (is_fd(x->row))
		CHK(close(child ? x->pfd : x->cfd), "close", x->name);
}

static void teardown(struct xfer *x)
{
	if (is_ring(x->row))
		ring_teardown(x);
	else if (x->row == R_POSIX_MQ)
		CHK(mq_close(x->mq), "mq_close", x->name);
	else if (x->row == R_SYSV_MSG)
		sysv_teardown(x);
	else
		CHK(close(x->pfd), "close", x->name);
}

/* ---- one transfer ------------------------------------------------------ */

/* The child: allocate and pre-fault everything, say "ready", consume the
 * whole payload, report, exit. */
static LAB_NORETURN void consumer(struct xfer *x, int ready_fd)
{
	struct rusage ru0, ru1;
	struct report rep = { 0 };

	die_with_parent();
	pin_to(cpu_of[1]);
	verdict_reset(x->chunk);
	x->buf = alloc_buf(src_len + x->slack, false);
	after_fork(x, true);
	tally = (struct tally){ 0 };
	CHK(getrusage(RUSAGE_SELF, &ru0), "getrusage", "self");
	CHK(write(ready_fd, "r", 1), "write", "ready pipe");
	CHK(close(ready_fd), "close", "ready pipe");

	consume(x);

	rep.t_end = now();
	CHK(getrusage(RUSAGE_SELF, &ru1), "getrusage", "self");
	rusage_diff(&rep.ru, &ru0, &ru1);
	rep.tally = tally;
	verdict_get(&rep);
	sh->rep = rep;
	_exit(0);
}

/* Keep the fastest run's figures in R. */
void keep_fastest(struct result *r, double secs, const struct tally *t,
		  const struct rusage *a, const struct rusage *b)
{
	if (secs <= 0)
		secs = 1e-9;
	if (r->done && secs >= r->secs)
		return;
	r->done = true;
	r->secs = secs;
	r->both = *t;
	r->sleeps = a->ru_nvcsw + (b ? b->ru_nvcsw : 0);
	r->faults = a->ru_minflt + a->ru_majflt +
		    (b ? b->ru_minflt + b->ru_majflt : 0);
	r->user = tv_secs(a->ru_utime) + (b ? tv_secs(b->ru_utime) : 0);
	r->sys = tv_secs(a->ru_stime) + (b ? tv_secs(b->ru_stime) : 0);
}

void run_transfer(enum row row, struct result *r)
{
	struct xfer x = { .row = row,
			  .name = row_name[row],
			  .pfd = -1,
			  .cfd = -1,
			  .qid = -1,
			  .nslots = opt.slots };
	struct rusage ru0, ru1, mine;
	struct tally both;
	int ready[2], st;
	double t0;
	pid_t pid;
	char c;

	running = x.name;
	x.chunk = r->chunk;
	x.nchunks = (opt.payload + x.chunk - 1) / x.chunk;
	r->note[0] = '\0'; /* the notes of the last run count */
	if (setup(&x, r))
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
	after_fork(&x, false);
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
	produce(&x);
	CHK(getrusage(RUSAGE_SELF, &ru1), "getrusage", "self");
	st = reap(pid);
	watch_child(0, false);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("%s: the consumer failed", x.name);
	teardown(&x);

	if (sh->rep.chunks != x.nchunks || sh->rep.bad != 0 ||
	    sh->rep.sum != expected_sum(src, x.chunk))
		fail("%s: the payload arrived damaged: %llu of %llu chunks, %llu bad stamps, checksum %016llx, expected %016llx",
		     x.name, (unsigned long long)sh->rep.chunks,
		     (unsigned long long)x.nchunks,
		     (unsigned long long)sh->rep.bad,
		     (unsigned long long)sh->rep.sum,
		     (unsigned long long)expected_sum(src, x.chunk));

	rusage_diff(&mine, &ru0, &ru1);
	both.calls = tally.calls + sh->rep.tally.calls;
	both.copied = tally.copied + sh->rep.tally.copied;
	keep_fastest(r, sh->rep.t_end - t0, &both, &mine, &sh->rep.ru);
}
