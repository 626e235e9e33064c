/*
 * xfer.c - lab 12: how the writer and the reader find each other when the
 * semaphores live INSIDE the shared memory, and the operations both use.
 *
 * One object: "/PREFIX-xfer-shm" (/dev/shm/PREFIX-xfer-shm), holding
 * struct xfer_shm (xfer.h) with two unnamed semaphores in it.
 *
 * pshared.  sem_init(sem, pshared, value): pshared = 0 promises that only
 * threads of THIS process will use the semaphore; glibc then uses
 * process-private futexes, which the kernel keys on (our address space,
 * address).  The other process's sem_post wakes waiters keyed on ITS
 * address space: never ours.  Nothing fails, nothing warns - the waiter
 * just sleeps through the post (POSIX: undefined behaviour).  pshared = 1
 * keys the futex on the shared page itself, so a post wakes the other
 * process.  Both semaphores here are initialised with pshared = 1.
 *
 * Who initialises, and the race.  sem_init must run exactly ONCE, by one
 * side, before either side uses the semaphores: sem_init on a semaphore
 * that the other process is already waiting on is undefined behaviour.
 * Lab 11 had it easy: sem_open creates a named semaphore already
 * initialised.  Here the semaphores are ordinary bytes of the object, so
 * there is a moment when the object exists but is not initialised yet.
 * The naive scheme
 *
 *     shm_open(name, O_CREAT|O_EXCL)  ->  ftruncate, mmap, sem_init
 *     (EEXIST: the other side was first -> open, mmap, use)
 *
 * lets the second side open the object in that moment: it may find size
 * 0 (mmap, then SIGBUS), or zero bytes where the semaphores should be.
 * Two cures:
 *
 *   a "ready" flag in the object, stored last by the creator (atomic,
 *      release) and awaited by the other side - but awaited HOW?  With
 *      nothing to sleep on, that is a polling loop (or a raw futex(2)).
 *   publish only when finished (what we do, and what glibc's sem_open does
 *      for named semaphores): build the object under a private name,
 *      initialise it completely, and only then give it its real name with
 *      link(2).  link fails with EEXIST if the name exists: exactly one
 *      side wins, atomically, and whoever can open the real name sees a
 *      finished object.  The loser throws its copy away and joins the
 *      winner's.  (POSIX has no shm_link; on Linux the objects are files
 *      of the tmpfs mounted at /dev/shm, so link(2) there is the way.
 *      rename(2) would NOT do: it silently replaces an existing name.)
 *
 *   both:   shm_open(final, O_RDWR)            ENOENT: nobody published yet
 *           shm_open(private, O_CREAT|O_EXCL)  "/PREFIX-xfer-shm.new-PID"
 *           ftruncate, mmap, sem_init x2 (pshared=1), magic
 *           link(/dev/shm/private, /dev/shm/final)
 *             ok:      we are the CREATOR; unlink the private name
 *             EEXIST:  the other side won; sem_destroy, munmap, unlink ours,
 *                      and start again (now the open succeeds: we JOIN)
 *
 * `--pause-before-publish` stops the process (SIGSTOP) just before the
 * link, so you can watch the race: start the other side, then `kill -CONT`
 * the paused one (the guide and the tests do).
 *
 * Man pages: sem_init(3), sem_destroy(3), sem_overview(7), shm_open(3),
 * link(2), ftruncate(2), mmap(2), futex(7), kill(2).
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

/* Atomics shared between processes must be lock-free (plain memory). */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free");

/* Where glibc keeps POSIX shm objects (see shm_overview(7)). */
#define SHM_DIR "/dev/shm"

bool verbose;
static bool pause_before_publish;

static const char *const role_name[] = { "writer", "reader" };

static char *n_shm;    /* "/PREFIX-xfer-shm" */
static int h_shm = -1; /* its cleanup handle */

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
		{ "pause-before-publish", no_argument, NULL, 'p' },
		{ "chunk-size", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *usage =
		role == WRITER
			? "[-v] [--pause-before-publish] < INPUT\n"
			  "       writer --chunk-size\n"
			  "  copies stdin to a reader through shared memory\n"
			  "  -v                      narrate on stderr\n"
			  "  --pause-before-publish  stop (SIGSTOP) before "
			  "publishing the object"
			: "[-v] [--pause-before-publish] > OUTPUT\n"
			  "  writes what a writer sends through shared memory\n"
			  "  -v                      narrate on stderr\n"
			  "  --pause-before-publish  stop (SIGSTOP) before "
			  "publishing the object";
	int c;

	opterr = 0; /* we print the usage ourselves */
	while ((c = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = true;
			break;
		case 'p':
			pause_before_publish = true;
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

static char *shm_path(const char *name) /* "/x" -> "/dev/shm/x" */
{
	char *p;

	if (asprintf(&p, SHM_DIR "%s", name) < 0)
		die("asprintf", name);
	return p;
}

static struct xfer_shm *map_shm(int fd, const char *name)
{
	struct xfer_shm *p =
		CHK_MAP(mmap(NULL, sizeof(struct xfer_shm),
			     PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
			"mmap", name);

	CHK(close(fd), "close", name); /* the mapping keeps the object */
	return p;
}

/*
 * Give the finished object its real name.  Returns 0, or -1 with errno
 * EEXIST when the other side published first (any other errno: a real
 * error).  On success the private name is gone.
 */
static int publish(const char *tmp_path, const char *final_path)
{
	/* BEGIN EXERCISE 12.1: Publish the initialised object atomically.
	 * link(2) gives it the final name and fails with EEXIST if that name
	 * exists (the other side won the race); then remove the private
	 * name.  rename(2) would silently replace the winner's object. */
	if (link(tmp_path, final_path) == -1)
		return -1;
	CHK(unlink(tmp_path), "unlink", tmp_path);
	return 0;
	/* STUB
	return rename(tmp_path, final_path);
	*/
	/* END EXERCISE */
}

/*
 * Build a complete object under a private name and try to publish it.
 * Returns true if we published (we are the creator), false if the other
 * side had published first (our copy is gone again).
 */
static bool build_and_publish(struct xfer *x)
{
	char tag[64];
	char *tmp, *tmp_path, *final_path;
	struct xfer_shm *s;
	int fd, h_tmp;

	snprintf(tag, sizeof(tag), "xfer-shm.new-%d", (int)getpid());
	tmp = ipc_name(tag);
	tmp_path = shm_path(tmp);
	final_path = shm_path(n_shm);

	/* O_EXCL: a private name must be new (an old one would be a leftover
	 * of a killed process that had our pid). */
	fd = CHK(shm_open(tmp, O_RDWR | O_CREAT | O_EXCL, 0600), "shm_open",
		 tmp);
	h_tmp = cleanup_add(CL_SHM_NAME, tmp, 0);
	CHK(ftruncate(fd, sizeof(struct xfer_shm)), "ftruncate", tmp);
	s = map_shm(fd, tmp); /* fresh from ftruncate: all zero */
	note("nothing published yet: built %s (%zu bytes) privately", tmp,
	     sizeof(struct xfer_shm));

	/* Exactly once, by the builder, before anyone else can see it. */
	CHK(sem_init(&s->can_write, 1, 1), "sem_init", "can_write");
	CHK(sem_init(&s->can_read, 1, 0), "sem_init", "can_read");
	atomic_store_explicit(&s->magic, XFER_MAGIC, memory_order_release);
	note("sem_init(&shm->can_write, pshared=1, 1), "
	     "sem_init(&shm->can_read, pshared=1, 0)");

	if (pause_before_publish) {
		note("--pause-before-publish: stopping (pid %d); continue me "
		     "with kill -CONT %d",
		     (int)getpid(), (int)getpid());
		CHK(raise(SIGSTOP), "raise", "SIGSTOP");
		note("continued");
	}

	if (publish(tmp_path, final_path) == 0) {
		cleanup_done(h_tmp);
		note("link(%s, %s): published, so I am first", tmp_path,
		     final_path);
		x->shm = s;
		free(tmp_path);
		free(final_path);
		return true;
	}
	if (errno != EEXIST)
		die("link", final_path);
	/* Lost the race.  Nobody else ever saw our semaphores, so destroying
	 * them here is safe. */
	note("link(%s, %s): EEXIST: the %s published first; discarding my "
	     "copy",
	     tmp_path, final_path, role_name[!x->role]);
	CHK(sem_destroy(&s->can_write), "sem_destroy", "can_write");
	CHK(sem_destroy(&s->can_read), "sem_destroy", "can_read");
	CHK(munmap(s, sizeof(*s)), "munmap", tmp);
	CHK(shm_unlink(tmp), "shm_unlink", tmp);
	cleanup_done(h_tmp);
	free(tmp_path);
	free(final_path);
	return false;
}

/* The published object is always complete: check, map, done. */
static void join(struct xfer *x, int fd)
{
	struct stat st;

	CHK(fstat(fd, &st), "fstat", n_shm);
	if (st.st_size != (off_t)sizeof(struct xfer_shm))
		fail("%s has %lld bytes, expected %zu: not a transfer object "
		     "of "
		     "this lab (try `make clean-ipc`)",
		     n_shm, (long long)st.st_size, sizeof(struct xfer_shm));
	x->shm = map_shm(fd, n_shm);
	if (atomic_load_explicit(&x->shm->magic, memory_order_acquire) !=
	    XFER_MAGIC)
		fail("%s is not initialised: not published by this lab's "
		     "writer or reader (try `make clean-ipc`)",
		     n_shm);
	note("shm_open(%s): the %s published it; joined", n_shm,
	     role_name[!x->role]);
}

void xfer_open(struct xfer *x, enum role role)
{
	int expected = 0;

	*x = (struct xfer){ .role = role };
	n_shm = ipc_name("xfer-shm");
	for (int attempt = 1;; attempt++) {
		int fd = shm_open(n_shm, O_RDWR, 0);

		if (fd != -1) {
			join(x, fd);
			break;
		}
		/* ENOENT: nobody has published.  (After we lose a race the
		 * winner's name can vanish again only if that transfer ended
		 * at once: a bounded number of rounds is plenty.) */
		if (errno != ENOENT || attempt == 10)
			die("shm_open", n_shm);
		if (build_and_publish(x)) {
			x->creator = true;
			break;
		}
	}
	x->can_write = &x->shm->can_write;
	x->can_read = &x->shm->can_read;

	/* Claim our slot: a second writer (or reader) is a user error, and
	 * must go away without removing the name of a running transfer. */
	if (!atomic_compare_exchange_strong(&x->shm->pid[role], &expected,
					    (int)getpid()))
		fail("another %s (pid %d) is already using %s", role_name[role],
		     expected, n_shm);
	/* Both sides remove the name when they end, whichever ends first. */
	h_shm = cleanup_add(CL_SHM_NAME, n_shm, 0);
	note("I am pid %d; waiting for the %s as needed", (int)getpid(),
	     role_name[!role]);
}

/*
 * Is the peer still there?  A semaphore has no idea who will post it: if
 * the peer is killed, our sem_wait would sleep forever.  So we wait at
 * most a second at a time and then look (lab 11 explains kill(pid, 0)).
 */
static bool peer_alive(const struct xfer *x)
{
	pid_t peer = atomic_load(&x->shm->pid[!x->role]);

	if (peer == 0)
		return true; /* not started yet: waiting for it is fine */
	if (kill(peer, 0) == 0 || errno == EPERM)
		return true;
	if (errno != ESRCH)
		die("kill", role_name[!x->role]);
	return false;
}

static noreturn void peer_died(const struct xfer *x)
{
	/* fail() exits; the cleanup registry then unlinks the name. */
	fail("peer %s (pid %d) died before the transfer was complete; "
	     "removing the object",
	     role_name[!x->role], atomic_load(&x->shm->pid[!x->role]));
}

void xfer_wait(const struct xfer *x, sem_t *sem, const char *what)
{
	for (;;) {
		struct timespec t;

		/* At most 1 s on CLOCK_MONOTONIC (sem_clockwait(3)). */
		CHK(clock_gettime(CLOCK_MONOTONIC, &t), "clock_gettime",
		    "CLOCK_MONOTONIC");
		t.tv_sec += 1;
		if (sem_clockwait(sem, CLOCK_MONOTONIC, &t) == 0)
			return;
		if (errno == EINTR) /* a signal handler ran: wait again */
			continue;
		if (errno != ETIMEDOUT)
			die("sem_clockwait", what);
		if (peer_alive(x))
			continue;
		/* The peer may have posted just before it exited normally. */
		if (sem_trywait(sem) == 0)
			return;
		peer_died(x);
	}
}

void xfer_post(sem_t *sem, const char *what)
{
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

void xfer_close(struct xfer *x)
{
	/*
	 * sem_destroy exactly once, and only when nobody can be waiting on
	 * the semaphores any more (sem_destroy(3)).  That is the writer: it
	 * returns from its last sem_wait only after the reader's last
	 * sem_post, and the reader touches no semaphore after that.  On
	 * Linux sem_destroy does nothing, but POSIX lets an implementation
	 * tie resources to a process-shared semaphore, and the rule is the
	 * same as for malloc/free.  Seed gap: the seed's method 2 never
	 * says who destroys them, nor when.
	 */
	if (x->role == WRITER) {
		CHK(sem_destroy(x->can_write), "sem_destroy", "can_write");
		CHK(sem_destroy(x->can_read), "sem_destroy", "can_read");
		note("sem_destroy: both semaphores");
	}
	CHK(munmap(x->shm, sizeof(struct xfer_shm)), "munmap", n_shm);
	/* The name goes; the memory goes when the peer unmaps it too. */
	if (shm_unlink(n_shm) == -1 && errno != ENOENT)
		die("shm_unlink", n_shm);
	cleanup_done(h_shm);
	note("unlinked %s", n_shm);
}
