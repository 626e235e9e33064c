/*
 * xfer.c - lab 11: how the writer and the reader find each other, and the
 * semaphore operations both of them use.
 *
 * The objects (every name from ipc_name(), so "/PREFIX-tag": ONE leading
 * slash and no other, the only portable form, see sem_overview(7)):
 *
 *   /PREFIX-xfer-ready      named semaphore, 0   "the creator has finished"
 *   /PREFIX-xfer-shm        shm object           struct xfer_shm (xfer.h)
 *   /PREFIX-xfer-can-write  named semaphore, 1   "the buffer is free"
 *   /PREFIX-xfer-can-read   named semaphore, 0   "a chunk is waiting"
 *
 * On Linux they are files in /dev/shm: the shm object under its own name,
 * each named semaphore as "sem." + name without the slash (`ls -l
 * /dev/shm` while a transfer runs; the demo does).
 *
 * The rendezvous.  Either side may start first, so both run the same code
 * and the kernel decides who creates:
 *
 *   both:    ready = sem_open(ready, O_CREAT, 0600, 0)      create or open
 *            shm_open(shm, O_RDWR|O_CREAT|O_EXCL, 0600)
 *   success: we are the CREATOR
 *            ftruncate, mmap, sem_open(can-write, O_CREAT|O_EXCL, 0600, 1),
 *            sem_open(can-read, O_CREAT|O_EXCL, 0600, 0), sem_post(ready)
 *   EEXIST:  we are the JOINER
 *            shm_open(shm, O_RDWR), sem_wait(ready) + sem_post(ready),
 *            mmap, sem_open(can-write, 0), sem_open(can-read, 0)
 *   both:    write our pid into shm->pid[role] (a second writer or reader
 *            finds the slot taken and gives up)
 *
 * Why the joiner must wait for "ready": shm_open(O_CREAT) makes an object
 * of size 0.  Until the creator's ftruncate(2) the joiner's mmap would map
 * nothing usable (touching it: SIGBUS), and until its sem_open(O_EXCL)
 * calls the semaphores do not exist (ENOENT).  sem_wait(ready) blocks in
 * the kernel until the creator says "done": no polling, no sleep().  The
 * joiner posts it again at once: "ready" is a GATE that stays open once
 * opened, so anybody else who comes later gets through too (and is then
 * told that the transfer already has its two sides).
 *
 * Why "ready" itself can be opened by both with O_CREAT (no O_EXCL): a
 * named semaphore is created AND given its value in one sem_open call.
 * glibc builds it in a temporary file and link(2)s the finished file under
 * its name, so nobody can ever open a half-made named semaphore; both
 * sides pass the same value, so it does not matter which one creates it.
 * Lab 12 has no such luck: its semaphores live inside the shm object.
 *
 * Man pages: sem_overview(7), sem_open(3), sem_wait(3), sem_post(3),
 * sem_unlink(3), sem_close(3), shm_open(3), ftruncate(2), mmap(2), kill(2).
 */
#include "xfer.h"

#include "shmlabs.h"

#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* pid[] is shared between processes: only a lock-free atomic is a plain
 * memory word that another process can use too. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free");

bool verbose;

static const char *const role_name[] = { "writer", "reader" };

/* The names, "/PREFIX-xfer-...", made once by names(). */
static char *n_ready, *n_shm, *n_can_write, *n_can_read;
/* Cleanup handles: every name is removed at exit and on SIGINT/SIGTERM. */
static int h_ready = -1, h_shm = -1, h_can_write = -1, h_can_read = -1;

void note(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	if (!verbose)
		return;
	/* One write(2) per line: the writer and the reader usually share a
	 * terminal, and three separate writes would interleave mid-line. */
	n = snprintf(line, sizeof(line), "%s: ", lab_prog);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	strcat(line, "\n");
	(void)!write(STDERR_FILENO, line, strlen(line)); /* best effort */
}

void xfer_options(int argc, char **argv, enum role role)
{
	static const struct option longopts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "chunk-size", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *usage = role == WRITER
				    ? "[-v] < INPUT\n"
				      "       writer --chunk-size\n"
				      "  copies stdin to a reader through "
				      "shared memory (-v: narrate)"
				    : "[-v] > OUTPUT\n"
				      "  writes what a writer sends "
				      "through shared memory (-v: narrate)";
	int c;

	opterr = 0; /* we print the usage ourselves */
	while ((c = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 'c':
			if (role != WRITER)
				usage_error(usage, "--chunk-size is an option "
						   "of the writer");
			/* Touches no IPC object: just the constant. */
			printf("%d\n", CHUNK_SIZE);
			exit(0);
		case 'h':
			usage_error(usage, NULL);
		default:
			usage_error(usage, "unknown option");
		}
	}
	if (optind != argc)
		usage_error(usage, "no arguments expected");
}

static void names(void)
{
	/*
	 * Seed bug: the seed calls sem_open("mysem_r", ...).  Without the
	 * leading '/' the meaning is implementation-defined (POSIX); glibc
	 * happens to accept it, other systems take it as a path or refuse.
	 * And a fixed name is shared by every user of the machine: two runs
	 * (or two students) would use the same semaphores.  ipc_name() gives
	 * "/PREFIX-tag", unique per run.
	 */
	n_ready = ipc_name("xfer-ready");
	n_shm = ipc_name("xfer-shm");
	n_can_write = ipc_name("xfer-can-write");
	n_can_read = ipc_name("xfer-can-read");
}

/*
 * The creator makes the hand-off semaphores with O_EXCL.  Seed bug: the
 * seed uses O_CREAT alone.  If an earlier run was killed and left the
 * semaphore behind, sem_open(O_CREAT) silently opens the OLD one and
 * IGNORES the initial value: can-write might be 0 (both sides block
 * forever) or can-read 1 (the reader takes a chunk that was never
 * written).  O_EXCL turns that into a clear EEXIST.
 *
 * Note the check: sem_open returns SEM_FAILED (a null pointer in glibc),
 * not -1 like most calls - a `== -1` test never fires (CHK_SEM).  The
 * seed tests SEM_FAILED, but then prints a bare errno number and returns
 * -1 from main (exit status 255).
 *
 * Seed bug: the seed's oflag is O_CREAT | O_RDWR and its mode 0666.
 * sem_open(3) knows only O_CREAT and O_EXCL (POSIX: any other flag has an
 * unspecified effect; a semaphore is always opened for wait AND post), and
 * 0666 lets every user of the machine post or wait on it - any of them
 * could hand our buffer to the reader in the middle of a write.  0600:
 * only our own user.
 */
static sem_t *create_sem(const char *name, unsigned value, int *handle)
{
	sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, value);

	if (s == SEM_FAILED && errno == EEXIST)
		fail("sem_open(%s, O_CREAT|O_EXCL): EEXIST: a semaphore left "
		     "by an earlier, killed run (its count is unknown); "
		     "remove it with `make clean-ipc`",
		     name);
	CHK_SEM(s, "sem_open", name);
	*handle = cleanup_add(CL_SEM_NAME, name, 0);
	note("sem_open(%s, O_CREAT|O_EXCL, 0600, %u): created", name, value);
	return s;
}

static void *map_shm(int fd)
{
	void *p = CHK_MAP(mmap(NULL, sizeof(struct xfer_shm),
			       PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
			  "mmap", n_shm);

	CHK(close(fd), "close", n_shm); /* the mapping keeps the object */
	return p;
}

/* The first side: size the object, map it, create the semaphores. */
static void create(struct xfer *x, int fd, sem_t *ready)
{
	note("shm_open(%s, O_RDWR|O_CREAT|O_EXCL, 0600): created, so I am "
	     "first and initialise everything",
	     n_shm);
	CHK(ftruncate(fd, sizeof(struct xfer_shm)), "ftruncate", n_shm);
	x->shm = map_shm(fd); /* fresh from ftruncate: all zero */
	note("ftruncate + mmap: %zu bytes (2 pids, a length, %d bytes of "
	     "data)",
	     sizeof(struct xfer_shm), CHUNK_SIZE);
	x->can_write = create_sem(n_can_write, 1, &h_can_write);
	x->can_read = create_sem(n_can_read, 0, &h_can_read);
	xfer_post(ready, "ready");
	note("sem_post(%s): initialisation done", n_ready);
}

/* Pass the "ready" gate: wait until it is open, and leave it open.  With
 * a timeout, so that a creator that gave up half way does not leave us
 * waiting forever: when it removed the shm name (its cleanup on SIGINT),
 * our fd's link count is 0. */
static void pass_gate(int fd, sem_t *ready)
{
	for (;;) {
		struct timespec t;
		struct stat st;

		CHK(clock_gettime(CLOCK_MONOTONIC, &t), "clock_gettime",
		    "CLOCK_MONOTONIC");
		t.tv_sec += 1;
		if (sem_clockwait(ready, CLOCK_MONOTONIC, &t) == 0) {
			xfer_post(ready, "ready");
			return;
		}
		if (errno == EINTR)
			continue;
		if (errno != ETIMEDOUT)
			die("sem_clockwait", n_ready);
		CHK(fstat(fd, &st), "fstat", n_shm);
		if (st.st_nlink == 0)
			fail("the first side went away before it finished "
			     "initialising %s; start both sides again",
			     n_shm);
	}
}

/* The second side: wait until the first is done, then open its objects. */
static void join(struct xfer *x, int fd, sem_t *ready)
{
	struct stat st;

	note("shm_open(%s, O_CREAT|O_EXCL): EEXIST, so the %s was first; "
	     "opened it, waiting for %s",
	     n_shm, role_name[!x->role], n_ready);
	pass_gate(fd, ready);
	CHK(fstat(fd, &st), "fstat", n_shm);
	if (st.st_size != (off_t)sizeof(struct xfer_shm))
		fail("%s has %lld bytes, expected %zu: not a transfer object "
		     "of "
		     "this lab (try `make clean-ipc`)",
		     n_shm, (long long)st.st_size, sizeof(struct xfer_shm));
	x->shm = map_shm(fd);
	/* Without O_CREAT: they exist now, and we must not make new ones. */
	x->can_write =
		CHK_SEM(sem_open(n_can_write, 0), "sem_open", n_can_write);
	x->can_read = CHK_SEM(sem_open(n_can_read, 0), "sem_open", n_can_read);
	note("sem_wait(%s) returned (and sem_post to leave it open): opened "
	     "the semaphores",
	     n_ready);
}

void xfer_open(struct xfer *x, enum role role)
{
	sem_t *ready;
	int fd, expected = 0;

	*x = (struct xfer){ .role = role };
	names();
	for (int attempt = 1;; attempt++) {
		ready = CHK_SEM(sem_open(n_ready, O_CREAT, 0600, 0), "sem_open",
				n_ready);
		note("sem_open(%s, O_CREAT, 0600, 0): created or opened",
		     n_ready);
		/* Seed bug: the seed takes its buffer from System V
		 * (shmget(key, MAXSIZE, 0666 | IPC_CREAT), and calls a failure
		 * "semget") while its semaphores are POSIX: two naming schemes
		 * and two clean-ups for one transfer, and a buffer that every
		 * user may read and write (0666).  One family, mode 0600. */
		fd = shm_open(n_shm, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd != -1) {
			x->creator = true;
			break;
		}
		if (errno != EEXIST)
			die("shm_open", n_shm);
		fd = shm_open(n_shm, O_RDWR, 0);
		if (fd != -1)
			break;
		/* ENOENT: the object vanished between our two calls (an
		 * earlier transfer with these names just ended, and removed
		 * "ready" too).  Start again; a bounded retry is enough. */
		if (errno != ENOENT || attempt == 10)
			die("shm_open", n_shm);
		CHK(sem_close(ready), "sem_close", n_ready);
	}
	if (x->creator) {
		/* Ours: removed at exit, on error and on SIGINT/SIGTERM. */
		h_ready = cleanup_add(CL_SEM_NAME, n_ready, 0);
		h_shm = cleanup_add(CL_SHM_NAME, n_shm, 0);
		create(x, fd, ready);
	} else {
		join(x, fd, ready);
	}
	CHK(sem_close(ready), "sem_close", n_ready);

	/* Claim our slot: a second writer (or reader) is a user error, and
	 * must go away without removing the names of a running transfer. */
	if (!atomic_compare_exchange_strong(&x->shm->pid[role], &expected,
					    (int)getpid()))
		fail("another %s (pid %d) is already using %s", role_name[role],
		     expected, n_shm);
	if (!x->creator) {
		/* Now ours too: both sides remove every name when they end,
		 * whichever ends first (the other then gets ENOENT). */
		h_ready = cleanup_add(CL_SEM_NAME, n_ready, 0);
		h_shm = cleanup_add(CL_SHM_NAME, n_shm, 0);
		h_can_write = cleanup_add(CL_SEM_NAME, n_can_write, 0);
		h_can_read = cleanup_add(CL_SEM_NAME, n_can_read, 0);
	}
	note("I am pid %d; waiting for the %s as needed", (int)getpid(),
	     role_name[!role]);
}

/*
 * Is the peer still there?  A semaphore has no idea who will post it: if
 * the peer is killed, our sem_wait would sleep forever (the seed's
 * programs do).  So we wait at most a second at a time and then look.
 */
static bool peer_alive(const struct xfer *x)
{
	pid_t peer = atomic_load(&x->shm->pid[!x->role]);

	if (peer == 0)
		return true; /* not started yet: waiting for it is fine */
	/* BEGIN EXERCISE 11.1: Decide whether the peer process still exists.
	 * kill(2) with signal 0 sends nothing but still checks the pid:
	 * ESRCH means no such process.  (EPERM: it exists, but is not ours.) */
	if (kill(peer, 0) == 0 || errno == EPERM)
		return true;
	if (errno != ESRCH)
		die("kill", role_name[!x->role]);
	return false;
	/* STUB
	return true;
	*/
	/* END EXERCISE */
}

static noreturn void peer_died(const struct xfer *x)
{
	/* fail() exits; the cleanup registry then unlinks every name, so
	 * nothing is left even though the peer could not clean up. */
	fail("peer %s (pid %d) died before the transfer was complete; "
	     "removing the objects",
	     role_name[!x->role], atomic_load(&x->shm->pid[!x->role]));
}

void xfer_wait(const struct xfer *x, sem_t *sem, const char *what)
{
	for (;;) {
		struct timespec t;

		/*
		 * sem_clockwait(3) takes an absolute deadline on the clock we
		 * name; CLOCK_MONOTONIC does not jump when someone sets the
		 * date.  (POSIX's older sem_timedwait is fixed to
		 * CLOCK_REALTIME.)
		 */
		CHK(clock_gettime(CLOCK_MONOTONIC, &t), "clock_gettime",
		    "CLOCK_MONOTONIC");
		t.tv_sec += 1;
		if (sem_clockwait(sem, CLOCK_MONOTONIC, &t) == 0)
			return;
		/* Seed bug: the seed never checks sem_wait's result.  It can
		 * fail with EINTR when a signal handler ran: then we have NOT
		 * got the semaphore and must wait again. */
		if (errno == EINTR)
			continue;
		if (errno != ETIMEDOUT)
			die("sem_clockwait", what);
		if (peer_alive(x))
			continue;
		/* The peer may have posted just before it exited normally
		 * (the reader's last sem_post, then exit): look once more. */
		if (sem_trywait(sem) == 0)
			return;
		peer_died(x);
	}
}

void xfer_post(sem_t *sem, const char *what)
{
	/* sem_post fails only with EINVAL or EOVERFLOW: a broken program. */
	CHK(sem_post(sem), "sem_post", what);
}

size_t xfer_read_input(const struct xfer *x, void *buf, size_t len)
{
	for (;;) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		int r = poll(&p, 1, 1000);
		ssize_t n;

		if (r == -1 && errno == EINTR)
			continue;
		CHK(r, "poll", "stdin");
		if (r == 0) { /* a quiet terminal or pipe: is the peer there? */
			if (!peer_alive(x))
				peer_died(x);
			continue;
		}
		n = read(STDIN_FILENO, buf, len);
		if (n == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		return (size_t)CHK(n, "read", "stdin");
	}
}

void xfer_note_chunk(struct xfer *x, unsigned long n, uint32_t len,
		     const char *what)
{
	if (x->narrated < 3 || len == 0)
		note("chunk %lu: %u bytes%s %s", n, len,
		     len ? "" : " (the end-of-data marker)", what);
	else if (x->narrated == 3)
		note("(not narrating the chunks in between)");
	x->narrated++;
}

/* Remove a name; ENOENT is fine (the peer removed it first). */
static void remove_name(int (*unlink_fn)(const char *), const char *call,
			const char *name, int *handle)
{
	if (unlink_fn(name) == -1 && errno != ENOENT)
		die(call, name);
	cleanup_done(*handle);
	*handle = -1;
}

void xfer_close(struct xfer *x)
{
	CHK(munmap(x->shm, sizeof(struct xfer_shm)), "munmap", n_shm);
	CHK(sem_close(x->can_write), "sem_close", n_can_write);
	CHK(sem_close(x->can_read), "sem_close", n_can_read);
	/*
	 * Seed bug: the seed never calls sem_unlink (nor removes its shm).
	 * Named semaphores and shm objects are KERNEL-persistent: they stay
	 * in /dev/shm after every process has exited, until unlinked or the
	 * next reboot, and the next run reuses them with stale counts.
	 * Unlinking only removes the name: a process that still has the
	 * object open (our peer, finishing its last step) keeps using it.
	 */
	remove_name(shm_unlink, "shm_unlink", n_shm, &h_shm);
	remove_name(sem_unlink, "sem_unlink", n_can_write, &h_can_write);
	remove_name(sem_unlink, "sem_unlink", n_can_read, &h_can_read);
	remove_name(sem_unlink, "sem_unlink", n_ready, &h_ready);
	note("unlinked %s and the semaphores", n_shm);
}
