/*
 * fd_methods.c - lab 16: the methods that move bytes through a file
 * descriptor: a pipe with its default buffer, a pipe enlarged with
 * F_SETPIPE_SZ, and a Unix stream socketpair.  Each write(2) copies its
 * bytes into kernel memory once, each read(2) copies them out once: two
 * copies per byte, the same count as the copying ring.
 *
 *   $ build/16-ipc-speed/ipc_speed -m pipe,pipe-big,unix -s 256M -l 0
 *   ...
 *   method       buffer    GB/s x pipe-big x memcpy copies/B calls/MiB sleeps/MiB faults/MiB  CPUs  sys%
 *   pipe            64K    0.06       0.13       -     2.00      17.0       28.1        0.0  0.12    93
 *   pipe-big         1M    0.48       1.00       -     2.00       2.0        0.5        0.0  0.32    98
 *   unix             8M    0.82       1.72       -     2.00       2.1        0.1        0.0  0.21    91
 *   ...
 *   note: unix: asked SO_SNDBUF 4 MiB; getsockopt says 8388608 bytes (the kernel caps the request at net.core.wmem_max = 4194304 and doubles it)
 *
 * (The same busy 2-vCPU machine as in ring.c; sys% is the kernel's share.)
 *
 * Man pages: pipe(7), fcntl(2) (F_SETPIPE_SZ, F_GETPIPE_SZ), unix(7),
 * socket(7) (SO_SNDBUF), socketpair(2).
 */
#include "ipc_speed.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * write(2) to a pipe or a stream socket may move fewer bytes than asked (a
 * signal arrived after part of it), and read(2) returns what is there, at
 * most the pipe's capacity: both loop.
 */
void fd_send(struct xfer *x, unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w;

		w = write(x->pfd, p, n);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) /* SIGPIPE is ignored */
				peer_lost();
			die("write", x->name);
		}
		tally.calls++; /* a call that did its work */
		tally.copied += (size_t)w;
		p += w;
		n -= (size_t)w;
	}
}

void fd_recv(struct xfer *x, unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t r;

		r = read(x->cfd, p, n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			die("read", x->name);
		if (r == 0)
			fail("%s: end of file before the end of the payload",
			     x->name);
		tally.calls++; /* a call that did its work */
		tally.copied += (size_t)r;
		p += r;
		n -= (size_t)r;
	}
}

const char *pipe_setup(struct xfer *x, struct result *r)
{
	int fd[2];

	CHK(pipe(fd), "pipe", x->name);
	x->cfd = fd[0];
	x->pfd = fd[1];
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
const char *pipe_big_setup(struct xfer *x, struct result *r)
{
	char h[32];
	size_t want =
		min_size(MiB, proc_limit("/proc/sys/fs/pipe-max-size", MiB));

	pipe_setup(x, r);
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
 * the SENDER's SO_SNDBUF: that is how much can be in flight.  What you ask
 * for is not what you get: the kernel caps the request at
 * /proc/sys/net/core/wmem_max (212992 on a stock kernel, raised on many
 * servers) and then doubles it for its bookkeeping (socket(7)).  So the
 * row prints what getsockopt says, and a note with both numbers.
 */
#define WANT_SNDBUF (4 * MiB)

const char *unix_setup(struct xfer *x, struct result *r)
{
	int sv[2], want = (int)WANT_SNDBUF, have = 0;
	socklen_t len = sizeof(have);
	char h[32], w[32];

	CHK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), "socketpair", x->name);
	CHK(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &want, sizeof(want)),
	    "setsockopt(SO_SNDBUF)", x->name);
	CHK(setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &want, sizeof(want)),
	    "setsockopt(SO_RCVBUF)", x->name);
	CHK(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &have, &len),
	    "getsockopt(SO_SNDBUF)", x->name);
	x->pfd = sv[0];
	x->cfd = sv[1];
	r->buffer = (size_t)have;
	r->unit = x->chunk;
	snprintf(r->label, sizeof(r->label), "unix stream socket SO_SNDBUF %s",
		 human(h, sizeof(h), (size_t)have));
	snprintf(
		r->note, sizeof(r->note),
		"asked SO_SNDBUF %s; getsockopt says %d bytes (the kernel caps the request at net.core.wmem_max = %zu and doubles it)",
		human(w, sizeof(w), WANT_SNDBUF), have,
		proc_limit("/proc/sys/net/core/wmem_max", 0));
	return NULL;
}
