/*
 * queues.c - lab 16: the two message queues, POSIX (mq_send/mq_receive)
 * and System V (msgsnd/msgrcv).  Each message is copied into the kernel on
 * send and out of it on receive, like a pipe, but a message is small (the
 * system's limits), so a chunk takes many calls.
 *
 *   $ build/16-ipc-speed/ipc_speed -m posix-mq,sysv-msg -s 64M -l 0
 *   ...
 *   method       buffer    GB/s x pipe-big x memcpy copies/B calls/MiB sleeps/MiB faults/MiB  CPUs  sys%
 *   posix-mq        80K    0.27         -       -     2.00     256.0        3.1        0.1  0.31    79
 *   sysv-msg        16K    0.05         -       -     2.00     256.0       44.8        0.0  0.16    89
 *
 * Man pages: mq_overview(7), mq_open(3), mq_send(3), mq_receive(3),
 * msgget(2), msgsnd(2), msgctl(2), getrlimit(2) (RLIMIT_MSGQUEUE).
 */
#include "ipc_speed.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>

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

/* A send that failed with errno ERR: EINTR is our own SIGCHLD or SIGALRM
 * (try again, unless the consumer is gone), anything else an error. */
static void send_failed(int err, const char *call, const char *name)
{
	errno = err;
	if (err != EINTR)
		die(call, name);
	if (child_died)
		peer_lost();
}

/* A send that moved M bytes: count the call and step past them. */
static void sent(unsigned char **p, size_t *n, size_t m)
{
	tally.calls++; /* a call that did its work */
	tally.copied += m;
	*p += m;
	*n -= m;
}

/* POSIX: no header to prepend, a message goes straight from our buffer.
 * mq_receive() needs room for a full message (mq_msgsize) whatever is
 * coming: the consumer's buffer has x->slack spare bytes for that. */
void pmq_send(struct xfer *x, unsigned char *p, size_t n)
{
	while (n > 0) {
		size_t m = min_size(n, x->msg);

		if (mq_send(x->mq, (const char *)p, m, 0) == -1)
			send_failed(errno, "mq_send", x->name);
		else
			sent(&p, &n, m);
	}
}

void pmq_recv(struct xfer *x, unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t r;

		r = mq_receive(x->mq, (char *)p, x->msg, NULL);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			die("mq_receive", x->name);
		if ((size_t)r > n)
			fail("%s: a %zd-byte message, only %zu bytes expected",
			     x->name, r, n);
		tally.calls++; /* a call that did its work */
		tally.copied += (size_t)r;
		p += r;
		n -= (size_t)r;
	}
}

/*
 * The queue is as big as an unprivileged process may make one: messages of
 * /proc/sys/fs/mqueue/msgsize_max bytes (8 KiB by default), at most
 * msg_max of them (10), and all of it within RLIMIT_MSGQUEUE (800 KiB per
 * user by default; mq_open fails with EMFILE beyond it).  Too many queues
 * on the system (queues_max) gives ENOSPC.  Those are skips, not errors.
 */
#define MQ_OVERHEAD 128 /* the kernel's bookkeeping per message, roughly */

const char *pmq_setup(struct xfer *x, struct result *r)
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
		/* mq_open reports failure as (mqd_t)-1 */
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
void sysv_send(struct xfer *x, unsigned char *p, size_t n)
{
	const long type = 1;

	while (n > 0) {
		size_t m = min_size(n, x->msg);
		unsigned char *hdr = p - sizeof(long);
		unsigned char saved[sizeof(long)];
		int rc, err;

		memcpy(saved, hdr, sizeof(saved));
		memcpy(hdr, &type, sizeof(type));
		rc = msgsnd(x->qid, hdr, m, 0);
		err = errno;
		memcpy(hdr, saved, sizeof(saved));
		if (rc == -1)
			send_failed(err, "msgsnd", x->name);
		else
			sent(&p, &n, m);
	}
}

void sysv_recv(struct xfer *x, unsigned char *p, size_t n)
{
	while (n > 0) {
		unsigned char *hdr = p - sizeof(long);
		unsigned char saved[sizeof(long)];
		ssize_t r;

		memcpy(saved, hdr, sizeof(saved));
		r = msgrcv(x->qid, hdr, min_size(n, x->msg), 0, 0);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			die("msgrcv", x->name);
		}
		memcpy(hdr, saved, sizeof(saved));
		tally.calls++; /* a call that did its work */
		tally.copied += (size_t)r;
		p += r;
		n -= (size_t)r;
	}
}

void sysv_teardown(struct xfer *x)
{
	CHK(msgctl(x->qid, IPC_RMID, NULL), "msgctl(IPC_RMID)", x->name);
	cleanup_done(x->qid_handle);
}

const char *sysv_setup(struct xfer *x, struct result *r)
{
	size_t msgmax = proc_limit("/proc/sys/kernel/msgmax", 8192);
	key_t key = ipc_key("speed-msg");
	struct msqid_ds ds;
	char h[32], q[32];

	x->qid = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
	if (x->qid == -1) {
		if (errno == EEXIST)
			fail("msgget(0x%08x): EEXIST: a queue left by a killed run; remove it with `make clean-ipc`",
			     (unsigned)key);
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
	r->buffer = ds.msg_qbytes;
	r->unit = x->msg;
	snprintf(r->label, sizeof(r->label), "SysV msg %s messages %s queue",
		 human(h, sizeof(h), x->msg),
		 human(q, sizeof(q), (size_t)ds.msg_qbytes));
	return NULL;
}
